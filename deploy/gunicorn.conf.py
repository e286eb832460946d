"""Gunicorn settings for Candor in production: `gunicorn -c deploy/gunicorn.conf.py`.

The access log names no client: no address (%(h)s), no user agent, no referrer, and no query string,
which could hold a search (C45, C50). Each value can be overridden in the environment.
"""

import os

bind = os.environ.get("CANDOR_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("CANDOR_WORKERS", "2"))
worker_class = "sync"
wsgi_app = "candor.wsgi:application"
accesslog = os.environ.get("CANDOR_ACCESS_LOG", "-")
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
forwarded_allow_ips = os.environ.get("CANDOR_TRUSTED_PROXIES_GUNICORN", "127.0.0.1,::1")
