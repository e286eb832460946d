"""Announce-list mail, run by the huey worker: one job lists the verified addresses' accounts and the
confirmed subscribers without an account, and queues one job per chunk of MAIL_CHUNK of either, each sending
through notify.mail.send_administrative or announce_list.send_announcement (C64, C125).

A chunk that fails is retried whole, so a relay failure can repeat a notice to part of a chunk; it never
skips anyone. Who gets it is decided when the chunk is sent: an address confirmed or removed meanwhile
counts as it is then.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task

from candor.accounts.models import User
from candor.governance import announce_list
from candor.governance.models import Announcement, AnnounceSubscriber, ContactMessage
from candor.notify.mail import send_administrative
from candor.privacy import clock

MAIL_CHUNK = 500


@db_task(retries=3, retry_delay=60)
def mail_announcement(announcement_id: int) -> int:
    recipients = list(
        User.objects.filter(is_active=True, email_verified_at__isnull=False)
        .exclude(email=None)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    subscribers = list(
        AnnounceSubscriber.objects.filter(confirmed_at__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(recipients), MAIL_CHUNK):
        mail_announcement_chunk(announcement_id, recipients[start : start + MAIL_CHUNK])
    for start in range(0, len(subscribers), MAIL_CHUNK):
        mail_announcement_to_subscribers(announcement_id, subscribers[start : start + MAIL_CHUNK])
    return len(recipients) + len(subscribers)


@db_task(retries=3, retry_delay=60)
def mail_announcement_chunk(announcement_id: int, user_ids: list[int]) -> int:
    announcement = Announcement.objects.get(pk=announcement_id)
    body = f"{announcement.body}\n\n{settings.CANDOR_SITE_URL}{announcement.link}"
    return sum(send_administrative(user_id, announcement.subject, body) for user_id in user_ids)


@db_task(retries=3, retry_delay=60)
def mail_announcement_to_subscribers(announcement_id: int, subscriber_ids: list[int]) -> int:
    announcement = Announcement.objects.get(pk=announcement_id)
    body = f"{announcement.body}\n\n{settings.CANDOR_SITE_URL}{announcement.link}"
    # Asked when the chunk is sent: someone who left meanwhile gets nothing.
    emails = AnnounceSubscriber.objects.filter(pk__in=subscriber_ids, confirmed_at__isnull=False)
    sent = 0
    for email in emails.values_list("email", flat=True):
        announce_list.send_announcement(email, announcement.subject, body)
        sent += 1
    return sent


@db_task(retries=3, retry_delay=60)
def tell_privacy_contact(message_id: int) -> bool:
    """Tell the privacy contact (CANDOR_PRIVACY_CONTACT) that a message waits in the queue (C63, C123): its
    number and time and where to read it, never its text or its sender's address, which stay in the queue."""
    waiting = ContactMessage.objects.filter(pk=message_id).first()
    if waiting is None:  # deleted meanwhile (the retention purge): nothing is waiting any more
        return False
    with translation.override(settings.LANGUAGE_CODE):  # an address, not an account: the site's language
        body = render_to_string(
            "governance/email/contact_waiting.txt",
            {
                "number": waiting.pk,
                "at": waiting.at,
                "link": f"{settings.CANDOR_SITE_URL}/governance/contact-messages",
            },
        )
        subject = _("A message waits for the privacy contact (number %(number)d)") % {"number": waiting.pk}
    EmailMessage(subject, body, None, [settings.CANDOR_PRIVACY_CONTACT]).send()
    return True


@db_task(retries=3, retry_delay=60)
def mail_subscription_confirmation(email: str, language: str) -> bool:
    """Sent only while the request is still unconfirmed and unexpired, in `language` (announce_list)."""
    if not AnnounceSubscriber.objects.filter(email=email, unconfirmed_until__gt=clock.now()).exists():
        return False
    announce_list.send_confirmation(email, language)
    return True
