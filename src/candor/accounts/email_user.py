"""“Email this user” (C65, C66): one logged-in person writes to another through Candor.

Invariants, each proved by tests/accounts/test_email_user.py:
- the recipient's address never reaches the sender: the page, the confirmation and every refusal are the same
  whether the name is unknown, has not opted in, or has no confirmed address (NOT_EMAILABLE);
- the sender's address reaches the recipient only if the sender ticks `show_my_address` (then as Reply-To);
  otherwise the mail is from CANDOR_EMAIL_FROM alone;
- the body is not kept: it is rendered and handed to the relay within the request, and no table, log or job
  queue holds it. Only the fact that the sender sent one message (a PrivateEvent, sealed metadata, no
  subject, body or recipient) is recorded, to enforce DAILY_LIMIT.
"""

import logging
import smtplib
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.mail import EmailMessage
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string

from candor.accounts import mail, usernames
from candor.accounts.models import User
from candor.privacy import capture, clock
from candor.privacy.capture import RequestMeta
from candor.privacy.models import EventType, PrivateEvent
from candor.privacy.pages import private_page

logger = logging.getLogger(__name__)

TEMPLATE = "accounts/email/user_message.txt"
DAILY_LIMIT = 10
LIMIT_WINDOW = timedelta(hours=24)
# One answer for a name that is no account, an account that has not opted in, and one without a confirmed
# address: the sender learns nothing about the recipient's address (C65).
NOT_EMAILABLE = "This user cannot be emailed through Candor."
CONFIRM_YOURS_FIRST = (
    "Confirm your own email address in your preferences first: only people with a confirmed address can "
    "email other users."
)
TOO_MANY = (
    f"You have sent {DAILY_LIMIT} messages in the last 24 hours, the most Candor allows. Try again later."
)
NOT_SENT = "The message could not be sent just now. Nothing was kept; try again later."


class EmailRefused(ValueError):
    """The message was not sent; the text says why, and never anything about the recipient's address."""


class EmailUserForm(forms.Form):
    to = forms.CharField(label="To (username)", max_length=usernames.MAX_LENGTH)
    subject = forms.CharField(label="Subject", max_length=200)
    body = forms.CharField(label="Message", max_length=20_000, widget=forms.Textarea(attrs={"rows": 12}))
    show_my_address = forms.BooleanField(label="Show my email address to the recipient", required=False)


class EmailUserChoiceForm(forms.Form):
    """The preferences checkbox; off until its owner switches it on."""

    accepts_user_email = forms.BooleanField(label="Let other users email me through Candor", required=False)


def do_set_accepts_user_email(user: User, accepts: bool, meta: RequestMeta) -> None:
    with transaction.atomic():
        user.accepts_user_email = accepts
        user.save(update_fields=["accepts_user_email"])
        capture.record(EventType.PREFERENCES_CHANGE, meta, actor=user)


def _emailable(recipient_name: str) -> User | None:
    recipient = User.objects.filter(username=usernames.canonical(recipient_name), is_active=True).first()
    if recipient is None or not recipient.accepts_user_email or mail.verified_email(recipient) is None:
        return None
    return recipient


def do_email_user(
    sender: User, recipient_name: str, subject: str, body: str, show_my_address: bool, meta: RequestMeta
) -> None:
    """Send one message from `sender` to the user named `recipient_name`, or raise EmailRefused."""
    sender_address = mail.verified_email(sender)
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
            raise EmailRefused(TOO_MANY)
        capture.record(EventType.EMAIL_USER, meta, actor=sender)
        context = {
            "recipient": recipient.username,
            "sender": sender.username,
            "body": body,
            "shown": show_my_address,
            "site": settings.CANDOR_SITE_URL,
        }
        message = EmailMessage(
            subject,
            render_to_string(TEMPLATE, context),
            None,
            [mail.verified_email(recipient)],
            reply_to=[sender_address] if show_my_address else None,
        )
        try:
            message.send()
        except (OSError, smtplib.SMTPException) as exc:
            # Rolls back the event: a message that did not go does not count against the sender.
            logger.warning("user-to-user mail not delivered: %s", type(exc).__name__)
            raise EmailRefused(NOT_SENT) from None


@private_page
def email_user(request: HttpRequest) -> HttpResponse:
    """The form (C65, C66). It states what the recipient sees, and that the policy stops at delivery."""
    sender = request.user
    form = EmailUserForm(request.POST or None, initial={"to": request.GET.get("to", "")})
    if mail.verified_email(sender) is None:
        context = {"form": form, "can_send": False, "problem": CONFIRM_YOURS_FIRST}
        return render(request, "accounts/email_user.html", context, status=403 if request.POST else 200)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                do_email_user(
                    sender, data["to"], data["subject"], data["body"], data["show_my_address"],
                    request.candor_meta,
                )  # fmt: skip
            except EmailRefused as refusal:
                form.add_error(None, str(refusal))
                status = 429 if str(refusal) == TOO_MANY else 400
            else:
                messages.success(request, "Your message was sent.")
                return HttpResponseRedirect("/accounts/email-user")
    context = {"form": form, "can_send": True, "problem": "", "limit": DAILY_LIMIT}
    return render(request, "accounts/email_user.html", context, status=status)
