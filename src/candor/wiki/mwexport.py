"""Exporting to MediaWiki's XML format, schema 0.11: `candor export_dump FILE` and Special:Export.

Only public content goes out, as in the public dump (dump.py, C95): the pages that exist (not deleted
ones), their revisions with their public attribution: the username of an account (never its id), the IP
address of a logged-out edit (C33), the imported name of an imported revision. What the data map does not
declare public never leaves: the columns are read from its public declarations (dump.public_columns), and
an export that needs a column the map does not declare public stops before writing anything. What an
imported revision's source had deleted is written as deleted, as MediaWiki writes it.

The output is what mwxml and MediaWiki's importDump.php read: Candor's namespaces with their MediaWiki
numbers, `<text bytes sha1>` with MediaWiki's base-36 SHA-1, and `<model>` wikitext or markdown (a
MediaWiki without a Markdown content handler refuses the Markdown pages: deploy/mediawiki-markdown.php is
one, docs/operations.md says where it goes; tests/wiki/test_export_mediawiki.py imports the export with
MediaWiki 1.39's importDump.php).
"""

import bz2
import gzip
import hashlib
import io
import os
import re
import sys
import tempfile
from collections.abc import Iterable, Iterator
from datetime import UTC
from pathlib import Path
from typing import BinaryIO, TextIO
from urllib.parse import urlsplit
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings

from candor.privacy.register import tables
from candor.publiclog.titles import Namespace, Title
from candor.wiki import wikitext
from candor.wiki.dump import public_columns
from candor.wiki.models import ContentModel, Page, Revision

SCHEMA = "0.11"
PAGES_AT_A_TIME = 500
_FORMATS = {ContentModel.WIKITEXT: "text/x-wiki", ContentModel.MARKDOWN: "text/x-markdown"}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML 1.0 cannot hold

# What the export reads of each table; every one must be declared public in the data map.
PAGE_COLUMNS = ("id", "namespace", "title", "latest", "content_model")
REVISION_COLUMNS = (
    "id", "page", "parent", "user", "ip", "imported_author", "timestamp", "summary", "text", "size", "minor",
    "text_hidden", "summary_hidden", "author_hidden",
)  # fmt: skip


class NotPublic(Exception):
    """The export needs a column the data map does not declare public: nothing is written."""


def _columns(model: str, wanted: Iterable[str]) -> dict[str, str]:
    declared = next(table for table in tables() if table.model == model)
    public = public_columns(declared)
    missing = [name for name in wanted if name not in public]
    if missing:
        raise NotPublic(f"{model}: {', '.join(missing)} not declared public in the data map.")
    return {name: public[name] for name in wanted}


