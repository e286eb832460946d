"""Login throttling against password guessing, shared by every server process through the database.

Failures are counted per username and per client address inside a sliding window. Neither the name nor
the address is stored: each bucket is an HMAC of it under the site's secret key, enough to count
failures and useless for anything else. Rows older than the window are deleted as new ones arrive.
"""

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings

from candor.accounts import usernames
from candor.accounts.models import FailedLogin
from candor.privacy import clock


def _bucket(kind: str, value: str) -> str:
    message = f"{kind}:{value}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _buckets(username: str, address: str) -> list[tuple[str, int]]:
    return [
        (
            _bucket("user", usernames.skeleton(usernames.canonical(username))),
            settings.CANDOR_LOGIN_FAILURES_PER_USERNAME,
        ),
        (_bucket("address", address), settings.CANDOR_LOGIN_FAILURES_PER_ADDRESS),
    ]


def _window() -> timedelta:
    return timedelta(minutes=settings.CANDOR_LOGIN_THROTTLE_MINUTES)


def is_throttled(username: str, address: str) -> bool:
    since = clock.now() - _window()
    return any(
        FailedLogin.objects.filter(bucket=bucket, at__gte=since).count() >= limit
        for bucket, limit in _buckets(username, address)
    )


def record_failure(username: str, address: str) -> None:
    now = clock.now()
    FailedLogin.objects.filter(at__lt=now - _window()).delete()
    FailedLogin.objects.bulk_create(
        FailedLogin(bucket=bucket, at=now) for bucket, _ in _buckets(username, address)
    )


def clear(username: str) -> None:
    """A successful login forgives the username's failures (not the address's)."""
    bucket, _ = _buckets(username, "")[0]
    FailedLogin.objects.filter(bucket=bucket).delete()
