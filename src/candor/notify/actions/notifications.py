"""Every write to watchlists, notifications and their settings (C50, C69, C71).

An edit queues one job (`queue_edit_notifications`), whatever the number of watchers: the fan-out to each
watcher happens in the worker, so that the edit itself stays fast. Nobody is notified of their own edit.
An announcement of governance (a policy change, an
ownership transfer) queues one job too, which gives every account an administrative notification (C64).
Each person's switches decide, per kind, whether a notification shows on the site and whether it may go by
email (on the site yes, by email no, until they choose); the frequency decides when. Mail goes only through
`notify.tasks.queue_consented_mails`, one job per chunk of recipients, which asks about consent and a
confirmed address when it sends.
"""

from collections.abc import Iterable
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import translation
from django.utils.translation import gettext as _

from candor.accounts.mail import language_of
from candor.accounts.models import User
from candor.notify import tasks
from candor.notify.mail import in_their_languages
from candor.notify.models import (
    DEFAULT_SWITCH,
    SWITCHABLE_KINDS,
    Channel,
    Frequency,
    Kind,
    Notification,
    NotificationSettings,
    NotificationSwitch,
    Watch,
)
from candor.notify.tasks import queue_consented_mails
from candor.privacy import clock
from candor.privacy.consent import Purpose
from candor.publiclog.titles import InvalidTitle, Namespace, parse
from candor.wiki.markup import WIKI_LINK
from candor.wiki.models import Page, Revision

BATCH = 1000
DIGEST_PERIODS = {Frequency.DAILY: timedelta(days=1), Frequency.WEEKLY: timedelta(days=7)}


def do_watch(user: User, page: Page) -> None:
    Watch.objects.get_or_create(user=user, page=page, defaults={"created_at": clock.now()})


def do_unwatch(user: User, page: Page) -> None:
    Watch.objects.filter(user=user, page=page).delete()


def do_set_frequency(user: User, frequency: str) -> None:
    NotificationSettings.objects.update_or_create(user=user, defaults={"frequency": Frequency(frequency)})


def switches(user: User) -> dict[tuple[str, str], bool]:
    """Every (kind, channel) and whether it is on for `user`, the defaults where they chose nothing."""
    chosen = {
        (kind, channel): enabled
        for kind, channel, enabled in NotificationSwitch.objects.filter(user=user).values_list(
            "kind", "channel", "enabled"
        )
    }
    return {
        (kind, channel): chosen.get((kind, channel), DEFAULT_SWITCH[channel])
        for kind in SWITCHABLE_KINDS
        for channel in Channel.values
    }


def do_set_switches(user: User, enabled: set[tuple[str, str]]) -> None:
    """Turn each (kind, channel) on if it is in `enabled`, off otherwise (C71). Administrative notices are not
    switched: they always show on the site (C64)."""
    with transaction.atomic():
        for kind in SWITCHABLE_KINDS:
            for channel in Channel.values:
                NotificationSwitch.objects.update_or_create(
                    user=user, kind=kind, channel=channel, defaults={"enabled": (kind, channel) in enabled}
                )


def hidden_kinds(user: User) -> list[str]:
    """The kinds `user` switched off on the site: their inbox does not show them."""
    return list(
        NotificationSwitch.objects.filter(
            user=user, kind__in=SWITCHABLE_KINDS, channel=Channel.WEB, enabled=False
        ).values_list("kind", flat=True)
    )


def do_mark_read(user: User) -> None:
    Notification.objects.filter(user=user, read_at=None).update(read_at=clock.now())


def queue_edit_notifications(revision: Revision) -> None:
    """One job for the whole fan-out, queued once the edit has committed."""
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
    if page.namespace in (Namespace.TALK, Namespace.USER_TALK, Namespace.PROJECT, Namespace.PROJECT_TALK):
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


def _switched(among: Q, channel: Channel, enabled: bool) -> set[tuple[int, str]]:
    """The (user, kind) pairs of the users `among` whose `channel` is switched to `enabled`."""
    rows = NotificationSwitch.objects.filter(among, channel=channel, enabled=enabled)
    return set(rows.values_list("user_id", "kind"))


