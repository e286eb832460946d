"""The announce list's own subscribers, people without an account (C125): the signed links of the
confirmation and of every message, and the mail they receive.

Invariants: nothing but the confirmation goes to an address before its owner followed the link mailed to it;
every message carries a one-click unsubscribe link (RFC 8058) that works without an account or a login; links
are built from settings.CANDOR_SITE_URL. Tokens are signed, not stored: a confirmation token lasts
CONFIRM_HOURS and names the address; an unsubscribe token names the address and does not expire.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

CONFIRM_HOURS = 24
CONFIRM_SALT = "candor.governance.announce-confirm"
LEAVE_SALT = "candor.governance.announce-leave"


class InvalidLink(ValueError):
    """The link is malformed or has expired; the message says which."""


def _link(path: str, token: str) -> str:
    return f"{settings.CANDOR_SITE_URL}{path}?{urlencode({'token': token})}"


def confirm_link(email: str) -> str:
    return _link("/privacy/announcements/confirm", signing.dumps(email, salt=CONFIRM_SALT))


def leave_link(email: str) -> str:
    return _link("/privacy/announcements/unsubscribe", signing.dumps(email, salt=LEAVE_SALT))


def address_to_confirm(token: str) -> str:
    try:
        return signing.loads(token, salt=CONFIRM_SALT, max_age=timedelta(hours=CONFIRM_HOURS))
    except signing.SignatureExpired:
        raise InvalidLink(_("This confirmation link has expired: subscribe again for a new one.")) from None
    except signing.BadSignature:
        raise InvalidLink(_("This link is not valid. Check that it was copied whole.")) from None


def address_to_remove(token: str) -> str:
    try:
        return signing.loads(token, salt=LEAVE_SALT)
    except signing.BadSignature:
        raise InvalidLink(_("This link is not valid. Check that it was copied whole.")) from None


def send_confirmation(email: str, language: str) -> None:
    """The confirmation, in the language of the page the address was given on (C118): a subscriber has no
    account, so no preference; the language travels with the job only, and is stored nowhere."""
    with translation.override(language):
        subject = _("Confirm your subscription to Candor's announcements")
        body = render_to_string(
            "governance/email/subscribe_confirm.txt", {"link": confirm_link(email), "hours": CONFIRM_HOURS}
        )
    EmailMessage(subject, body, None, [email]).send()


def send_announcement(email: str, subject: str, body: str) -> None:
    """One message of the list; a relay that is down raises, so that the job is retried."""
    leave = leave_link(email)
    with translation.override(settings.LANGUAGE_CODE):  # a subscriber has no account, so no language
        text = render_to_string("governance/email/announcement.txt", {"body": body, "leave": leave})
    headers = {"List-Unsubscribe": f"<{leave}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    EmailMessage(subject, text, None, [email], headers=headers).send()
