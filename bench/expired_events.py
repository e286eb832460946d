"""Private events in bulk, for the retention benchmarks: a million of them, sealed, long expired.

`python bench/expired_events.py ROWS DAYS` (with the environment of the database to fill, see purge.py)
migrates the database, deletes every private event already in it, then writes ROWS PrivateEvent rows
spread evenly over DAYS consecutive days, the newest of them OLDEST_DAYS_MARGIN days past the
request-metadata window, so that exactly these have expired; it prints, as JSON, what it wrote and how
long that took. On PostgreSQL it then ANALYZEs the tables, as autovacuum soon would after such a load: a
production table has its statistics.

The rows are what `candor.privacy.capture.record` writes, without calling it a million times: for each day
and each of ADDRESSES_PER_DAY (address, browser) pairs, `capture.record` runs once with the clock at that
day (sealing under the day's key, created in CANDOR_KEY_DIR as the site would, and writing the blind-index
rows); that event and its index rows are the templates of the day's rows from that address, and are then
deleted. The copies differ only in their time, actor and target, and go in with `executemany` in one
transaction, each value converted by its model field as the ORM would; three in four have an actor, like
the logged-in share of edits of the benchmark wiki.
"""

import json
import os
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import django
from django.core.management import call_command
from django.db import connection, transaction

ACTORS = 10
ADDRESSES_PER_DAY = 16
LOGGED_OUT_EVERY = 4  # one event in four has no actor
CHUNK_ROWS = 10_000
OLDEST_DAYS_MARGIN = 10  # days between the newest seeded day and the window's cutoff
# What a browser sends: the sealed values are as long as real ones, so the rows are as big.
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
SEALED_VALUES = {"ip": "203.0.113.42", "user_agent": USER_AGENT, "forwarded_for": ""}


def main(rows: int, days: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "candor.settings")
    django.setup()
    from candor.privacy.models import PrivateEvent

    call_command("migrate", verbosity=0, interactive=False)
    PrivateEvent.objects.all().delete()
    started = time.monotonic()
    first_day = expired_days(days)[0]
    written = seed(rows, first_day, days)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in _tables():
                cursor.execute("ANALYZE " + connection.ops.quote_name(model._meta.db_table))
    print(json.dumps({"rows": written, "first_day": first_day.isoformat(), "days": days,
                      "seconds": time.monotonic() - started}))  # fmt: skip


def expired_days(days: int) -> list[date]:
    """`days` consecutive days, all of whose events the request-metadata window has let expire."""
    from candor.privacy import clock
    from candor.privacy.datamap import REQUEST_METADATA

    cutoff_day = (clock.now() - REQUEST_METADATA.window).astimezone(UTC).date()
    newest = cutoff_day - timedelta(days=OLDEST_DAYS_MARGIN)
    return [newest - timedelta(days=back) for back in reversed(range(days))]


@dataclass(frozen=True)
class Template:
    """One event as capture.record wrote it, as database values, and the values of its index rows."""

    event: list  # one value per column of Statement.events
    index_rows: list[list]  # one value per column of Statement.index, the event's id left None


def seed(rows: int, first_day: date, days: int) -> int:
    """Write `rows` events, with their index rows, spread evenly over `days` days from `first_day`."""
    actors = _actors()
    event_table, index_table = _tables()
    event_fields = [field for field in event_table._meta.concrete_fields if not field.primary_key]
    index_fields = [field for field in index_table._meta.concrete_fields if not field.primary_key]
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        templates = [
            [_template(first_day + timedelta(days=offset), pair, event_fields, index_fields)
             for pair in range(ADDRESSES_PER_DAY)]
            for offset in range(days)
        ]  # fmt: skip
        first_id = _next_id(event_table)
        for chunk in _chunks(_events(rows, first_day, templates, actors, event_fields)):
            cursor.executemany(_insert(event_table, event_fields), chunk)
            written += len(chunk)
        # The index rows of each event, by its id: the events went in one after the other in one
        # transaction, so their ids are first_id, first_id + 1, ... (checked below).
        if _next_id(event_table) != first_id + written:
            raise SystemExit("the events did not get consecutive ids: cannot attach their index rows")
        for chunk in _chunks(_index_rows(rows, templates, first_id, index_fields)):
            cursor.executemany(_insert(index_table, index_fields), chunk)
    return written


