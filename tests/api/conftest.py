"""A live Candor for the real clients of the Action API (mwclient, pywikibot) to talk to.

pytest-django's live server, the one the browser stories use: a real HTTP server on 127.0.0.1, on a free
port, in a thread of the test process, stopped at the end of the test. It speaks plain HTTP, so the session
cookie is not marked Secure here (CANDOR_HTTPS=false does the same for a real deployment on the loopback):
a client library keeps a Secure cookie for HTTPS only.
"""

import os
from urllib.parse import urlsplit

import pytest

os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")


@pytest.fixture
def live_wiki(live_server, settings):
    """The live server's host:port, with the settings of a plain-HTTP deployment."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    return urlsplit(live_server.url).netloc
