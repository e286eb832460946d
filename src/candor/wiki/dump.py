"""The public dump: the wiki's content and public logs, for anyone to download and reuse (C95).

`candor dump FILE` writes a gzipped JSON Lines file: a first line describing the dump, then one line per row
of each DUMPED table, `{"table": "wiki.Revision", "row": {...}}`. Which columns go in is read from the data
map (each app's datamap.py), not listed here: only fields declared public, and a model column the map does
not declare stops the dump before anything is written. A public link to an account (a revision's author,
a log entry's performer) is written as the account's username, never its id; other links stay ids.

Only what the site shows to everyone goes in: the pages that exist (not deleted ones, nor their revisions),
every revision of them with its public attribution (the username, or the IP address of a logged-out edit),
and the public logs. Emails, password hashes, the addresses and browsers of logged-in people, preferences,
watchlists and every other private table are in no DUMPED table, and their columns are not public.
"""

import gzip
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models

from candor.privacy import clock
from candor.privacy.register import Table, Visibility, tables
from candor.publiclog.models import PublicLogEntry
from candor.wiki.models import Page, Revision

FORMAT = "candor-public-dump/1"
CHUNK_ROWS = 2000  # rows read at a time: memory stays flat whatever the wiki's size

# The tables of the dump by their names in the format, each with its model and the rows the public sees.
DUMPED = {
    "wiki.Page": ("wiki.Page", lambda: Page.objects.live()),
    "wiki.Revision": ("wiki.Revision", lambda: Revision.objects.live()),
    # Named for the wiki app, which held the public log when format 1 was defined.
    "wiki.PublicLogEntry": ("publiclog.PublicLogEntry", lambda: PublicLogEntry.objects.all()),
}


class UnclassifiedColumn(Exception):
    """A column of a dumped table that the data map does not declare: nobody has said it may be public."""


def public_columns(table: Table) -> dict[str, str]:
    """The dump's columns of `table`: {name in the dump: ORM path to read}, from its public declarations."""
    model = apps.get_model(table.model)
    columns = {}
    for field in model._meta.concrete_fields:
        declared = table.fields.get(field.name)
        if declared is None:
            raise UnclassifiedColumn(
                f"{table.model}.{field.name} is not in the data map: declare it before it can be dumped."
            )
        if declared.visibility != Visibility.PUBLIC:
            continue
        columns[field.name] = _read_path(field)
    return columns


def _read_path(field: models.Field) -> str:
    """A link to an account is public as a username; any other column is read as stored."""
    if field.is_relation and field.related_model._meta.label == settings.AUTH_USER_MODEL:
        return f"{field.name}__{field.related_model.USERNAME_FIELD}"
    return field.attname


def write(path: Path) -> dict[str, int]:
    """Write the dump to `path` (replacing it only once complete) and return the rows of each table."""
    declared = {table.model: table for table in tables()}
    columns = {name: public_columns(declared[model]) for name, (model, _) in DUMPED.items()}  # refuses first
    counts = dict.fromkeys(DUMPED, 0)
    path = Path(path)
    descriptor, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        with os.fdopen(descriptor, "wb") as raw, gzip.open(raw, "wt", encoding="utf-8") as out:
            names = {name: list(of_table) for name, of_table in columns.items()}
            header = {"format": FORMAT, "generated_at": clock.now().isoformat(), "tables": names}
            out.write(json.dumps(header) + "\n")
            for name, (_, rows) in DUMPED.items():
                for row in _rows(rows(), columns[name]):
                    out.write(json.dumps({"table": name, "row": row}, default=str) + "\n")
                    counts[name] += 1
        os.chmod(partial, 0o644)  # public content, for anyone to read (mkstemp made it private)
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return counts


def _rows(queryset: models.QuerySet, columns: dict[str, str]) -> Iterator[dict]:
    names, paths = list(columns), list(columns.values())
    for values in queryset.order_by("pk").values_list(*paths).iterator(chunk_size=CHUNK_ROWS):
        yield dict(zip(names, values, strict=True))
