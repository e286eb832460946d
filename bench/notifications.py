"""How fast watchlist notifications and digests go out (issue 6 speed targets).

`.venv/bin/python bench/notifications.py [WATCHERS] [DIGEST_ACCOUNTS]` builds a fresh SQLite database in
var/bench-notifications, with its own CANDOR_DATA_DIR, key directory and huey job file (the real SqliteHuey
queue, not immediate mode), never the working database. Mail goes to Django's locmem backend.

1. A page watched by WATCHERS accounts (default 10,000; half on "immediate" email, consented to
   WATCHLIST_EMAIL, with a verified address) is edited through `do_save_revision`, alternating with an
   unwatched page, EDITS times each: (a) p50 latency of an edit of each (target: the watched page is not
   slower by more than 10 ms); (b) the queued fan-out job (`notify.tasks.notify_edit`, run in-process via
   `call_local`) creates every notification and queues the immediate mails, one delivery job per chunk of
   `notify.tasks.CHUNK` recipients (target under 2 s).
2. DIGEST_ACCOUNTS accounts (default 10,000; daily, consented, verified) have 3 pending notifications each:
   `notify.tasks.daily_digest` runs in-process (`call_local`) and queues their mails on the real job queue,
   one job per chunk; then the queued mail jobs are executed directly, in-process, from that queue
   (dequeue and execute, as the worker would). Target: the digest run, queueing and delivery together,
   under 60 s.
"""

import os
import shutil
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "var" / "bench-notifications"
EDITS = 30
FANOUT_RUNS = 3
EDIT_SLOWDOWN_MS = 10
FANOUT_TARGET_S = 2
DIGEST_TARGET_S = 60


def setup() -> None:
    shutil.rmtree(DATA_DIR, ignore_errors=True)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    os.environ["CANDOR_DATA_DIR"] = str(DATA_DIR)
    os.environ["CANDOR_KEY_DIR"] = str(DATA_DIR / "keys")
    os.environ["DATABASE_URL"] = f"sqlite:///{DATA_DIR / 'candor.sqlite3'}"
    os.environ["CANDOR_JOBS"] = "sqlite"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "candor.settings")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("migrate", verbosity=0, interactive=False)


