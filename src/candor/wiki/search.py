"""Full-text search over the current text of pages, ranked with title matches first.

The index is the `wiki_searchentry` table, kept current by the save action. Each database searches it with
its own engine: on SQLite an FTS5 table fed by triggers (migration 0002), on PostgreSQL weighted
tsvectors over a GIN expression index. Neither scans the table with LIKE.
"""

import re
from dataclasses import dataclass

from django.db import connections, router

from candor.publiclog.titles import Title
from candor.wiki.models import SearchEntry

SNIPPET_CHARS = 200
_WORD = re.compile(r"\w+", re.UNICODE)

# PostgreSQL: the same expressions as the GIN index in migration 0002, so the planner can use it.
_PG_DOCUMENT = (
    "setweight(to_tsvector('simple', e.title), 'A') || setweight(to_tsvector('simple', e.body), 'B')"
)


@dataclass(frozen=True)
class Hit:
    title: Title
    snippet: str


def terms(query: str) -> list[str]:
    return _WORD.findall(query.casefold())[:16]


def _sqlite_ids(connection, words: list[str], limit: int) -> list[int]:
    # Each word quoted, so that nothing a person types is read as FTS5 syntax.
    match = " ".join('"' + word + '"' for word in words)
    sql = (
        "SELECT rowid FROM wiki_search_fts WHERE wiki_search_fts MATCH %s "
        "ORDER BY rowid IN (SELECT rowid FROM wiki_search_fts WHERE wiki_search_fts MATCH %s) DESC, "
        "bm25(wiki_search_fts, 10.0, 1.0) LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [match, "title : (" + match + ")", limit])
        return [row[0] for row in cursor.fetchall()]


def _postgresql_ids(connection, words: list[str], limit: int) -> list[int]:
    # Only the constant _PG_DOCUMENT is interpolated; what the person typed is a parameter.
    sql = (
        "SELECT e.page_id FROM wiki_searchentry e, to_tsquery('simple', %s) q "  # noqa: S608
        f"WHERE ({_PG_DOCUMENT}) @@ q "
        "ORDER BY to_tsvector('simple', e.title) @@ q DESC, "
        f"ts_rank({_PG_DOCUMENT}, q) DESC, e.page_id LIMIT %s"
    )
    query = " & ".join("'" + word.replace("'", "''") + "'" for word in words)
    with connection.cursor() as cursor:
        cursor.execute(sql, [query, limit])
        return [row[0] for row in cursor.fetchall()]


def _snippet(body: str, words: list[str]) -> str:
    lowered = body.casefold()
    positions = [lowered.find(word) for word in words if word in lowered]
    start = max(0, min(positions, default=0) - SNIPPET_CHARS // 4)
    piece = " ".join(body[start : start + SNIPPET_CHARS].split())
    return ("…" if start else "") + piece + ("…" if start + SNIPPET_CHARS < len(body) else "")


def search(query: str, limit: int = 50) -> list[Hit]:
    words = terms(query)
    if not words:
        return []
    # The database the router reads entries from: the replica, when there is one and the reader may use it.
    connection = connections[router.db_for_read(SearchEntry)]
    find = _postgresql_ids if connection.vendor == "postgresql" else _sqlite_ids
    ids = find(connection, words, limit)
    entries = SearchEntry.objects.select_related("page").in_bulk(ids)
    return [
        Hit(
            title=entries[page_id].page.title_object,
            snippet=_snippet(entries[page_id].body, words),
        )
        for page_id in ids
        if page_id in entries
    ]