def _tables():
    from candor.privacy.blind_index import AddressIndex
    from candor.privacy.models import PrivateEvent

    return PrivateEvent, AddressIndex


def _template(day: date, pair: int, event_fields, index_fields) -> Template:
    """Record one event of `day` from the `pair`-th address through capture.record; keep its values and
    those of its index rows; delete it."""
    from candor.privacy import capture, clock
    from candor.privacy.capture import RequestMeta
    from candor.privacy.models import EventType

    meta = RequestMeta(ip=f"203.0.113.{pair + 1}", user_agent=f"{USER_AGENT} ({pair})")
    with clock.frozen_at(datetime.combine(day, datetime.min.time(), tzinfo=UTC)):
        event = capture.record(EventType.EDIT, meta, target="revision:0")
    index_table = _tables()[1]
    index_rows = list(index_table.objects.filter(event=event))
    if not index_rows:
        raise SystemExit("capture.record wrote no index rows: bench/expired_events.py must follow it")
    template = Template(
        event=[field.get_db_prep_save(getattr(event, field.attname), connection) for field in event_fields],
        index_rows=[
            [field.get_db_prep_save(getattr(row, field.attname), connection) for field in index_fields]
            for row in index_rows
        ],
    )
    event.delete()
    return template


def _events(rows: int, first_day: date, templates: list[list[Template]], actors: list[int], fields):
    names = [field.name for field in fields]
    at, actor, target = names.index("at"), names.index("actor"), names.index("target")
    at_field = fields[at]
    days = len(templates)
    number = 0
    for offset, of_day in enumerate(templates):
        start = datetime.combine(first_day + timedelta(days=offset), datetime.min.time(), tzinfo=UTC)
        count = _rows_of_day(rows, days, offset)
        step = timedelta(days=1) / count
        for within in range(count):
            values = list(of_day[within % ADDRESSES_PER_DAY].event)
            values[at] = at_field.get_db_prep_save(start + step * within, connection)
            values[actor] = None if within % LOGGED_OUT_EVERY == 0 else actors[within % len(actors)]
            number += 1
            values[target] = f"revision:{number}"
            yield tuple(values)


def _index_rows(rows: int, templates: list[list[Template]], first_id: int, fields) -> Iterator:
    event = [field.name for field in fields].index("event")
    event_id = first_id
    for offset, of_day in enumerate(templates):
        for within in range(_rows_of_day(rows, len(templates), offset)):
            for template_row in of_day[within % ADDRESSES_PER_DAY].index_rows:
                values = list(template_row)
                values[event] = event_id
                yield tuple(values)
            event_id += 1


def _rows_of_day(rows: int, days: int, offset: int) -> int:
    return rows // days + (1 if offset < rows % days else 0)


def _insert(model, fields) -> str:
    quote = connection.ops.quote_name
    # Only names from the model's metadata go into the statement; every value is a parameter.
    return "INSERT INTO {table} ({columns}) VALUES ({values})".format(  # noqa: S608 - see above
        table=quote(model._meta.db_table),
        columns=", ".join(quote(field.column) for field in fields),
        values=", ".join(["%s"] * len(fields)),
    )


def _next_id(model) -> int:
    """The id the next row of `model` gets: one past the largest ever given (SQLite's AUTOINCREMENT and
    PostgreSQL's identity sequences both never reuse an id)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            found = cursor.fetchone()
            return (found[0] if found else 0) + 1
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        sequence = cursor.fetchone()[0]
        # The sequence's name comes from the catalog, already quoted.
        cursor.execute("SELECT last_value + CASE WHEN is_called THEN 1 ELSE 0 END FROM " + sequence)  # noqa: S608
        return cursor.fetchone()[0]


def _chunks(rows: Iterable[tuple]) -> Iterator[list[tuple]]:
    chunk: list[tuple] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK_ROWS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _actors() -> list[int]:
    """ACTORS account ids, made (with the real signup action) where the database has fewer."""
    from candor.accounts.actions import do_create_account
    from candor.accounts.models import User
    from candor.privacy.capture import RequestMeta

    ids = list(User.objects.order_by("id").values_list("id", flat=True)[:ACTORS])
    for number in range(len(ids), ACTORS):
        user = do_create_account(
            username=f"Retention bench {number}",
            password="a-long-benchmark-password",
            meta=RequestMeta.from_address(f"198.51.100.{number + 1}"),
        )
        ids.append(user.pk)
    return ids


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