def make_accounts(prefix: str, count: int, frequency_of, verified_from: int = 0) -> list[int]:
    """`count` accounts named prefix-N with an unusable password; those at or after `verified_from` get
    a verified address and a WATCHLIST_EMAIL grant; `frequency_of(n)` gives their frequency, or None (with a
    frequency, watched-page notifications are also switched on for email)."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from candor.accounts.models import User
    from candor.notify.models import Channel, Kind, NotificationSettings, NotificationSwitch
    from candor.privacy import clock
    from candor.privacy.consent import NOTICES, Consent, Purpose

    now = clock.now()
    password = make_password(None)
    notice = NOTICES[Purpose.WATCHLIST_EMAIL]
    with transaction.atomic():
        users = User.objects.bulk_create(
            (
                User(
                    username=f"{prefix}-{n}",
                    username_skeleton=f"{prefix.lower()}-{n}",
                    password=password,
                    date_joined=now,
                    email=f"{prefix.lower()}-{n}@example.org" if n >= verified_from else None,
                    email_verified_at=now if n >= verified_from else None,
                )
                for n in range(count)
            ),
            batch_size=2000,
        )
        ids = [user.pk for user in users]
        Consent.objects.bulk_create(
            (
                Consent(
                    user_id=ids[n],
                    purpose=Purpose.WATCHLIST_EMAIL,
                    granted=True,
                    at=now,
                    notice_version=notice.version,
                    notice_text=notice.text,
                )
                for n in range(verified_from, count)
            ),
            batch_size=2000,
        )
        NotificationSettings.objects.bulk_create(
            (
                NotificationSettings(user_id=ids[n], frequency=frequency_of(n))
                for n in range(count)
                if frequency_of(n) is not None
            ),
            batch_size=2000,
        )
        NotificationSwitch.objects.bulk_create(
            (
                NotificationSwitch(
                    user_id=ids[n], kind=Kind.WATCHED_PAGE_EDITED, channel=Channel.EMAIL, enabled=True
                )
                for n in range(count)
                if frequency_of(n) is not None
            ),
            batch_size=2000,
        )
    return ids


def edit(title, editor, meta, text: str):
    from candor.wiki.actions import do_save_revision
    from candor.wiki.models import Page

    page = Page.objects.filter(namespace=title.namespace, title=title.key).first()
    return do_save_revision(
        title=title,
        text=text,
        summary="bench",
        base_revision_id=page.latest_id if page else None,
        user=editor,
        meta=meta,
    )


def drain(huey) -> tuple[int, float]:
    """Execute every queued job in-process, as the worker would; the number run and the seconds taken."""
    started = time.perf_counter()
    count = 0
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
        count += 1
    return count, time.perf_counter() - started


def main() -> None:
    watchers = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    digest_accounts = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    setup()

    from django.core import mail
    from huey.contrib.djhuey import HUEY

    from candor.accounts.models import User
    from candor.notify import tasks
    from candor.notify.models import Frequency, Kind, Notification, Watch
    from candor.privacy import clock
    from candor.privacy.capture import RequestMeta
    from candor.publiclog.titles import parse

    rows: list[tuple[str, str, str, bool]] = []

    def row(name: str, figure: str, target: str, ok: bool) -> None:
        rows.append((name, figure, target, ok))

    # --- 1. the watched page ------------------------------------------------------------------------
    started = time.perf_counter()
    half = watchers // 2
    watcher_ids = make_accounts(
        "Watcher",
        watchers,
        lambda n: Frequency.IMMEDIATELY if n >= half else None,
        verified_from=half,
    )
    editor = User.objects.create_user(username="Editor")
    meta = RequestMeta(ip="192.0.2.10", user_agent="bench")
    watched, unwatched = parse("Watched page"), parse("Quiet page")
    first = edit(watched, editor, meta, "version 0")
    edit(unwatched, editor, meta, "version 0")
    now = clock.now()
    Watch.objects.bulk_create(
        (Watch(user_id=user_id, page_id=first.page_id, created_at=now) for user_id in watcher_ids),
        batch_size=5000,
    )
    print(f"seeded {watchers:,} watchers in {time.perf_counter() - started:.1f} s")
    HUEY.flush()

    times: dict[str, list[float]] = {"watched": [], "unwatched": []}
    revisions = []
    for n in range(1, EDITS + 1):
        for name, title in (("unwatched", unwatched), ("watched", watched)):
            started = time.perf_counter()
            revision = edit(title, editor, meta, f"version {n}\n\nSome text of a page, edited.")
            times[name].append((time.perf_counter() - started) * 1000)
            if name == "watched":
                revisions.append(revision.pk)
    queued = HUEY.pending_count()
    p50 = {name: statistics.median(values) for name, values in times.items()}
    slower = p50["watched"] - p50["unwatched"]
    watched_ms, unwatched_ms = p50["watched"], p50["unwatched"]
    print(f"edit p50: watched {watched_ms:.1f} ms, unwatched {unwatched_ms:.1f} ms; {queued} jobs queued")
    row("edit p50, unwatched page", f"{p50['unwatched']:.1f} ms", "-", True)
    row(f"edit p50, page with {watchers:,} watchers", f"{p50['watched']:.1f} ms", "-", True)
    row("  difference", f"{slower:+.1f} ms", f"<= {EDIT_SLOWDOWN_MS} ms", slower <= EDIT_SLOWDOWN_MS)
    HUEY.flush()

    fanout = []
    for revision_id in revisions[-FANOUT_RUNS:]:
        started = time.perf_counter()
        created = tasks.notify_edit.call_local(revision_id)
        fanout.append(time.perf_counter() - started)
        jobs = HUEY.pending_count()
        print(f"fan-out of revision {revision_id}: {created:,} notifications, {jobs:,} mail jobs queued "
              f"in {fanout[-1]:.2f} s")  # fmt: skip
        HUEY.flush()
    worst = max(fanout)
    row(f"fan-out job, {watchers:,} watchers (median)", f"{statistics.median(fanout):.2f} s", "-", True)
    row(
        f"fan-out job, {watchers:,} watchers (worst of {FANOUT_RUNS})",
        f"{worst:.2f} s",
        f"< {FANOUT_TARGET_S} s",
        worst < FANOUT_TARGET_S,
    )

    # --- 2. the daily digest ----------------------------------------------------------------------------
    started = time.perf_counter()
    digest_ids = make_accounts("Reader", digest_accounts, lambda n: Frequency.DAILY)
    pending_at = clock.now() - timedelta(hours=2)
    Notification.objects.bulk_create(
        (
            Notification(
                user_id=user_id,
                kind=Kind.WATCHED_PAGE_EDITED,
                page_id=first.page_id,
                revision_id=revision_id,
                created_at=pending_at,
            )
            for user_id in digest_ids
            for revision_id in revisions[:3]
        ),
        batch_size=5000,
    )
    print(f"seeded {digest_accounts:,} digest accounts in {time.perf_counter() - started:.1f} s")
    mail.outbox = []
    started = time.perf_counter()
    sent = tasks.daily_digest.call_local()
    queue_s = time.perf_counter() - started
    print(f"daily_digest queued {sent:,} mails in {queue_s:.2f} s ({HUEY.pending_count():,} jobs)")
    delivered, deliver_s = drain(HUEY)
    print(f"executed {delivered:,} mail jobs in {deliver_s:.2f} s; locmem outbox {len(mail.outbox):,}")
    total = queue_s + deliver_s
    row(f"digest task, {digest_accounts:,} accounts (queue)", f"{queue_s:.2f} s", "-", True)
    row("  mail jobs executed from the queue", f"{deliver_s:.2f} s", "-", len(mail.outbox) == sent)
    row("  digest run, queue + delivery", f"{total:.2f} s", f"< {DIGEST_TARGET_S} s", total < DIGEST_TARGET_S)

    print()
    print(f"{'measure':52} {'figure':>10}  {'target':>9}  result")
    for name, figure, target, ok in rows:
        print(f"{name:52} {figure:>10}  {target:>9}  {'pass' if ok else 'MISS'}")


if __name__ == "__main__":
    main()
