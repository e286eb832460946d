"""Importing a MediaWiki XML dump (schema 0.10 or 0.11): `candor import_dump FILE` (docs/operations.md).

The dump is streamed with mwxml: memory holds one batch of revisions, never the dump. Design and
invariants:

- Attribution stays what the source wiki made public (C32, C33). A registered author becomes an imported
  name, `imported>Name` as MediaWiki's importer writes it, in `Revision.imported_author`: never an
  account, so nobody can log in as it, and never merged with a local account of the same name. A
  logged-out author keeps the IP address the source published. A name the source already prefixed
  (`other>Name`) is kept as it is. Nothing private is created: no event, no account, no address that the
  dump does not publish.
- What the source deleted (`deleted="deleted"` on a text, a comment or a contributor) is not in the dump;
  the revision is imported with the flag, and shown as removed.
- Idempotent and resumable: each imported revision is recorded in ImportedRevision under the dump's
  source (its <dbname>), and an import skips the revisions it already has. Revisions are written in
  batches, one transaction each, with their pages and the pages' latest revision: a run killed at any
  moment leaves whole batches, and the next run carries on from there. The search index is filled in the
  same transactions; the HTML of imported revisions is rendered when each is first shown (content.html_of),
  so that an import renders nothing and red links are those of the whole imported wiki. Whether a page
  exists here, and which of its revisions, is looked up for a whole batch's pages at once, when the batch
  is written; rows are written with one INSERT per table (the ORM's per-object work was half the time).
- Revision ids: into a wiki that holds no other revisions, revisions keep their source ids (so
  `?oldid=N` means what it meant on the source wiki); otherwise, or as soon as a source id is taken,
  they are numbered after the wiki's latest, in the dump's order. Either way each page's history keeps
  the source's order, timestamps, comments, minor flags, sizes and parents.
- Namespaces: Candor's own (main, talk, user, user talk, project, project talk) are mapped by their
  number; a page of any other namespace (Template, Category, File, Help, …) is imported into the main
  namespace under its full title ("Template:Infobox"), which is how a link `[[Template:Infobox]]` on a
  Candor page reads anyway, and the counts report each such namespace.
- A page that exists here with revisions of its own is not touched: it is reported and skipped.
- Bad input (not XML, a truncated file, an unknown schema version, a title that cannot be normalised, a
  revision over the size limit) stops the import with a message naming the page and revision; the batch
  in progress is not written. `--dry-run` reads the whole dump, writes nothing, and lists every problem.
"""

import bz2
import gzip
import io
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from xml.etree.ElementTree import ParseError

import mwxml
from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max

from candor.accounts.models import User
from candor.privacy.network import normalise_address
from candor.publiclog.actions import record_public_log
from candor.publiclog.models import LogType
from candor.publiclog.titles import InvalidTitle, Namespace, Title, parse
from candor.wiki.actions import MAX_SUMMARY_CHARS
from candor.wiki.models import ContentModel, ImportedRevision, Page, Revision, SearchEntry

SCHEMA_VERSIONS = {"0.10", "0.11"}
BATCH_REVISIONS = 1000
SQLITE_CACHE_KIB = 32 * 1024  # bench/mwimport.py: 3% faster than the 2 MiB default, for 30 MB more
IMPORT_PREFIX = "imported"  # MediaWiki's importDump.php --username-prefix default
IMPORT_LOG_TITLE = Title(Namespace.SPECIAL, "Import")
_HEAD_BYTES = 64 * 1024
_VERSION = re.compile(rb"<mediawiki\b[^>]*?\bversion=[\"']([^\"']+)[\"']", re.DOTALL)


class ImportFailed(Exception):
    """The dump cannot be imported as it is; the message names the page and revision, and says what was
    kept (whole batches before the problem, which a rerun of the fixed file completes)."""


@dataclass
class Report:
    source: str = ""
    pages_created: int = 0
    pages_continued: int = 0
    pages_skipped: list[str] = field(default_factory=list)
    revisions_imported: int = 0
    revisions_already_here: int = 0
    hidden_parts: int = 0
    folded_namespaces: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [
            f"{self.revisions_imported:,} revisions imported",
            f"{self.pages_created:,} pages created",
        ]
        if self.pages_continued:
            parts.append(f"{self.pages_continued:,} pages continued")
        if self.revisions_already_here:
            parts.append(f"{self.revisions_already_here:,} revisions already here")
        if self.pages_skipped:
            parts.append(f"{len(self.pages_skipped):,} pages skipped (they exist here)")
        if self.hidden_parts:
            parts.append(f"{self.hidden_parts:,} deleted texts, comments or names kept hidden")
        for name, count in sorted(self.folded_namespaces.items()):
            parts.append(f"{count:,} pages of the namespace {name} imported as main-namespace titles")
        return ", ".join(parts)


