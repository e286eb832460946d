"""Every write to watchlists, notifications and their settings (C50, C69, C71).

An edit queues one job (`queue_edit_notifications`), whatever the number of watchers: the fan-out to each
watcher happens in the worker, so that the edit itself stays fast. Nobody is notified of their own edit.
Mail goes only through `accounts.tasks.queue_consented_mail`, which asks about consent and a confirmed
address when it sends.
"""

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import transaction

from candor.accounts.models import User
from candor.accounts.tasks import queue_consented_mail
from candor.notify.models import Frequency, Kind, Notification, NotificationSettings, Watch
from candor.privacy import clock
from candor.privacy.consent import Purpose
from candor.wiki.markup import WIKI_LINK
from candor.wiki.models import Page, Revision
from candor.wiki.titles import InvalidTitle, Namespace, parse

BATCH = 1000
DIGEST_PERIODS = {Frequency.DAILY: timedelta(days=1), Frequency.WEEKLY: timedelta(days=7)}


def do_watch(user: User, page: Page) -> None:
    Watch.objects.get_or_create(user=user, page=page, defaults={"created_at": clock.now()})


def do_unwatch(user: User, page: Page) -> None:
    Watch.objects.filter(user=user, page=page).delete()


def do_set_frequency(user: User, frequency: str) -> None:
    NotificationSettings.objects.update_or_create(user=user, defaults={"frequency": Frequency(frequency)})


def do_mark_read(user: User) -> None:
    Notification.objects.filter(user=user, read_at=None).update(read_at=clock.now())


def queue_edit_notifications(revision: Revision) -> None:
    """One job for the whole fan-out, queued once the edit has committed."""
    from candor.notify import tasks

    revision_id = revision.pk
    transaction.on_commit(lambda: tasks.notify_edit(revision_id))


def _mentioned(text: str) -> set[str]:
    names = set()
    for match in WIKI_LINK.finditer(text):
        try:
            title = parse(match.group(1))
        except InvalidTitle:
            continue
        if title.namespace == Namespace.USER:
            names.add(title.name)
    return names


def recipients(revision: Revision) -> dict[int, Kind]:
    """Who is told about `revision`, each once, by the most personal reason: their talk page, a mention,
    then their watchlist. Never the editor."""
    page = revision.page
    found: dict[int, Kind] = {}
    for user_id in Watch.objects.filter(page=page).values_list("user_id", flat=True).iterator():
        found[user_id] = Kind.WATCHED_PAGE_EDITED
    if page.namespace in (Namespace.TALK, Namespace.USER_TALK):
        before = revision.parent.text if revision.parent_id else ""
        added = _mentioned(revision.text) - _mentioned(before)
        for user_id in User.objects.filter(username__in=added).values_list("id", flat=True):
            found[user_id] = Kind.TALK_MENTION
    if page.namespace == Namespace.USER_TALK:
        owner = User.objects.filter(username=page.title_object.name).values_list("id", flat=True).first()
        if owner is not None:
            found[owner] = Kind.USER_TALK_EDIT
    found.pop(revision.user_id, None)
    return found


def do_notify_edit(revision_id: int) -> int:
    """Create the notifications for one edit and queue the immediate mails; the number created."""
    revision = Revision.objects.select_related("page", "parent").filter(pk=revision_id).first()
    if revision is None:
        return 0
    found = recipients(revision)
    now = clock.now()
    with transaction.atomic():
        items = [
            Notification(user_id=user_id, kind=kind, page=revision.page, revision=revision, created_at=now)
            for user_id, kind in found.items()
        ]
        Notification.objects.bulk_create(items, batch_size=BATCH)
        immediate = NotificationSettings.objects.filter(
            user_id__in=list(found), frequency=Frequency.IMMEDIATELY
        ).values_list("user_id", flat=True)
        mailed = set(immediate)
        for user in User.objects.filter(pk__in=mailed).only("id"):
            queue_consented_mail(user, Purpose.WATCHLIST_EMAIL, *_single_mail(revision, found[user.pk]))
        Notification.objects.filter(revision=revision, user_id__in=mailed).update(mailed_at=now)
    return len(items)


def do_send_digests(frequency: Frequency) -> int:
    """One mail per account on `frequency` with notifications not yet mailed from the last period; the
    number of mails queued. The notifications are marked mailed either way, so none is sent twice."""
    now = clock.now()
    pending = (
        Notification.objects.filter(
            user__in=NotificationSettings.objects.filter(frequency=frequency).values("user_id"),
            mailed_at=None,
            created_at__gt=now - DIGEST_PERIODS[frequency],
        )
        .select_related("page")
        .order_by("user_id", "created_at")
    )
    by_user: dict[int, list[Notification]] = {}
    for notification in pending:
        by_user.setdefault(notification.user_id, []).append(notification)
    with transaction.atomic():
        for user in User.objects.filter(pk__in=list(by_user)).only("id"):
            queue_consented_mail(user, Purpose.WATCHLIST_EMAIL, *_digest_mail(frequency, by_user[user.pk]))
        ids = [item.pk for items in by_user.values() for item in items]
        for start in range(0, len(ids), BATCH):
            Notification.objects.filter(pk__in=ids[start : start + BATCH]).update(mailed_at=now)
    return len(by_user)


def _line(kind: str, page: Page, revision_id: int) -> str:
    link = f"{settings.CANDOR_SITE_URL}{page.title_object.url}?diff={revision_id}"
    return f"{Kind(kind).label}: {page.title_object.display}\n{link}"


def _single_mail(revision: Revision, kind: Kind) -> tuple[str, str]:
    subject = f"{revision.page.title_object.display} was edited"
    return subject, _line(kind, revision.page, revision.pk)


def _digest_mail(frequency: Frequency, items: Iterable[Notification]) -> tuple[str, str]:
    lines = [_line(item.kind, item.page, item.revision_id) for item in items]
    word = "daily" if frequency == Frequency.DAILY else "weekly"
    return f"Your {word} Candor digest", "\n\n".join(lines)
