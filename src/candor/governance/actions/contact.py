"""Messages to the privacy contact (C123, C63): filed in the private queue, and announced to the contact."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from candor.governance.actions.checks import MAX_COMMENT_CHARS
from candor.governance.models import ContactMessage
from candor.governance.workflow import GovernanceRefused
from candor.privacy import clock


def do_send_contact_message(*, reply_to: str, message: str) -> ContactMessage:
    """File a message in the privacy queue (C123), a privacy problem reported (C63) or a question, and once it
    is filed, tell the privacy contact that it waits."""
    from candor.governance import tasks

    message = (message or "").strip()
    if not message or len(message) > MAX_COMMENT_CHARS:
        raise GovernanceRefused(
            _("Write a message of at most %(count)d characters.") % {"count": MAX_COMMENT_CHARS}
        )
    longest_address = ContactMessage._meta.get_field("reply_to").max_length
    try:  # refused here, not by the database (PostgreSQL stores no NUL and no address over 254 characters)
        message = forms.CharField().clean(message)
        reply_to = forms.EmailField(required=False, max_length=longest_address).clean(reply_to)
    except ValidationError as invalid:
        raise GovernanceRefused(invalid.messages[0]) from invalid
    with transaction.atomic():
        contact_message = ContactMessage.objects.create(reply_to=reply_to, message=message, at=clock.now())
        message_id = contact_message.pk
        transaction.on_commit(
            lambda: tasks.tell_privacy_contact(message_id)
        )  # C63: a report reaches a person
    return contact_message
