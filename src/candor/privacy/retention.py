"""The retention purge: nonpublic data leaves on schedule (C25, C104–C108), unreadable first, then deleted.

Which tables expire, on which timestamp and after how long, comes from the data map (each app's
datamap.py: `Table.expiry`), the same declarations /privacy/data publishes. For each such table:

1. Sealed tables: destroy the key of every day whose records have all left the window, unless a legal
   hold covers that day (privacy/keystore.py). From that moment those values are unreadable in the
   database and in every backup of it; this costs one file removal per day, whatever the row count.
2. Delete the expired rows in batches, one transaction per batch, skipping rows under an active legal
   hold. A run killed at any point leaves only whole batches done; the next run finishes the rest.
   Running again changes nothing (idempotent). On SQLite, which has one writer at a time, the purge pauses
   after each batch for as long as the batch took, so that the site's own writes (saves) get the lock
   between batches instead of queueing behind the whole purge.

A lease (privacy/locks.py) keeps two runs from overlapping. Each run stores a PurgeRun report of counts
per table, with no personal value in it. Public contributions, including the IP attribution of
logged-out edits, are in no expiring table and are never touched (C106).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from time import monotonic, sleep

from django.apps import apps
from django.db import connection, transaction
from django.db.models import Q

from candor.privacy import clock
from candor.privacy.keystore import keystore
from candor.privacy.locks import lease
from candor.privacy.models import LegalHold, PurgeRun
from candor.privacy.register import Table, tables

# Measured (docs/performance.md, "Saves during the purge"): the size of a batch against the latency of the
# saves that wait for it, and the purge's length.
BATCH_SIZE = 2000
LOCK_NAME = "retention-purge"


@dataclass(frozen=True)
class Plan:
    table: Table
    cutoff: datetime  # rows whose timestamp is before this have expired

    @property
    def model(self):
        return apps.get_model(self.table.model)


def expiring_tables(*, short_only: bool = False) -> list[Table]:
    """Tables whose rows expire; `short_only`: those with windows of hours or already-expired rows."""
    found = [table for table in tables() if table.expiry is not None]
    if short_only:
        found = [table for table in found if table.expiry.retention.rule in {"hours", "until_expired"}]
    return found


def plans(as_of: datetime, *, short_only: bool = False) -> list[Plan]:
    result = []
    for table in expiring_tables(short_only=short_only):
        window = table.expiry.retention.window
        result.append(Plan(table, as_of - window if window is not None else as_of))
    return result


def active_holds(model_label: str, as_of: datetime) -> list[LegalHold]:
    today = as_of.date()
    return list(LegalHold.objects.filter(model=model_label, starts_on__lte=today, ends_on__gte=today))


def _held(plan: Plan, holds: list[LegalHold]) -> Q:
    """The rows of `plan`'s table that an active hold covers."""
    timestamp = plan.table.expiry.timestamp
    covered = Q(pk__in=[])
    for hold in holds:
        start = datetime.combine(hold.records_from, time.min, tzinfo=UTC)
        end = datetime.combine(hold.records_to + timedelta(days=1), time.min, tzinfo=UTC)
        day_range = Q(**{f"{timestamp}__gte": start, f"{timestamp}__lt": end})
        covered |= day_range & Q(actor=hold.actor) if hold.actor_id else day_range
    return covered


def _expired_key_days(plan: Plan, holds: list[LegalHold]) -> list[date]:
    """Days whose records have all left the window and that no hold covers."""
    last_expired_day = (plan.cutoff.astimezone(UTC) - timedelta(days=1)).date()
    return [
        day
        for day in keystore().days()
        if day <= last_expired_day and not any(h.records_from <= day <= h.records_to for h in holds)
    ]


def purge(*, as_of: datetime | None = None, dry_run: bool = False, short_only: bool = False,
          batch_size: int = BATCH_SIZE) -> PurgeRun:  # fmt: skip
    """Apply every retention window as of `as_of` (default: now). Raises locks.JobRunning if a run is on."""
    as_of = as_of or clock.now()
    with lease(LOCK_NAME) as held_lease:
        run = PurgeRun.objects.create(started_at=clock.now(), as_of=as_of, dry_run=dry_run, counts={})
        for plan in plans(as_of, short_only=short_only):
            holds = active_holds(plan.table.model, as_of)
            expired = plan.model.objects.filter(**{f"{plan.table.expiry.timestamp}__lt": plan.cutoff})
            held = expired.filter(_held(plan, holds)) if holds else expired.none()
            counts = {"expired": expired.count(), "held": held.count(), "deleted": 0, "keys_destroyed": 0}
            if not dry_run:
                if plan.table.expiry.sealed:
                    counts["keys_destroyed"] = sum(
                        keystore().destroy(day) for day in _expired_key_days(plan, holds)
                    )
                counts["deleted"] = delete_in_batches(
                    expired.exclude(_held(plan, holds)), batch_size, after_each=held_lease.renew
                )
            run.counts[plan.table.model] = counts
        run.status, run.finished_at = "finished", clock.now()
        run.save(update_fields=["status", "finished_at", "counts"])
    return run


def delete_in_batches(queryset, batch_size: int = BATCH_SIZE, *, after_each=None) -> int:
    """Delete `queryset`'s rows `batch_size` at a time, one transaction a batch (STYLE.md 7: a run killed
    halfway leaves whole batches done, and the next run finishes); the number deleted. On SQLite, pause after
    each batch as long as it took, so that the site's own writes get the lock in between (module docstring).
    `after_each` is called after each batch's commit (the purge renews its lease)."""
    deleted = 0
    yield_lock = connection.vendor == "sqlite"
    while True:
        started = monotonic()
        with transaction.atomic():
            ids = list(queryset.values_list("pk", flat=True)[:batch_size])
            if not ids:
                return deleted
            _, per_model = queryset.model.objects.filter(pk__in=ids).delete()
            deleted += per_model.get(queryset.model._meta.label, 0)
        if after_each is not None:
            after_each()
        if yield_lock:
            sleep(monotonic() - started)
