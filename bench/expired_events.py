"""Private events in bulk, for the retention benchmarks: a million of them, sealed, long expired.

`python bench/expired_events.py ROWS DAYS` (with the environment of the database to fill, see purge.py)
migrates the database, deletes every private event already in it, then writes ROWS PrivateEvent rows
spread evenly over DAYS consecutive days, the newest of them OLDEST_DAYS_MARGIN days past the
request-metadata window, so that exactly these have expired; it prints, as JSON, what it wrote and how
long that took. On PostgreSQL it then ANALYZEs the tables, as autovacuum soon would after such a load: a
production table has its statistics.

The rows are what `candor.privacy.capture.record` writes, without calling it a million times: for each day
and each of ADDRESSES_PER_DAY (address, browser) pairs, `capture.record` runs once with the clock at that
day (sealing under the day's key, created in CANDOR_KEY_DIR as the site would, with its blind-index
digests); that event is the template of the day's rows from that address, and is then deleted. The copies
differ only in their time, actor and target, and go in with `executemany` in one transaction, each value
converted by its model field as the ORM would; three in four have an actor, like the logged-in share of
edits of the benchmark wiki, and the fourth, like a logged-out event, no pair digest.
"""

import json
import os
import sys
import time
from collections.abc import Iterable, Iterator
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
            cursor.execute("ANALYZE " + connection.ops.quote_name(PrivateEvent._meta.db_table))
    print(json.dumps({"rows": written, "first_day": first_day.isoformat(), "days": days,
                      "seconds": time.monotonic() - started}))  # fmt: skip


def expired_days(days: int) -> list[date]:
    """`days` consecutive days, all of whose events the request-metadata window has let expire."""
    from candor.privacy import clock
    from candor.privacy.datamap import REQUEST_METADATA

    cutoff_day = (clock.now() - REQUEST_METADATA.window).astimezone(UTC).date()
    newest = cutoff_day - timedelta(days=OLDEST_DAYS_MARGIN)
    return [newest - timedelta(days=back) for back in reversed(range(days))]


def seed(rows: int, first_day: date, days: int) -> int:
    """Write `rows` events spread evenly over `days` days from `first_day`."""
    from candor.accounts.models import User
    from candor.privacy.models import PrivateEvent

    actors = _actors()
    template_actor = User.objects.get(pk=actors[0])
    fields = [field for field in PrivateEvent._meta.concrete_fields if not field.primary_key]
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        templates = [
            [
                _template(first_day + timedelta(days=offset), pair, template_actor, fields)
                for pair in range(ADDRESSES_PER_DAY)
            ]
            for offset in range(days)
        ]
        for chunk in _chunks(_events(rows, first_day, templates, actors, fields)):
            cursor.executemany(_insert(PrivateEvent, fields), chunk)
            written += len(chunk)
    return written


def _template(day: date, pair: int, actor, fields) -> list:
    """Record one event of `day` by `actor` from the `pair`-th address through capture.record; keep its
    values as the database holds them; delete it."""
    from candor.privacy import capture, clock
    from candor.privacy.capture import RequestMeta
    from candor.privacy.models import EventType, PrivateEvent

    meta = RequestMeta(ip=f"203.0.113.{pair + 1}", user_agent=f"{USER_AGENT} ({pair})")
    with clock.frozen_at(datetime.combine(day, datetime.min.time(), tzinfo=UTC)):
        event = PrivateEvent.objects.get(
            pk=capture.record(EventType.EDIT, meta, actor=actor, target="revision:0")
        )
    if event.network_key is None:
        raise SystemExit(
            "capture.record wrote no blind-index digests: bench/expired_events.py must follow it"
        )
    template = [field.get_db_prep_save(getattr(event, field.attname), connection) for field in fields]
    event.delete()
    return template


def _events(rows: int, first_day: date, templates: list[list[list]], actors: list[int], fields):
    names = [field.name for field in fields]
    at, actor, target = names.index("at"), names.index("actor"), names.index("target")
    pair_digest = names.index("pair_digest")
    at_field = fields[at]
    days = len(templates)
    number = 0
    for offset, of_day in enumerate(templates):
        start = datetime.combine(first_day + timedelta(days=offset), datetime.min.time(), tzinfo=UTC)
        count = _rows_of_day(rows, days, offset)
        step = timedelta(days=1) / count
        for within in range(count):
            values = list(of_day[within % ADDRESSES_PER_DAY])
            values[at] = at_field.get_db_prep_save(start + step * within, connection)
            if within % LOGGED_OUT_EVERY == 0:  # logged out: as capture.record writes it
                values[actor], values[pair_digest] = None, ""
            else:
                values[actor] = actors[within % len(actors)]
            number += 1
            values[target] = f"revision:{number}"
            yield tuple(values)


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
