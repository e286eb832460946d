"""The wiki's jobs: the PURGE of changed URLs from the front caches (wiki/frontcache.py queues it)."""

import http.client
from urllib.parse import urlsplit

from django.conf import settings
from huey.contrib.djhuey import task

# A cache that does not answer within this many seconds fails the job, which huey retries: a purge must
# not hold a worker for long, and the s-maxage bounds what a purge that never arrives costs.
PURGE_TIMEOUT_SECONDS = 5


class PurgeFailed(Exception):
    pass


@task(retries=5, retry_delay=30)
def purge_front_caches(urls: list[str]) -> None:
    """Send `PURGE url` for each of `urls` to every cache of settings.CANDOR_CDN_SERVERS, under the site's
    Host (the one the cache stored the pages under). Every cache is tried; if any failed, the job raises
    and huey sends the whole list again later (a PURGE repeated is harmless)."""
    host = urlsplit(settings.CANDOR_SITE_URL).netloc
    failures = []
    for server, port in settings.CANDOR_CDN_SERVERS:
        try:
            _purge(server, port, host, urls)
        except (OSError, http.client.HTTPException, PurgeFailed) as exc:
            failures.append(f"{server}:{port}: {exc}")
    if failures:
        raise PurgeFailed("; ".join(failures))


def _purge(server: str, port: int, host: str, urls: list[str]) -> None:
    connection = http.client.HTTPConnection(server, port, timeout=PURGE_TIMEOUT_SECONDS)
    try:
        for url in urls:  # one kept-alive connection for the whole list
            connection.request("PURGE", url, headers={"Host": host})
            response = connection.getresponse()
            response.read()
            if response.status not in {200, 204, 404}:
                raise PurgeFailed(f"PURGE {url} answered {response.status} {response.reason}")
    finally:
        connection.close()
