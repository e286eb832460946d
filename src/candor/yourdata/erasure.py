"""Erasure of a person's deletable data (C110), driven by the data map; and what it keeps (C26).

For every table about one person (`Table.subject`): when every personal field of the table is marked
Erasure.DELETE, the person's rows are deleted (in batches, one transaction each, as the purge does, so that a
run killed halfway is finished by the next, STYLE.md 7); otherwise the rows stay for what else they hold,
and the fields marked DELETE or CLEAR are emptied (null, their default, or blank). Fields marked
KEEP_ATTRIBUTION stay: public contributions and their author, the public logs, the record of privileged
access, legal holds, and the requests themselves, the minimal record that the erasure happened.

Rows of an expiring table that an active legal hold covers (a hold on everyone's records of those days, or
on this person's) are kept and counted, so that the person is told. Deleting the account's password hash
logs it out everywhere: the account stays, with its name on its contributions, and can no longer be used.

`plan()` says all this beforehand, table by table, from the same rules `erase()` applies.
"""

import dataclasses
from datetime import UTC, datetime, time, timedelta

from django.db import models, transaction
from django.db.models import Q

from candor.privacy import clock
from candor.privacy.register import Erasure, Table, rows_about, tables_about_a_person
from candor.privacy.retention import active_holds, delete_in_batches

WORDS = {Erasure.DELETE: "deleted", Erasure.CLEAR: "emptied", Erasure.KEEP_ATTRIBUTION: "kept"}


@dataclasses.dataclass(frozen=True)
class Step:
    table: Table
    rows: int
    deletes_rows: bool
    emptied: tuple[str, ...]  # fields blanked in the rows kept
    kept: tuple[str, ...]  # personal fields kept (KEEP_ATTRIBUTION)
    held: int  # rows an active legal hold keeps
    held_until: str  # the latest end of those holds, as a date


def _personal(table: Table) -> dict:
    return {name: field for name, field in table.fields.items() if field.erasure != Erasure.NOT_PERSONAL}


def _held(table: Table, user) -> tuple[Q, str]:
    """Which of the person's rows an active legal hold covers, and until when."""
    if table.expiry is None:
        return Q(pk__in=[]), ""
    covered, until = Q(pk__in=[]), ""
    for hold in active_holds(table.model, clock.now()):
        if hold.actor_id not in (None, user.pk):
            continue
        start = datetime.combine(hold.records_from, time.min, tzinfo=UTC)
        end = datetime.combine(hold.records_to + timedelta(days=1), time.min, tzinfo=UTC)
        covered |= Q(**{f"{table.expiry.timestamp}__gte": start, f"{table.expiry.timestamp}__lt": end})
        until = max(until, hold.ends_on.isoformat())
    return covered, until


def plan(user) -> list[Step]:
    """What an erasure of `user`'s data would do, table by table (only tables holding some of it)."""
    steps = []
    for table in tables_about_a_person():
        personal = _personal(table)
        if not personal:
            continue
        rows = rows_about(table, user.pk)
        count = rows.count()
        if not count:
            continue
        covered, until = _held(table, user)
        held = rows.filter(covered).count() if until else 0
        steps.append(
            Step(
                table=table,
                rows=count,
                deletes_rows=all(field.erasure == Erasure.DELETE for field in personal.values()),
                emptied=tuple(n for n, f in personal.items() if f.erasure in (Erasure.DELETE, Erasure.CLEAR)),
                kept=tuple(n for n, f in personal.items() if f.erasure == Erasure.KEEP_ATTRIBUTION),
                held=held,
                held_until=until,
            )
        )
    return steps


def blank_value(field: models.Field):
    if field.null:
        return None
    if field.has_default():
        return field.get_default()
    if isinstance(field, models.BinaryField):
        return b""
    if isinstance(field, models.CharField | models.TextField):
        return ""
    raise ValueError(f"{field} can be neither emptied nor nulled: mark its table's rows for deletion")


def erase(user) -> dict[str, int]:
    """Apply `plan(user)`; the number of rows deleted or emptied per table. Safe to run again."""
    done = {}
    for step in plan(user):
        rows = rows_about(step.table, user.pk).exclude(_held(step.table, user)[0])
        model = rows.model
        if step.deletes_rows:
            done[step.table.model] = delete_in_batches(rows)
        elif step.emptied:
            blank = {name: blank_value(model._meta.get_field(name)) for name in step.emptied}
            with transaction.atomic():
                done[step.table.model] = model.objects.filter(pk__in=rows.values("pk")).update(**blank)
    return done
