"""Announcements (C119, C120, C84, C64) and the announce list's subscribers without an account (C125).

An announcement is posted to the feed and, once the post commits, mailed to every verified address and put
in every account's inbox; the policy and transfer workflows post theirs through `announce`. Subscribing is
double opt-in: the answer never says whether an address was on the list already.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from candor.governance import announce_list, queries
from candor.governance.models import Announcement, AnnouncementKind, AnnounceSubscriber
from candor.governance.workflow import GovernanceRefused
from candor.privacy import clock


def announce(kind: AnnouncementKind, subject: str, body: str, link: str) -> Announcement:
    """Post to the announce feed; once the post commits, queue the mail to every verified address and the
    administrative notification to every account's inbox (C64)."""
    from candor.governance import tasks
    from candor.notify import tasks as notify_tasks

    announcement = Announcement.objects.create(
        kind=kind, subject=subject, body=body, link=link, at=clock.now()
    )
    transaction.on_commit(lambda: tasks.mail_announcement(announcement.pk))
    transaction.on_commit(lambda: notify_tasks.notify_announcement(announcement.pk))
    queries.forget_notices()
    return announcement


def do_subscribe(email: str) -> None:
    """Ask for a confirmation mail. The answer never says whether the address was on the list already, and
    a confirmed subscriber is not mailed again."""
    from candor.governance import tasks

    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise GovernanceRefused(_("Give an email address, such as name@example.org.")) from None
    now = clock.now()
    with transaction.atomic():
        subscriber, created = AnnounceSubscriber.objects.select_for_update().get_or_create(
            email=email, defaults={"requested_at": now}
        )
        if subscriber.confirmed_at is not None:
            return
        subscriber.requested_at = now
        subscriber.unconfirmed_until = now + timedelta(hours=announce_list.CONFIRM_HOURS)
        subscriber.save(update_fields=["requested_at", "unconfirmed_until"])
        language = translation.get_language() or settings.LANGUAGE_CODE
        transaction.on_commit(lambda: tasks.mail_subscription_confirmation(email, language))


def do_confirm_subscription(token: str) -> None:
    """announce_list.InvalidLink if the link is bad or expired, or the request is gone."""
    email = announce_list.address_to_confirm(token)
    updated = AnnounceSubscriber.objects.filter(email=email, unconfirmed_until__gt=clock.now()).update(
        confirmed_at=clock.now(), unconfirmed_until=None
    )
    if (
        not updated
        and not AnnounceSubscriber.objects.filter(email=email, confirmed_at__isnull=False).exists()
    ):
        raise announce_list.InvalidLink(
            _("This confirmation link has expired: subscribe again for a new one.")
        )


def do_unsubscribe(token: str) -> None:
    """Remove the address from the list, whatever its state; announce_list.InvalidLink if the link is bad."""
    AnnounceSubscriber.objects.filter(email=announce_list.address_to_remove(token)).delete()