def open_dump(name: str) -> io.BufferedReader:
    """The dump `name` names, decompressed: a `.xml`, `.xml.gz` or `.xml.bz2` file, or `-` for stdin."""
    if name == "-":
        return io.BufferedReader(sys.stdin.buffer, buffer_size=_HEAD_BYTES)
    path = Path(name)
    if path.suffix == ".gz":
        raw = gzip.open(path, "rb")
    elif path.suffix == ".bz2":
        raw = bz2.open(path, "rb")
    else:
        raw = path.open("rb")
    return io.BufferedReader(raw, buffer_size=_HEAD_BYTES)  # type: ignore[arg-type]


def schema_version(stream: io.BufferedReader) -> str:
    """The schema version the dump declares, read ahead without consuming it; ImportFailed when the file
    is not a MediaWiki export, or one of a version this importer does not know."""
    try:
        head = stream.peek(_HEAD_BYTES)[:_HEAD_BYTES]
    except (OSError, EOFError) as exc:
        raise ImportFailed(f"The file cannot be read: {exc}. Nothing was imported.") from exc
    match = _VERSION.search(head)
    if match is None:
        if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
            raise ImportFailed(
                "The file is not XML: a MediaWiki export begins with <mediawiki …>. Nothing was imported."
            )
        raise ImportFailed(
            "The file is XML but not a MediaWiki export: it has no <mediawiki version=…>. "
            "Nothing was imported."
        )
    version = match.group(1).decode("ascii", "replace")
    if version not in SCHEMA_VERSIONS:
        known = ", ".join(sorted(SCHEMA_VERSIONS))
        raise ImportFailed(
            f"The dump's schema version is {version}; this importer reads {known}. Nothing was imported."
        )
    return version


def import_dump(
    stream: io.BufferedReader,
    *,
    file_name: str,
    dry_run: bool = False,
    performer: User | None = None,
    prefix: str = IMPORT_PREFIX,
    batch_revisions: int = BATCH_REVISIONS,
) -> Report:
    """Import the dump read from `stream` (see the module's docstring); `file_name` goes on the public log.
    Raises ImportFailed on bad input (never in a dry run, which lists the problems in the report)."""
    schema_version(stream)
    importer = _Importer(prefix=prefix, dry_run=dry_run, batch_revisions=batch_revisions)
    with _larger_sqlite_cache():
        importer.run(stream)
    report = importer.report
    if not dry_run:
        if report.revisions_imported:
            record_public_log(
                log_type=LogType.IMPORT,
                action="upload",
                performer=performer,
                target=IMPORT_LOG_TITLE,
                comment=f"{Path(file_name).name}: {report.summary()}"[:MAX_SUMMARY_CHARS],
            )
    return report


class _State(Enum):
    UNRESOLVED = "unresolved"  # not yet looked up here: done for a whole batch at once
    NEW = "new"  # no such page here: created with the batch that holds its first revision
    HERE = "here"  # the page exists here from an earlier run: continued
    SKIPPED = "skipped"  # the page exists here with edits of its own: left alone


@dataclass(eq=False)
class _PendingPage:
    title: Title
    model: str = ContentModel.WIKITEXT
    state: _State = _State.UNRESOLVED
    page_id: int | None = None
    latest_id: int | None = None
    ids: dict[int, int] = field(default_factory=dict)  # source id -> id here, of this page's revisions
    counted: bool = False  # in the report's pages created or continued


@dataclass(slots=True)
class _Row:
    """A revision of the dump as it is written here; `problem` says why it cannot be, reported only if the
    revision is to be written (not when it is already here or its page is skipped)."""

    source_id: int
    source_parent: int | None
    timestamp: datetime | None  # None only with a problem
    ip: str | None
    imported_author: str | None
    summary: str
    text: str
    size: int
    minor: bool
    text_hidden: bool
    summary_hidden: bool
    author_hidden: bool
    problem: str | None = None


