"""Full-text search over the current text of pages, ranked with title matches first.

The index is the `wiki_searchentry` table, kept current by the save action. Each database searches it with
its own engine: on SQLite an FTS5 table fed by triggers (migration 0002), on PostgreSQL a weighted
tsvector stored in a generated column with a GIN index (migration 0011). Neither scans the table with LIKE.

Ranking (bm25, ts_rank) costs a computation for each page it ranks, so it is given a bounded candidate set:
the newest `CANDIDATES` pages whose title matches and the newest `CANDIDATES` pages that match at all,
taken from the index in page order without ranking. A query matching fewer pages than that ranks every
match, as if there were no bound; a common word on a large wiki ranks the 2 × `CANDIDATES` newest instead
of every page that holds it (docs/performance.md, "Growth curves"), so its cost stays flat with the wiki's
size. Among the candidates, title matches come first, then the better rank.
"""

import re
from dataclasses import dataclass

from django.db import connections, router

from candor.publiclog.titles import Title
from candor.wiki.models import SearchEntry

SNIPPET_CHARS = 200
CANDIDATES = 1_000
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Hit:
    title: Title
    snippet: str


def terms(query: str) -> list[str]:
    return _WORD.findall(query.casefold())[:16]


def _sqlite_ids(connection, words: list[str], limit: int) -> list[int]:
    # Each word quoted, so that nothing a person types is read as FTS5 syntax.
    match = " ".join('"' + word + '"' for word in words)
    in_title = "title : (" + match + ")"
    fts = "SELECT rowid FROM wiki_search_fts WHERE wiki_search_fts MATCH %s"
    # The candidates are bounded by rowid (the page id), which FTS5 reads in order without ranking: the
    # newest CANDIDATES title matches (or all of them, from the oldest), the newest CANDIDATES matches.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT ({fts} ORDER BY rowid DESC LIMIT 1 OFFSET %s), ({fts} ORDER BY rowid LIMIT 1), "
            f"({fts} ORDER BY rowid DESC LIMIT 1 OFFSET %s)",
            [in_title, CANDIDATES - 1, in_title, match, CANDIDATES - 1],
        )
        nth_title, oldest_title, nth_match = cursor.fetchone()
    title_from = nth_title or oldest_title
    match_from = nth_match or 0
    if title_from is None:  # no title matches: nothing to rank first
        title_from = match_from
    titles = f"{fts} AND rowid >= %s"
    # `+rowid` keeps SQLite from looking each title match up in the full-text index one by one.
    sql = (
        f"{fts} AND rowid >= %s AND (rowid >= %s OR +rowid IN ({titles})) "
        f"ORDER BY +rowid IN ({titles}) DESC, bm25(wiki_search_fts, 10.0, 1.0) LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [match, min(title_from, match_from), match_from, *(in_title, title_from) * 2, limit]
        )
        return [row[0] for row in cursor.fetchall()]


def _postgresql_ids(connection, words: list[str], limit: int) -> list[int]:
    # What the person typed is a parameter, and the query is written out in each clause (no CTE around it)
    # so that the planner sees it and chooses per query: for a common word, the primary key read backwards
    # until CANDIDATES rows match; for a rare one, the GIN index (wiki_search_title over the title's
    # expression, wiki_search_stored_document over the weighted document that migration 0011 stores in
    # `document`). Only the candidates are ranked, reading the stored document.
    query = "to_tsquery('simple', %s)"
    title_matches = f"to_tsvector('simple', title) @@ {query}"
    sql = (
        f"WITH candidates AS ((SELECT page_id FROM wiki_searchentry WHERE {title_matches} "  # noqa: S608
        "ORDER BY page_id DESC LIMIT %s) UNION "
        f"(SELECT page_id FROM wiki_searchentry WHERE document @@ {query} ORDER BY page_id DESC LIMIT %s)) "
        "SELECT page_id FROM wiki_searchentry WHERE page_id IN (SELECT page_id FROM candidates) "
        f"ORDER BY {title_matches} DESC, ts_rank(document, {query}) DESC, page_id LIMIT %s"
    )
    wanted = " & ".join("'" + word.replace("'", "''") + "'" for word in words)
    with connection.cursor() as cursor:
        cursor.execute(sql, [wanted, CANDIDATES, wanted, CANDIDATES, wanted, wanted, limit])
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