def sha1_base36(text: str) -> str:
    """MediaWiki's revision SHA-1: the hex digest in base 36, 31 digits."""
    number = int(hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest(), 16)
    digits = ""
    while number:
        number, remainder = divmod(number, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[remainder] + digits
    return digits.rjust(31, "0")


def source_name() -> str:
    """The <dbname> of this wiki's exports: an importer tells wikis apart by it (mwimport.py)."""
    host = urlsplit(settings.CANDOR_SITE_URL).netloc or "localhost"
    return "candor_" + re.sub(r"[^a-z0-9]+", "_", host.casefold()).strip("_")


def _x(text: str) -> str:
    return escape(_NOT_XML.sub("", text))


def header() -> str:
    namespaces = "\n".join(
        f'      <namespace key="{value}" case="first-letter">{_x(label)}</namespace>'
        if label
        else f'      <namespace key="{value}" case="first-letter" />'
        for value, label in Namespace.choices
    )
    main_page = settings.CANDOR_SITE_URL + Title(Namespace.MAIN, "Main Page").url
    return (
        f'<mediawiki xmlns="http://www.mediawiki.org/xml/export-{SCHEMA}/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="http://www.mediawiki.org/xml/export-{SCHEMA}/ '
        f'http://www.mediawiki.org/xml/export-{SCHEMA}.xsd" version="{SCHEMA}" xml:lang="en">\n'
        "  <siteinfo>\n"
        "    <sitename>Candor</sitename>\n"
        f"    <dbname>{_x(source_name())}</dbname>\n"
        f"    <base>{_x(main_page)}</base>\n"
        "    <generator>Candor</generator>\n"
        "    <case>first-letter</case>\n"
        f"    <namespaces>\n{namespaces}\n    </namespaces>\n"
        "  </siteinfo>\n"
    )


FOOTER = "</mediawiki>\n"


def write(out: TextIO, *, titles: list[Title] | None = None, current_only: bool = False) -> dict[str, int]:
    """Write the export of `titles` (None: every page) to `out`; full histories unless `current_only`.
    Returns the counts of pages and revisions written."""
    page_columns = _columns("wiki.Page", PAGE_COLUMNS)  # refuses before anything is written
    revision_columns = _columns("wiki.Revision", REVISION_COLUMNS)
    counts = {"pages": 0, "revisions": 0}
    out.write(header())
    for pages in _page_chunks(page_columns, titles):
        revisions = Revision.objects.live().filter(page_id__in=[page["id"] for page in pages])
        if current_only:
            revisions = revisions.filter(id__in=[page["latest"] for page in pages])
        by_page: dict[int, list[dict]] = {}
        names, paths = list(revision_columns), list(revision_columns.values())
        for values in revisions.order_by("page_id", "id").values_list(*paths).iterator(chunk_size=2000):
            row = dict(zip(names, values, strict=True))
            by_page.setdefault(row["page"], []).append(row)
        for page in pages:
            rows = by_page.get(page["id"], [])
            if not rows:
                continue
            out.write(_page(page, rows))
            counts["pages"] += 1
            counts["revisions"] += len(rows)
    out.write(FOOTER)
    return counts


def _page_chunks(columns: dict[str, str], titles: list[Title] | None) -> Iterator[list[dict]]:
    pages = Page.objects.live().order_by("pk")
    if titles is not None:
        keys = {(title.namespace, title.key) for title in titles}
        pages = pages.filter(title__in={key for _, key in keys})
    names, paths = list(columns), list(columns.values())
    chunk: list[dict] = []
    for values in pages.values_list(*paths).iterator(chunk_size=2000):
        row = dict(zip(names, values, strict=True))
        if titles is not None and (row["namespace"], row["title"]) not in keys:
            continue
        chunk.append(row)
        if len(chunk) >= PAGES_AT_A_TIME:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _page(page: dict, revisions: list[dict]) -> str:
    title = Title(Namespace(page["namespace"]), page["title"].replace("_", " "))
    model = page["content_model"]
    parts = [
        "  <page>\n",
        f"    <title>{_x(title.display)}</title>\n",
        f"    <ns>{int(page['namespace'])}</ns>\n",
        f"    <id>{int(page['id'])}</id>\n",
    ]
    latest = revisions[-1]
    if model == ContentModel.WIKITEXT and not latest["text_hidden"]:
        target = wikitext.redirect_target(latest["text"])
        if target is not None:
            parts.append(f"    <redirect title={quoteattr(_NOT_XML.sub('', target.display))} />\n")
    parts.extend(_revision(row, model) for row in revisions)
    parts.append("  </page>\n")
    return "".join(parts)


def _revision(row: dict, model: str) -> str:
    timestamp = row["timestamp"].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    parts = ["    <revision>\n", f"      <id>{int(row['id'])}</id>\n"]
    if row["parent"]:
        parts.append(f"      <parentid>{int(row['parent'])}</parentid>\n")
    parts.append(f"      <timestamp>{timestamp}</timestamp>\n")
    if row["author_hidden"]:
        parts.append('      <contributor deleted="deleted" />\n')
    elif row["user"]:
        parts.append(
            f"      <contributor>\n        <username>{_x(row['user'])}</username>\n      </contributor>\n"
        )
    elif row["ip"]:
        parts.append(f"      <contributor>\n        <ip>{_x(str(row['ip']))}</ip>\n      </contributor>\n")
    else:
        name = _x(row["imported_author"])
        parts.append(f"      <contributor>\n        <username>{name}</username>\n      </contributor>\n")
    if row["minor"]:
        parts.append("      <minor />\n")
    if row["summary_hidden"]:
        parts.append('      <comment deleted="deleted" />\n')
    elif row["summary"]:
        parts.append(f"      <comment>{_x(row['summary'])}</comment>\n")
    parts.append(f"      <model>{model}</model>\n      <format>{_FORMATS[ContentModel(model)]}</format>\n")
    if row["text_hidden"]:
        parts.append(f'      <text bytes="{int(row["size"])}" sha1="" deleted="deleted" />\n')
        parts.append("      <sha1 />\n")
    else:
        text = _NOT_XML.sub("", row["text"])
        digest = sha1_base36(text)
        size = len(text.encode("utf-8"))
        parts.append(
            f'      <text bytes="{size}" sha1="{digest}" xml:space="preserve">{escape(text)}</text>\n'
        )
        parts.append(f"      <sha1>{digest}</sha1>\n")
    parts.append("    </revision>\n")
    return "".join(parts)


def write_file(name: str, *, current_only: bool = False, stdout: TextIO | None = None) -> dict[str, int]:
    """Write the whole export to the file `name` (compressed by its suffix), replacing it only once
    complete; `-` writes to `stdout`."""
    if name == "-":
        return write(stdout or sys.stdout, current_only=current_only)
    path = Path(name)
    if not path.parent.is_dir():
        raise OSError(f"{path.parent} is not a directory.")
    descriptor, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        with os.fdopen(descriptor, "wb") as raw:
            if path.suffix == ".gz":
                compressed: BinaryIO = gzip.GzipFile(fileobj=raw, mode="wb")
            elif path.suffix == ".bz2":
                compressed = bz2.BZ2File(raw, mode="wb")
            else:
                compressed = raw
            with io.TextIOWrapper(compressed, encoding="utf-8") as out:  # closing it ends the compression
                counts = write(out, current_only=current_only)
        os.chmod(partial, 0o644)  # public content, for anyone to read (mkstemp made it private)
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return counts


MOST_PAGES = 500  # pages one Special:Export request may name; the whole wiki is `candor export_dump`


def export_text(titles: list[Title], current_only: bool) -> str:
    """The export of `titles` as one string, for Special:Export."""
    out = io.StringIO()
    write(out, titles=titles, current_only=current_only)
    return out.getvalue()
