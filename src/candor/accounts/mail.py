"""The mail of the account itself, and the one-time links in it (C68, C70, C101, C102): the verification
and the password reset. Consented and administrative mail are notify's (notify/mail.py).

Invariants: nothing but the verification mail goes to an address before its owner followed the link mailed
to it (`verified_email` is the only door for later senders); no mail carries a password, a password field or
a form; links are built from settings.CANDOR_SITE_URL, never from a request's Host header. Tokens are signed,
not stored: a verification link names a hash of the address it was sent to, so changing the address voids
it; a reset token (Django's generator) changes with the password hash, the last login and the address, so it
works once, and it expires after settings.PASSWORD_RESET_TIMEOUT. Both read "now" from the clock.
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import signing
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlencode, urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from candor.privacy import clock

VERIFY_SALT = "candor.accounts.verify-email"
# The templates of account mail (C70's fixed set, with notify.mail.EMAIL_TEMPLATES for consented,
# administrative and user-to-user mail, which notify sends). A test renders each.
EMAIL_TEMPLATES = (
    "accounts/email/verify_email.txt",
    "accounts/email/password_reset.txt",
)


class InvalidLink(ValueError):
    """The link is malformed, expired, used, or no longer matches the account; the message says which."""


def verified_email(user) -> str | None:
    """The address any mail other than the verification may go to, or None (C68)."""
    return user.email if user.email and user.email_verified_at is not None else None


def _address_digest(email: str) -> str:
    return salted_hmac(VERIFY_SALT, email.lower()).hexdigest()[:20]


def verification_token(user) -> str:
    issued = int(clock.now().timestamp())
    return signing.dumps({"u": user.pk, "a": _address_digest(user.email), "t": issued}, salt=VERIFY_SALT)


def user_for_verification(token: str, users):
    """The account whose current, unverified address `token` was mailed to, or InvalidLink."""
    try:
        claim = signing.loads(token, salt=VERIFY_SALT)
        user = users.get(pk=claim["u"])
    except (signing.BadSignature, KeyError, TypeError, users.model.DoesNotExist):
        raise InvalidLink(
            gettext("This confirmation link is not valid. Check that it was copied whole.")
        ) from None
    issued = datetime.fromtimestamp(claim["t"], tz=UTC)
    if not user.email or not constant_time_compare(claim["a"], _address_digest(user.email)):
        raise InvalidLink(gettext("This link was for an address no longer on the account."))
    if user.email_verified_at is not None:
        raise InvalidLink(gettext("This address is already confirmed; the link cannot be used again."))
    if clock.now() - issued > timedelta(hours=settings.CANDOR_EMAIL_VERIFICATION_HOURS):
        raise InvalidLink(
            gettext(
                "This confirmation link has expired. Save your address again in your preferences for a new "
                "one."
            )
        )
    return user


class _ResetTokens(PasswordResetTokenGenerator):
    key_salt = "candor.accounts.password-reset"

    def _now(self):
        # Django compares naive UTC seconds since 2001; ours come from the injectable clock.
        return clock.now().astimezone(UTC).replace(tzinfo=None)

    def _make_hash_value(self, user, timestamp):
        return super()._make_hash_value(user, timestamp) + str(user.email_verified_at)


reset_tokens = _ResetTokens()


def reset_uid(user) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def user_for_reset(uid: str, token: str, users):
    """The account a reset link is for, if the link is valid now, else InvalidLink."""
    try:
        user = users.get(pk=int(urlsafe_base64_decode(uid).decode()))
    except (ValueError, TypeError, UnicodeDecodeError, users.model.DoesNotExist):
        user = None
    if user is None or verified_email(user) is None or not reset_tokens.check_token(user, token):
        raise InvalidLink(
            gettext("This password-reset link has expired or was already used. Ask for a new one below.")
        )
    return user


def reset_link_problem(uid: str, token: str) -> str:
    """Why a reset link cannot be used now, or "" if it can."""
    from candor.accounts.models import User

    try:
        user_for_reset(uid, token, User.objects)
    except InvalidLink as exc:
        return str(exc)
    return ""


def _link(path: str, **query: str) -> str:
    return f"{settings.CANDOR_SITE_URL}{path}?{urlencode(query)}"


def _send(template: str, subject: str, to: str, context: dict) -> None:
    """Send one mail. A relay that is down raises, so that the job sending it is retried; the request that
    queued it answered long before, the same whatever happens here (nor whether an account exists)."""
    send_mail(str(subject), render_to_string(template, context), None, [to])


def language_of(user) -> str:
    """The language of the mail to `user` (C57): their preference, else the site's default."""
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def send_verification(user_id: int, address: str) -> bool:
    """The one mail that may go to an unverified address; True if it went. Asked when it goes: the account
    still has `address`, unconfirmed (a later change of address queued a mail of its own)."""
    from candor.accounts.models import User

    user = User.objects.filter(pk=user_id, email=address, email_verified_at=None).first()
    if user is None:
        return False
    link = _link("/accounts/verify-email", token=verification_token(user))
    context = {"username": user.username, "link": link, "hours": settings.CANDOR_EMAIL_VERIFICATION_HOURS}
    with translation.override(language_of(user)):
        _send(EMAIL_TEMPLATES[0], _("Confirm your email address on Candor"), address, context)
    return True


def send_password_reset(user_id: int) -> bool:
    """A reset link, to the account's confirmed address as it is when the mail goes; True if it went. The
    token is made now, so the hour it lasts starts when it is sent."""
    from candor.accounts.models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    to = verified_email(user) if user is not None else None
    if to is None:
        return False
    link = _link("/accounts/password-reset/confirm", uid=reset_uid(user), token=reset_tokens.make_token(user))
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    context = {"username": user.username, "link": link, "minutes": minutes}
    with translation.override(language_of(user)):
        _send(EMAIL_TEMPLATES[1], _("Reset your Candor password"), to, context)
    return True
