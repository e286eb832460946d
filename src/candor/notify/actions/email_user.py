"""“Email this user” (C65, C66): one logged-in person writes to another through Candor.

Invariants, each proved by tests/accounts/test_email_user.py:
- the recipient's address never reaches the sender: the page, the confirmation and every refusal are the same
  whether the name is unknown, has not opted in, or has no confirmed address (NOT_EMAILABLE);
- the sender's address reaches the recipient only if the sender ticks `show_my_address` (then as Reply-To);
  otherwise the mail is from CANDOR_EMAIL_FROM alone;
- the body is not kept: it is rendered and handed to the relay within the request, and no table, log or job
  queue holds it. Only the fact that the sender sent one message (a PrivateEvent, sealed metadata, no
  subject, body or recipient) is recorded, to enforce DAILY_LIMIT.

Whether a person accepts such mail is their account preference (`accounts.actions.do_set_accepts_user_email`).
"""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy, ngettext

from candor.accounts import usernames
from candor.accounts.mail import language_of, verified_email
from candor.accounts.models import User
from candor.notify.mail import USER_MESSAGE_TEMPLATE
from candor.privacy import capture, clock
from candor.privacy.capture import RequestMeta
from candor.privacy.models import EventType, PrivateEvent

logger = logging.getLogger(__name__)

DAILY_LIMIT = 10
LIMIT_WINDOW = timedelta(hours=24)
# One answer for a name that is no account, an account that has not opted in, and one without a confirmed
# address: the sender learns nothing about the recipient's address (C65).
NOT_EMAILABLE = gettext_lazy("This user cannot be emailed through Candor.")
CONFIRM_YOURS_FIRST = gettext_lazy(
    "Confirm your own email address in your preferences first: only people with a confirmed address can "
    "email other users."
)
NOT_SENT = gettext_lazy("The message could not be sent just now. Nothing was kept; try again later.")


class EmailRefused(ValueError):
    """The message was not sent; the text says why, and never anything about the recipient's address.
    `status`: the HTTP status the form answers with (429 for the daily limit)."""

    def __init__(self, message, status: int = 400):
        super().__init__(str(message))
        self.status = status


def _too_many() -> EmailRefused:
    message = ngettext(
        "You have sent %(limit)d message in the last 24 hours, the most Candor allows. Try again later.",
        "You have sent %(limit)d messages in the last 24 hours, the most Candor allows. Try again later.",
        DAILY_LIMIT,
    )
    return EmailRefused(message % {"limit": DAILY_LIMIT}, status=429)


def _emailable(recipient_name: str) -> User | None:
    recipient = User.objects.filter(username=usernames.canonical(recipient_name), is_active=True).first()
    if recipient is None or not recipient.accepts_user_email or verified_email(recipient) is None:
        return None
    return recipient


def do_email_user(
    sender: User, recipient_name: str, subject: str, body: str, show_my_address: bool, meta: RequestMeta
) -> None:
    """Send one message from `sender` to the user named `recipient_name`, or raise EmailRefused."""
    sender_address = verified_email(sender)
    if sender_address is None:
        raise EmailRefused(CONFIRM_YOURS_FIRST)
    recipient = _emailable(recipient_name)
    if recipient is None or recipient.pk == sender.pk:
        raise EmailRefused(NOT_EMAILABLE)
    with transaction.atomic():
        # Serialise one sender's sends so that two at once cannot both pass the limit.
        User.objects.select_for_update().filter(pk=sender.pk).first()
        since = clock.now() - LIMIT_WINDOW
        sent = PrivateEvent.objects.filter(actor=sender, event_type=EventType.EMAIL_USER, at__gt=since)
        if sent.count() >= DAILY_LIMIT:
            raise _too_many()
        capture.record(EventType.EMAIL_USER, meta, actor=sender)
        context = {
            "recipient": recipient.username,
            "sender": sender.username,
            "body": body,
            "shown": show_my_address,
            "site": settings.CANDOR_SITE_URL,
        }
        with translation.override(language_of(recipient)):  # the recipient's language (C57, C118)
            text = render_to_string(USER_MESSAGE_TEMPLATE, context)
        message = EmailMessage(
            subject,
            text,
            None,
            [verified_email(recipient)],
            reply_to=[sender_address] if show_my_address else None,
        )
        try:
            message.send()
        except (OSError, smtplib.SMTPException) as exc:
            # Rolls back the event: a message that did not go does not count against the sender.
            logger.warning("user-to-user mail not delivered: %s", type(exc).__name__)
            raise EmailRefused(NOT_SENT) from None
