"""Announce-list mail, run by the huey worker: one job lists the verified addresses' accounts and queues
one job per chunk of MAIL_CHUNK, each sending through accounts.mail.send_administrative (C64, C125).

A chunk that fails is retried whole, so a relay failure can repeat a notice to part of a chunk; it never
skips anyone. Who gets it is decided when the chunk is sent: an address confirmed or removed meanwhile
counts as it is then.
"""

from django.conf import settings
from huey.contrib.djhuey import db_task

from candor.accounts.mail import send_administrative
from candor.accounts.models import User
from candor.governance.models import Announcement

MAIL_CHUNK = 500


@db_task(retries=3, retry_delay=60)
def mail_announcement(announcement_id: int) -> int:
    recipients = list(
        User.objects.filter(is_active=True, email_verified_at__isnull=False)
        .exclude(email=None)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(recipients), MAIL_CHUNK):
        mail_announcement_chunk(announcement_id, recipients[start : start + MAIL_CHUNK])
    return len(recipients)


@db_task(retries=3, retry_delay=60)
def mail_announcement_chunk(announcement_id: int, user_ids: list[int]) -> int:
    announcement = Announcement.objects.get(pk=announcement_id)
    body = f"{announcement.body}\n\n{settings.CANDOR_SITE_URL}{announcement.link}"
    return sum(send_administrative(user_id, announcement.subject, body) for user_id in user_ids)