class _Importer:
    def __init__(self, *, prefix: str, dry_run: bool, batch_revisions: int):
        self.prefix, self.dry_run, self.batch_revisions = prefix, dry_run, batch_revisions
        self.report = Report()
        self.batch: list[tuple[_PendingPage, _Row]] = []
        self.keep_ids = False
        self.where = "the start of the dump"

    def run(self, stream: io.BufferedReader) -> None:
        try:
            dump = mwxml.Dump.from_file(stream)
            self.source = dump.site_info.dbname or dump.site_info.base or dump.site_info.name or "unnamed"
            self.report.source = self.source
            self.prefixes = {ns.id: ns.name for ns in dump.site_info.namespaces or ()}
            self.keep_ids = not Revision.objects.exclude(imported_as__source=self.source).exists()
            for page in dump.pages:
                self._page(page)
        except ParseError as exc:
            self._fail(f"The file is not well-formed XML ({exc}), after {self.where}; it may be truncated.")
        except mwxml.errors.MalformedXML as exc:
            self._fail(f"The dump is not a MediaWiki export as expected ({exc}), after {self.where}.")
        except (OSError, EOFError) as exc:
            self._fail(
                f"The file cannot be read to its end ({exc}), after {self.where}; it may be truncated."
            )
        self._flush()

    def _fail(self, message: str) -> None:
        if self.dry_run:
            self.report.problems.append(message)
            self.batch.clear()
            return
        self.batch.clear()
        kept = self.report.revisions_imported
        if kept:
            message += (
                f" The {kept:,} revisions imported before it are kept; run the import again on the fixed "
                "file and it carries on from there."
            )
        else:
            message += " Nothing was imported."
        raise ImportFailed(message)

    def _problem(self, message: str) -> None:
        if self.dry_run:
            self.report.problems.append(message)
        else:
            self._fail(message)

    def _title(self, page) -> Title | None:
        """The title here of a dump's page. Its <title> is the full title, prefixed with the source's own
        name of the namespace ("Wikipedia:About" in namespace 4), which is replaced by Candor's."""
        namespace, written = page.namespace or 0, (page.title or "").replace("_", " ")
        label = (self.prefixes.get(namespace) or "").replace("_", " ")
        name = written
        if label and written.casefold().startswith(label.casefold() + ":"):
            name = written[len(label) + 1 :]
        if namespace not in Namespace.values or namespace < 0:
            folded = label or f"Namespace {namespace}"
            self.report.folded_namespaces[folded] = self.report.folded_namespaces.get(folded, 0) + 1
            target, full = Namespace.MAIN, f"{folded}:{name}"
        else:
            target = Namespace(namespace)
            full = f"{target.label}:{name}" if target.label else name
        try:
            title = parse(full)
        except InvalidTitle as exc:
            self._problem(f"Page “{written}” (page id {page.id}): its title cannot be used here: {exc}")
            return None
        if title.namespace != target:  # "Talk:X" kept as a main-namespace title on the source
            title = Title(target, title.display)
        return title

    def _page(self, source_page) -> None:
        """Queue the page's revisions; whether the page is new, continued or skipped is looked up when the
        batch holding its first revision is written, for the whole batch at once."""
        self.where = f"page “{source_page.title}”"
        title = self._title(source_page)
        if title is None:
            for _revision in source_page:
                pass
            return
        pending = _PendingPage(title)
        previous: int | None = None
        for source_revision in source_page:
            self.where = f"page “{title}”, revision {source_revision.id}"
            row = self._revision(title, pending, source_revision, previous)
            previous = source_revision.id
            self.batch.append((pending, row))
            if len(self.batch) >= self.batch_revisions:
                self._flush()

    def _revision(self, title: Title, pending: _PendingPage, source, previous: int | None) -> _Row:
        main = source.slots.contents.get("main") if source.slots else None
        text = (main.text if main is not None else None) or ""
        text_hidden = bool(source.deleted and source.deleted.text) or bool(main is not None and main.deleted)
        if main is not None and main.model == "markdown" and previous is None:
            pending.model = ContentModel.MARKDOWN  # the page's model is its first revision's
        if text_hidden:
            text = ""
            size = int(main.bytes or 0) if main is not None else 0
        else:
            size = len(text.encode("utf-8"))
        problem = None
        if size > settings.CANDOR_MAX_PAGE_BYTES and not text_hidden:
            problem = (
                f"Page “{title}”, revision {source.id}: the text is {size:,} bytes long; a page here can be "
                f"at most {settings.CANDOR_MAX_PAGE_BYTES:,} bytes (CANDOR_MAX_PAGE_BYTES)."
            )
        elif source.timestamp is None:
            problem = f"Page “{title}”, revision {source.id}: the revision has no timestamp."
        summary_hidden = bool(source.deleted and source.deleted.comment)
        author_hidden = bool(source.deleted and source.deleted.user) or source.user is None
        ip = imported_author = None
        if not author_hidden:
            ip, imported_author = self._author(source.user)
        return _Row(
            source_id=source.id,
            source_parent=int(source.parent_id) if source.parent_id else previous,
            timestamp=datetime.fromtimestamp(source.timestamp.unix(), tz=UTC) if source.timestamp else None,
            ip=ip,
            imported_author=imported_author,
            summary="" if summary_hidden else " ".join((source.comment or "").split())[:MAX_SUMMARY_CHARS],
            text=text,
            size=size,
            minor=bool(source.minor),
            text_hidden=text_hidden,
            summary_hidden=summary_hidden,
            author_hidden=author_hidden,
            problem=problem,
        )

    def _author(self, user) -> tuple[str | None, str | None]:
        """(ip, imported name) of a contributor as the dump publishes it."""
        name = user.text or ""
        if user.id is None:
            address = normalise_address(name)
            if address is not None:
                return address, None
        if ">" in name:
            return None, name
        return None, f"{self.prefix}>{name}"

    def _resolve(self, pendings: list[_PendingPage]) -> None:
        """Look the batch's new pages up here, three queries for the whole batch: which exist, which of
        those have edits of their own (skipped), and which revisions of the others are already here."""
        by_key = {(pending.title.namespace, pending.title.key): pending for pending in pendings}
        here: dict[int, _PendingPage] = {}
        found = Page.objects.live().filter(title__in={key for _, key in by_key})
        for namespace, key, page_id, latest_id in found.values_list("namespace", "title", "id", "latest_id"):
            pending = by_key.get((namespace, key))
            if pending is not None:
                pending.state, pending.page_id, pending.latest_id = _State.HERE, page_id, latest_id
                here[page_id] = pending
        for pending in pendings:
            if pending.state is _State.UNRESOLVED:
                pending.state = _State.NEW
        if not here:
            return
        own = (
            Revision.objects.filter(page_id__in=here)
            .exclude(imported_as__source=self.source)
            .values_list("page_id", flat=True)
            .distinct()
        )
        for page_id in own:
            pending = here.pop(page_id)
            pending.state = _State.SKIPPED
            self.report.pages_skipped.append(pending.title.display)
            self.report.problems.append(f"Page “{pending.title}” exists here with edits of its own: skipped.")
        known = ImportedRevision.objects.filter(source=self.source, revision__page_id__in=here)
        for page_id, source_id, revision_id in known.values_list(
            "revision__page_id", "source_id", "revision_id"
        ):
            here[page_id].ids[source_id] = revision_id

    def _flush(self) -> None:
        if not self.batch:
            return
        batch, self.batch = self.batch, []
        self._resolve(list({pending: None for pending, _ in batch if pending.state is _State.UNRESOLVED}))
        rows: list[tuple[_PendingPage, _Row]] = []
        for pending, row in batch:
            if pending.state is _State.SKIPPED:
                continue
            if row.source_id in pending.ids:
                self.report.revisions_already_here += 1
                continue
            if row.problem is not None:
                self._problem(row.problem)
                continue
            rows.append((pending, row))
            if not pending.counted:
                pending.counted = True
                if pending.state is _State.NEW:
                    self.report.pages_created += 1
                else:
                    self.report.pages_continued += 1
        if not self.dry_run and rows:
            self._write(rows)
        self.report.revisions_imported += len(rows)

    def _write(self, rows: list[tuple[_PendingPage, _Row]]) -> None:
        """One transaction: the batch's new pages, its revisions, their import records, the pages' latest
        revision and their search entries."""
        with transaction.atomic():
            _lock_revisions()
            ids = self._ids([row.source_id for _, row in rows])
            first: dict[_PendingPage, datetime | None] = {}
            for pending, row in rows:
                if pending.page_id is None:
                    first.setdefault(pending, row.timestamp)
            created = Page.objects.bulk_create(
                Page(
                    namespace=pending.title.namespace,
                    title=pending.title.key,
                    created_at=created_at,
                    content_model=pending.model,
                )
                for pending, created_at in first.items()
            )
            for pending, page in zip(first, created, strict=True):
                pending.page_id = page.pk
            ops = connection.ops
            revisions, links = [], []
            for (pending, row), new_id in zip(rows, ids, strict=True):
                parent = None
                if row.source_parent is not None:
                    parent = pending.ids.get(row.source_parent) or pending.latest_id
                pending.ids[row.source_id] = pending.latest_id = new_id
                revisions.append(
                    (
                        new_id,
                        pending.page_id,
                        parent,
                        None,
                        ops.adapt_ipaddressfield_value(row.ip) if row.ip else None,
                        row.imported_author,
                        ops.adapt_datetimefield_value(row.timestamp),
                        row.summary,
                        row.text,
                        row.size,
                        None,
                        row.minor,
                        row.text_hidden,
                        row.summary_hidden,
                        row.author_hidden,
                    )  # fmt: skip
                )
                links.append((self.source, row.source_id, new_id))
            latest = {pending: row for pending, row in rows}  # each page's last row of the batch
            _insert(Revision, _REVISION_COLUMNS, revisions)
            _insert(ImportedRevision, ("source", "source_id", "revision_id"), links)
            _update_latest([(pending.latest_id, pending.page_id) for pending in latest])
            _index_for_search(latest)
            _reset_revision_sequence()

    def _ids(self, source_ids: list[int]) -> list[int]:
        """The ids the batch's revisions take here (called with the revision table locked)."""
        if self.keep_ids and not Revision.objects.filter(id__in=source_ids).exists():
            return source_ids
        self.keep_ids = False
        start = (Revision.objects.aggregate(top=Max("id"))["top"] or 0) + 1
        return list(range(start, start + len(source_ids)))


