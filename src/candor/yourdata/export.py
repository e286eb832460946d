"""A person's copy of everything held about them (C109), built from the data map.

Which rows: every table the data map says is about one person (`Table.subject`), filtered by the path to
them, so a table added later is in the copy without a change here (tests/yourdata/test_export.py proves it
against the map). Which fields: those marked Export.INCLUDE; the labels of the row that say nothing about
anyone (kind, purpose, the notice shown); and, for public contributions (Export.PUBLIC_ALREADY), a list of
them without their texts, which are public anyway. Fields marked OMIT (another person's data, secrets such
as hashes) never appear.

Private events are unsealed for their owner alone, through privacy.access.open_own_sealed. An event
whose day key the retention purge destroyed is gone: the copy says how many such events were still
waiting for deletion, and nothing else about them.

The archive is written as it is read: plain values are read CHUNK rows at a time, and each chunk goes to
data.json inside the zip and to a readable HTML page (a temporary file, added to the zip at the end) before
the next is read, so memory stays flat whatever the number of rows (bench/your_data.py: under 100 MB for
100,000 revisions and 50,000 private events).
"""

import dataclasses
import html
import itertools
import json
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models

from candor.privacy import access, clock
from candor.privacy.register import Export, Table, Visibility, rows_about, tables_about_a_person

CHUNK = 2000
OpenSealed = Callable[[bytes, date], dict[str, str] | None]
GONE = "gone: its day key was destroyed by the retention purge"


def exported_fields(table: Table) -> list[str]:
    """The fields of `table` that a person's copy shows, in the map's order."""
    model = apps.get_model(table.model)
    names = []
    for name, declared in table.fields.items():
        field = model._meta.get_field(name)
        if field.many_to_many:
            continue
        if declared.export == Export.INCLUDE:
            names.append(name)
        elif declared.export == Export.PUBLIC_ALREADY and not isinstance(field, models.TextField):
            names.append(name)  # a public contribution is listed, its text is linked to, not copied
        elif declared.category == "system.operations" and declared.visibility != Visibility.SECRET:
            names.append(name)  # a label of the person's own row: an id, a kind, the notice they were shown
    return names


def exported_tables() -> list[Table]:
    """Tables about a person with at least one field their copy includes."""
    return [
        table
        for table in tables_about_a_person()
        if any(
            declared.export in (Export.INCLUDE, Export.PUBLIC_ALREADY) for declared in table.fields.values()
        )
    ]


@dataclasses.dataclass
class _Table:
    table: Table
    fields: list[str]
    columns: list[str]  # the fields' database attributes (`page_id` for `page`)
    named: dict[str, object]  # foreign keys shown by their target's name (a page's title): field -> model
    sealed: str | None  # the field holding sealed values, opened for the owner with the row's `sealed_on`


def _plan(table: Table) -> _Table:
    """How to read `table`'s exported fields. A foreign key to another table about a person (a revision, an
    account) is shown by id: that row is in the copy itself, or is someone else's. A foreign key to anything
    else (a page, a survey question, a policy version) is shown by name."""
    model = apps.get_model(table.model)
    names = exported_fields(table)
    about_people = {apps.get_model(t.model) for t in tables_about_a_person()}
    about_people.add(apps.get_model(settings.AUTH_USER_MODEL))
    named = {}
    for name in names:
        field = model._meta.get_field(name)
        if field.is_relation and field.related_model not in about_people:
            named[name] = field.related_model
    sealed = None
    if table.expiry is not None and table.expiry.sealed:
        sealed = next(n for n in names if isinstance(model._meta.get_field(n), models.BinaryField))
    columns = [model._meta.get_field(name).attname for name in names]
    return _Table(table, names, columns, named, sealed)


