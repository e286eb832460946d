"""Temporary accounts for logged-out editors, when the operator chose them (issue 18).

With CANDOR_LOGGED_OUT_ATTRIBUTION=temporary_account, a logged-out person's first edit creates an account
named `~<year>-<serial>` (accounts.actions.do_create_temporary_account) and their browser receives the
declared first-party cookie COOKIE_NAME (privacy/cookies.py), a random token. The database keeps only a
keyed hash of the token, so a copy of the database cannot be used to take over a browser's name. The next
edits from the browser that sends the cookie carry the same name, whatever the address, until the account
expires CANDOR_TEMPORARY_ACCOUNT_DAYS (at most 90) after its creation; the edit after that gets a new one.

Invariants: the address is never the public attribution in this mode (an edit without a browser, such as
an import, gets a fresh account); a temporary account has no password, so it can never log in; its edits
stay attributed to its name forever; its address is in the private event table only, behind
privacy.access (the temporary-account viewer role).
"""

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from candor.accounts.models import TemporaryAccount, User
from candor.privacy import clock

COOKIE_NAME = "candor_temporary_account"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)


def enabled() -> bool:
    return settings.CANDOR_LOGGED_OUT_ATTRIBUTION == "temporary_account"


def lifetime() -> timedelta:
    return timedelta(days=settings.CANDOR_TEMPORARY_ACCOUNT_DAYS)


@dataclass
class Browser:
    """One browser's claim to a temporary account: the token its cookie sent, or a fresh one. `account` is
    set by the edit that used or created the account, so that the response (re)sends the cookie."""

    token: str
    account: TemporaryAccount | None = None

    @property
    def digest(self) -> str:
        return salted_hmac("candor.accounts.temporary", self.token, algorithm="sha256").hexdigest()

    @classmethod
    def fresh(cls) -> "Browser":
        return cls(secrets.token_urlsafe(32))


def browser_of(request: HttpRequest) -> Browser:
    """The browser behind `request`, the same object for the whole request (no database read)."""
    browser = getattr(request, "candor_browser", None)
    if browser is None:
        sent = request.COOKIES.get(COOKIE_NAME, "")
        browser = Browser(sent) if _TOKEN.fullmatch(sent) else Browser.fresh()
        request.candor_browser = browser
    return browser


def current_account(browser: Browser, now: datetime) -> TemporaryAccount | None:
    """The browser's temporary account that has not expired at `now`, if it has one."""
    return (
        TemporaryAccount.objects.select_related("user")
        .filter(browser_digest=browser.digest, expires_at__gt=now)
        .order_by("-expires_at")
        .first()
    )


def format_name(year: int, serial: int) -> str:
    """`~2026-00001`: the year, then the serial in groups of five digits (`~2026-12345-6`)."""
    digits = f"{serial:05d}"
    groups = [digits[start : start + 5] for start in range(0, len(digits), 5)]
    return f"~{year}-" + "-".join(groups)


def is_temporary(user: User | None) -> bool:
    return user is not None and user.is_temporary


class TemporaryAccountCookieMiddleware:
    """Sends the browser its temporary account's cookie after an edit used or created the account; it
    lasts as long as the account does. Nothing is set for anyone else (no cookie for reading)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        browser = getattr(request, "candor_browser", None)
        if browser is not None and browser.account is not None:
            remaining = browser.account.expires_at - clock.now()
            response.set_cookie(
                COOKIE_NAME,
                browser.token,
                max_age=max(int(remaining.total_seconds()), 0),
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