@contextmanager
def _larger_sqlite_cache() -> Iterator[None]:
    """SQLite's page cache at SQLITE_CACHE_KIB for the import (its default is 2 MiB), so that the revision
    table's indexes stay in memory from one batch to the next; the previous size is restored after. Memory
    only: journal, synchronous and transactions are unchanged, so each batch is as durable as before."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (previous,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {-SQLITE_CACHE_KIB:d}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous):d}")


def _lock_revisions() -> None:
    """No save takes a revision id while a batch picks its ids. SQLite's BEGIN IMMEDIATE already holds the
    database's write lock; PostgreSQL needs the table's."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE wiki_revision IN SHARE ROW EXCLUSIVE MODE")


def _reset_revision_sequence() -> None:
    """After ids were written explicitly, the next save's id follows the largest (PostgreSQL's sequence;
    SQLite's AUTOINCREMENT-less rowid already does)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [Revision]):
            cursor.execute(statement)


_REVISION_COLUMNS = (
    "id", "page_id", "parent_id", "user_id", "ip", "imported_author", "timestamp", "summary", "text", "size",
    "html", "minor", "text_hidden", "summary_hidden", "author_hidden",
)  # fmt: skip


def _insert(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """One INSERT of many rows, the values already adapted as the ORM would: bulk_create's model instances
    and per-value compiling were a fifth of the import's time."""
    quote = connection.ops.quote_name
    table, names = quote(model._meta.db_table), ", ".join(quote(column) for column in columns)
    placeholders = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", rows)  # noqa: S608


def _update_latest(pairs: list[tuple[int | None, int | None]]) -> None:
    """(latest revision id, page id) of each page the batch wrote to."""
    quote = connection.ops.quote_name
    table = quote(Page._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {quote('latest_id')} = %s WHERE {quote('id')} = %s",  # noqa: S608
            pairs,
        )


def _index_for_search(latest: dict[_PendingPage, _Row]) -> None:
    """The search entry of each page of the batch, with its latest text, in the batch's transaction."""
    pages = {pending.page_id: (pending, row) for pending, row in latest.items()}
    indexed = set(SearchEntry.objects.filter(page_id__in=pages).values_list("page_id", flat=True))
    new = []
    for page_id, (pending, row) in pages.items():
        display = pending.title.display
        if page_id in indexed:
            SearchEntry.objects.filter(page_id=page_id).update(title=display, body=row.text)
        else:
            new.append(SearchEntry(page_id=page_id, title=display, body=row.text))
    SearchEntry.objects.bulk_create(new)