def chunks_of(plan: _Table, user, open_sealed: OpenSealed, gone: list[int]) -> Iterator[list[dict]]:
    """The person's rows of `plan.table`, CHUNK at a time, as plain values."""
    columns = [*plan.columns, "sealed_on"] if plan.sealed else plan.columns
    rows = rows_about(plan.table, user.pk).order_by("pk").values_list(*columns).iterator(chunk_size=CHUNK)
    names: dict[str, dict] = {field: {} for field in plan.named}  # target id -> name, read once per target
    while chunk := list(itertools.islice(rows, CHUNK)):
        for field, model in plan.named.items():
            position = plan.fields.index(field)
            missing = {row[position] for row in chunk} - names[field].keys() - {None}
            names[field].update((pk, str(target)) for pk, target in model.objects.in_bulk(missing).items())
        values = []
        for row in chunk:
            record = dict(zip(plan.fields, map(_plain, row), strict=False))
            for field in plan.named:
                record[field] = names[field].get(record[field])
            if plan.sealed:
                opened = open_sealed(row[plan.fields.index(plan.sealed)], row[-1])
                gone[0] += opened is None
                record[plan.sealed] = GONE if opened is None else opened
            values.append(record)
        yield values


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return value


def build(user, path: Path) -> dict[str, int]:
    """Write `user`'s copy to `path` (a zip of data.json and index.html); the number of rows per table."""
    counts: dict[str, int] = {}
    gone = [0]
    open_sealed = access.open_own_sealed()  # one per copy: a key destroyed meanwhile is not kept usable
    plans = [_plan(table) for table in exported_tables()]
    with (
        tempfile.TemporaryFile("w+", encoding="utf-8") as page,
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive,
    ):
        page.write(_HEAD.format(name=html.escape(user.username), at=clock.now().isoformat()))
        with archive.open("data.json", "w", force_zip64=True) as raw:

            def write(text: str) -> None:
                raw.write(text.encode())

            write(json.dumps({"account": user.username, "generated_at": clock.now().isoformat()})[:-1])
            write(', "tables": {')
            for number, plan in enumerate(plans):
                write((", " if number else "") + json.dumps(plan.table.model) + ": {")
                write(f'"description": {json.dumps(plan.table.description)}, "rows": [')
                page.write(_table_head(plan))
                count = 0
                for chunk in chunks_of(plan, user, open_sealed, gone):
                    write((", " if count else "") + ", ".join(json.dumps(row, default=str) for row in chunk))
                    page.write("".join(_table_row(plan, row) for row in chunk))
                    count += len(chunk)
                write("]}")
                page.write("</tbody></table>\n")
                counts[plan.table.model] = count
            notes = _notes(gone[0])
            write("}, " + json.dumps({"notes": notes})[1:])
        page.write("".join(f"<p>{html.escape(note)}</p>\n" for note in notes) + "</body></html>\n")
        page.seek(0)
        with archive.open("index.html", "w", force_zip64=True) as readable:
            while chunk := page.read(1 << 20):
                readable.write(chunk.encode())
    return counts


def _notes(gone: int) -> list[str]:
    notes = [
        "Public contributions are listed without their texts, which anyone can read on the wiki.",
        "Records of other people, and secrets such as your password's hash, are never in this copy.",
    ]
    if gone:
        notes.append(
            f"{gone} private records had passed their retention window: their day keys are destroyed, so "
            "nobody can read them any more, and they are deleted at the next purge."
        )
    return notes


_HEAD = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Your data: {name}</title></head><body>
<h1>Everything Candor holds about {name}</h1>
<p>Made {at}. The same data, for programs, is in data.json.</p>
"""


def _table_head(plan: _Table) -> str:
    headings = "".join(f"<th>{html.escape(name)}</th>" for name in plan.fields)
    return (
        f"<h2>{html.escape(plan.table.description)}</h2>\n<table><thead><tr>{headings}</tr></thead><tbody>\n"
    )


def _table_row(plan: _Table, row: dict) -> str:
    cells = "".join(f"<td>{html.escape(str(row[name]))}</td>" for name in plan.fields)
    return f"<tr>{cells}</tr>\n"