def do_notify_edit(revision_id: int) -> int:
    """Create the notifications for one edit that each person's switches let through, and queue the
    immediate mails; the number created."""
    revision = Revision.objects.select_related("page", "parent").filter(pk=revision_id).first()
    if revision is None:
        return 0
    found = recipients(revision)
    # The watchers by a subquery, the few others by id: a list of thousands of ids is slow to send.
    others = [user_id for user_id, kind in found.items() if kind != Kind.WATCHED_PAGE_EDITED]
    among = Q(user_id__in=Watch.objects.filter(page=revision.page).values("user_id")) | Q(user_id__in=others)
    off_on_site = _switched(among, Channel.WEB, enabled=False)
    by_email = _switched(among, Channel.EMAIL, enabled=True)
    frequency = dict(NotificationSettings.objects.filter(among).values_list("user_id", "frequency"))
    mailed = {
        user_id
        for user_id, kind in by_email
        if found.get(user_id) == kind and frequency.get(user_id, Frequency.NEVER) != Frequency.NEVER
    }
    wanted = {user_id: kind for user_id, kind in found.items() if (user_id, kind) not in off_on_site}
    wanted.update((user_id, found[user_id]) for user_id in mailed)
    now = clock.now()
    immediate = {user_id for user_id in mailed if frequency[user_id] == Frequency.IMMEDIATELY}
    with transaction.atomic():
        items = [
            Notification(
                user_id=user_id,
                kind=kind,
                page=revision.page,
                revision=revision,
                created_at=now,
                mailed_at=now if user_id in immediate else None,
            )
            for user_id, kind in wanted.items()
        ]
        Notification.objects.bulk_create(items, batch_size=BATCH)
        for kind in SWITCHABLE_KINDS:
            mailed_now = User.objects.filter(
                pk__in=[user_id for user_id in immediate if found[user_id] == kind]
            )
            queue_consented_mails(
                Purpose.WATCHLIST_EMAIL,
                in_their_languages(
                    mailed_now.only("id", "language"), partial(_single_mail, revision, Kind(kind))
                ),
            )
    return len(items)


def do_notify_announcement(announcement_id: int) -> int:
    """One administrative notification per active account, with an email address or not, about a governance
    announcement (C64), BATCH accounts per insert; a retried job adds nobody twice. Returns the number of
    accounts."""
    now = clock.now()
    accounts = User.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)
    count, after = 0, 0
    while chunk := list(accounts.filter(pk__gt=after)[:BATCH]):
        Notification.objects.bulk_create(
            [
                Notification(
                    user_id=user_id, kind=Kind.ADMINISTRATIVE, announcement_id=announcement_id, created_at=now
                )
                for user_id in chunk
            ],
            ignore_conflicts=True,
        )
        count, after = count + len(chunk), chunk[-1]
    return count


def do_send_digests(frequency: Frequency) -> int:
    """One mail per account on `frequency` with notifications not yet mailed from the last period, of the
    kinds it lets through by email now; the number of mails queued. The notifications are marked mailed
    either way, so none is sent twice."""
    now = clock.now()
    emailed = NotificationSwitch.objects.filter(
        user=OuterRef("user"), kind=OuterRef("kind"), channel=Channel.EMAIL, enabled=True
    )
    pending = (
        Notification.objects.filter(
            Exists(emailed),
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
    languages = {user.pk: language_of(user) for user in User.objects.filter(pk__in=by_user).only("language")}
    with transaction.atomic():
        queue_consented_mails(
            Purpose.WATCHLIST_EMAIL,
            (
                (user_id, *_digest_mail(frequency, items, languages.get(user_id, settings.LANGUAGE_CODE)))
                for user_id, items in by_user.items()
            ),
        )
        ids = [item.pk for items in by_user.values() for item in items]
        for start in range(0, len(ids), BATCH):
            Notification.objects.filter(pk__in=ids[start : start + BATCH]).update(mailed_at=now)
    return len(by_user)


def _line(kind: str, page: Page, revision_id: int) -> str:
    link = f"{settings.CANDOR_SITE_URL}{page.title_object.url}?diff={revision_id}"
    what = _("%(kind)s: %(page)s") % {"kind": Kind(kind).label, "page": page.title_object.display}
    return f"{what}\n{link}"


def _single_mail(revision: Revision, kind: Kind) -> tuple[str, str]:
    """In the active language: in_their_languages sets the recipient's."""
    subject = _("%(page)s was edited") % {"page": revision.page.title_object.display}
    return subject, _line(kind, revision.page, revision.pk)


def _digest_mail(frequency: Frequency, items: Iterable[Notification], language: str) -> tuple[str, str]:
    with translation.override(language):  # the recipient's (C57, C118)
        lines = [_line(item.kind, item.page, item.revision_id) for item in items]
        if frequency == Frequency.DAILY:
            return _("Your daily Candor digest"), "\n\n".join(lines)
        return _("Your weekly Candor digest"), "\n\n".join(lines)
