"""The general mail Candor sends (C64, C68, C69, C70): consented mail (news, surveys, watchlist email) and
administrative notices. Verification and password-reset mail stay in accounts/mail.py.

Invariants: nothing goes to an address its owner has not confirmed (`accounts.mail.verified_email` is the
one door); consented mail asks about consent when it is sent, not when it was queued; no mail carries a
password or a form, and links come from settings.CANDOR_SITE_URL (privacy.consent builds them).
"""

import smtplib
from collections.abc import Callable, Iterable, Iterator

from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import translation

from candor.accounts.mail import language_of, verified_email
from candor.accounts.models import User
from candor.privacy import consent

CONSENTED_TEMPLATE = "notify/email/consented.txt"
USER_MESSAGE_TEMPLATE = "notify/email/user_message.txt"
ADMINISTRATIVE_TEMPLATE = "notify/email/administrative.txt"
# The templates notify mails (C70's fixed set, with accounts.mail.EMAIL_TEMPLATES for account mail). A test
# renders each.
EMAIL_TEMPLATES = (CONSENTED_TEMPLATE, USER_MESSAGE_TEMPLATE, ADMINISTRATIVE_TEMPLATE)


def in_their_languages(
    users: Iterable[User], compose: Callable[[], tuple[str, str]]
) -> Iterator[tuple[int, str, str]]:
    """(user id, subject, body) for each of `users`, written in that user's language (C57, C118): consented
    mail is composed when it is queued, so `compose` runs inside translation.override, once per language
    however many people share it."""
    composed: dict[str, tuple[str, str]] = {}
    for user in users:
        language = language_of(user)
        if language not in composed:
            with translation.override(language):
                composed[language] = compose()
        yield (user.pk, *composed[language])


def send_consented_each(purpose: str, messages: list[tuple[int, str, str]]) -> tuple[int, list]:
    """Send each of `messages` (user id, subject, body) that needs consent to `purpose` (news, surveys,
    watchlist email) and may go now, over one connection to the relay. Returns how many went, and the
    messages the relay did not take (from the first failure on, to be tried again later).

    Asked at sending time, not when the mail was queued (DESIGN.md, Consent): the account still exists, its
    address is confirmed, and the latest consent record for `purpose` is a grant.
    """
    purpose = consent.Purpose(purpose)
    users = User.objects.in_bulk([user_id for user_id, _, _ in messages])
    connection = get_connection()
    try:
        connection.open()
    except (OSError, smtplib.SMTPException):  # the relay cannot be reached: all of them later
        return 0, messages
    sent = 0
    try:
        for position, (user_id, subject, body) in enumerate(messages):
            user = users.get(user_id)
            to = verified_email(user) if user is not None else None
            if to is None or not consent.has_consent(user, purpose):
                continue
            with translation.override(language_of(user)):  # the recipient's (C57)
                context = {
                    "username": user.username,
                    "body": body,
                    "reason": str(purpose.label),
                    "link": consent.unsubscribe_link(user, purpose),
                }
                text = render_to_string(CONSENTED_TEMPLATE, context)
            headers = consent.consented_headers(user, purpose)
            try:
                EmailMessage(subject, text, None, [to], headers=headers, connection=connection).send()
            except (OSError, smtplib.SMTPException):
                return sent, messages[position:]
            sent += 1
    finally:
        connection.close()
    return sent, []


def send_administrative(user_id: int, subject: str, body: str) -> bool:
    """Send one administrative mail (C64: policy changes, ownership notices, a legal demand's notice) to the
    account's verified address, if it has one now; True if it went. No consent is asked: these notices are
    what the policy promises to send. A relay that is down raises, so that the job is retried."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    to = verified_email(user) if user is not None else None
    if to is None:
        return False
    with translation.override(language_of(user)):  # the recipient's language (C57)
        text = render_to_string(ADMINISTRATIVE_TEMPLATE, {"username": user.username, "body": body})
    EmailMessage(subject, text, None, [to]).send()
    return True
