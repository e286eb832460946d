"""Consent: one append-only record per grant or withdrawal (DESIGN.md, privacy engine point 6; C68, C69).

Invariants: without a record nothing is consented (the protective default); the latest record for a purpose
is the answer, read by `has_consent` at the moment of use (a sender asks when it sends, not when it queued);
a record is never changed or deleted while the account exists, so the history of what a person agreed to,
and the exact notice they were shown, stays provable. Administrative mail (policy changes, legal notices) is
not consent-based and is not here.

An unsubscribe token is signed, not stored: it names an account and a purpose, under its own salt, and does
nothing but withdraw that one purpose, so it needs no session (RFC 8058 one-click).
"""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils.http import urlencode
from django.utils.translation import gettext, gettext_noop

from candor.privacy import capture, clock
from candor.privacy.capture import RequestMeta
from candor.privacy.models import EventType
from candor.privacy.models.consent import Consent, Purpose

UNSUBSCRIBE_SALT = "candor.privacy.unsubscribe"


@dataclass(frozen=True)
class Notice:
    version: str
    text: str


# The words shown beside each choice, in English here and in the reader's language on the page; a record keeps
# the words as shown. Changing a text means a new version: records keep the one they showed.
NOTICES: dict[str, Notice] = {
    Purpose.NEWS: Notice(
        "1",
        gettext_noop(
            "Occasional email about what is happening on this wiki and its community. No advertising, and "
            "your address is never given to anyone. Off until you switch it on; every such mail has a "
            "one-click unsubscribe link."
        ),
    ),
    Purpose.SURVEYS: Notice(
        "1",
        gettext_noop(
            "Email inviting you to an optional survey. Each survey says how its answers will be used before "
            "you answer; answering is always optional. Every invitation has a one-click unsubscribe link."
        ),
    ),
    Purpose.WATCHLIST_EMAIL: Notice(
        "1",
        gettext_noop(
            "Email when a page you follow is changed. Without this, changes show only on the site. Every "
            "such mail has a one-click unsubscribe link."
        ),
    ),
    Purpose.RESEARCH: Notice(
        "1",
        gettext_noop(
            "Email inviting you to take part in a research study. Each study says what it collects and who "
            "sees it before you join; joining is always optional."
        ),
    ),
    Purpose.PRECISE_LOCATION: Notice(
        "1",
        gettext_noop(
            "Using your device's precise location for features that ask for it. Without this, only a coarse "
            "region is ever used, and nothing about your location is kept."
        ),
    ),
}


class InvalidUnsubscribe(ValueError):
    """The unsubscribe token is malformed, tampered with, or for an account that no longer exists."""


def has_consent(user, purpose: str) -> bool:
    """Whether the latest record for `purpose` is a grant. No record: no consent."""
    latest = (
        Consent.objects.filter(user=user, purpose=Purpose(purpose))
        .order_by("-at", "-id")
        .values_list("granted", flat=True)
        .first()
    )
    return bool(latest)


def current_choices(user) -> dict[str, bool]:
    """Every purpose, and whether it is consented now (one query)."""
    choices = dict.fromkeys(Purpose.values, False)
    for purpose, granted in (
        Consent.objects.filter(user=user).order_by("at", "id").values_list("purpose", "granted")
    ):
        choices[purpose] = granted
    return choices


def _record(user, purpose: str, granted: bool, meta: RequestMeta) -> Consent:
    notice = NOTICES[Purpose(purpose)]
    with transaction.atomic():
        record = Consent.objects.create(
            user=user,
            purpose=Purpose(purpose),
            granted=granted,
            at=clock.now(),
            notice_version=notice.version,
            notice_text=gettext(notice.text),  # the words as shown, in the language shown
        )
        event = EventType.CONSENT_GRANTED if granted else EventType.CONSENT_WITHDRAWN
        capture.record(event, meta, actor=user, target=f"consent:{record.pk}")
    return record


def do_grant_consent(user, purpose: str, meta: RequestMeta) -> Consent:
    return _record(user, purpose, True, meta)


def do_withdraw_consent(user, purpose: str, meta: RequestMeta) -> Consent:
    return _record(user, purpose, False, meta)


def do_set_consents(user, wanted: dict[str, bool], meta: RequestMeta) -> list[Consent]:
    """Record a grant or a withdrawal for each purpose whose answer changes; the others stay as they are."""
    with transaction.atomic():
        now = current_choices(user)
        return [
            _record(user, purpose, granted, meta)
            for purpose, granted in wanted.items()
            if now[Purpose(purpose)] != granted
        ]


def unsubscribe_token(user, purpose: str) -> str:
    return signing.dumps({"u": user.pk, "p": Purpose(purpose).value}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_claim(token: str, users):
    """The account and purpose a token names, or InvalidUnsubscribe."""
    try:
        claim = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        return users.get(pk=claim["u"]), Purpose(claim["p"])
    except (signing.BadSignature, KeyError, TypeError, ValueError, users.model.DoesNotExist):
        raise InvalidUnsubscribe(
            gettext("This unsubscribe link is not valid. Check that it was copied whole.")
        ) from None


def unsubscribe_link(user, purpose: str) -> str:
    query = urlencode({"token": unsubscribe_token(user, purpose)})
    return f"{settings.CANDOR_SITE_URL}/accounts/unsubscribe?{query}"


def consented_headers(user, purpose: str) -> dict[str, str]:
    """RFC 2369 and RFC 8058 headers for a consented mail: mail clients offer a one-click unsubscribe."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_link(user, purpose)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
