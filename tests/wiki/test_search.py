"""Search is served from a full-text index (FTS5 / PostgreSQL tsvector), and title matches rank first."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from candor.wiki import search
from tests.steps import save


def _result_titles(html: str) -> list[str]:
    results = html.split('<ol class="results">', 1)[1].split("</ol>", 1)[0]
    return re.findall(r'<li><a href="[^"]+">([^<]+)</a>', results)


def test_title_matches_rank_above_body_matches(reader):
    save(reader, "Lanterns and lamps", "Light for the night.")
    save(reader, "Street furniture", "Benches, bins, and many a lantern. Lantern posts. Lanterns everywhere.")
    save(reader, "Boats", "Nothing relevant here.")

    titles = _result_titles(reader.get("/wiki/Special:Search?q=lanterns").content.decode())

    assert titles == ["Lanterns and lamps", "Street furniture"]


def test_every_word_must_match(reader):
    save(reader, "Harbour", "Fishing boats and ferries.")
    save(reader, "Canal", "Narrow boats.")

    assert _result_titles(reader.get("/wiki/Special:Search?q=boats+ferries").content.decode()) == ["Harbour"]


def test_search_follows_the_current_text_only(reader):
    save(reader, "Harbour", "Old wooden jetty.")
    save(reader, "Harbour", "New concrete jetty.")

    assert _result_titles(reader.get("/wiki/Special:Search?q=wooden").content.decode()) == []
    assert _result_titles(reader.get("/wiki/Special:Search?q=concrete").content.decode()) == ["Harbour"]


def test_search_shows_a_snippet_around_the_match(reader):
    save(reader, "Harbour", "Intro. " * 50 + "The lighthouse keeper waves. " + "Outro. " * 50)

    html = reader.get("/wiki/Special:Search?q=keeper").content.decode()

    assert "The lighthouse keeper waves." in html


def test_search_syntax_in_a_query_is_taken_as_plain_words(reader):
    save(reader, "Harbour", "Boats.")

    for query in ['"unbalanced', "title:boats", "boats OR", "NEAR(boats)", "* ^ - :", "boats' --"]:
        response = reader.get("/wiki/Special:Search", {"q": query})
        assert response.status_code == 200, query


def test_a_query_that_is_a_missing_title_offers_to_create_it(reader):
    html = reader.get("/wiki/Special:Search?q=Breakwater").content.decode()

    assert '<a href="/wiki/Breakwater?action=edit">Create it</a>' in html


def test_search_uses_the_full_text_index_not_a_scan(reader):
    save(reader, "Harbour", "Boats.")

    with CaptureQueriesContext(connection) as queries:
        reader.get("/wiki/Special:Search?q=boats")

    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert " LIKE " not in sql.upper()
    assert ("MATCH" in sql) if connection.vendor == "sqlite" else ("@@" in sql)


def test_a_search_starts_no_session_and_sets_no_cookie(client, reader):
    save(reader, "Harbour", "Boats.")

    response = client.get("/wiki/Special:Search?q=boats")

    assert not response.cookies


def test_a_word_in_more_pages_than_are_ranked_finds_the_newest_and_still_every_title_match(
    reader, monkeypatch
):
    """On a large wiki a common word is ranked among the newest pages holding it, not all of them, so that a
    search costs the same at any size (docs/performance.md, "Growth curves"); title matches still come
    first, however old. With the bound above the number of matches, every match is found (C20)."""
    save(reader, "Lantern", "A lantern, the first page.")
    for name in ("Alley", "Bridge", "Corner", "Dock"):
        save(reader, name, f"A lantern on the {name.lower()}.")
    query = "/wiki/Special:Search?q=lantern"

    everything = _result_titles(reader.get(query).content.decode())
    monkeypatch.setattr(search, "CANDIDATES", 2)
    bounded = _result_titles(reader.get(query).content.decode())

    assert everything[0] == "Lantern" and sorted(everything[1:]) == ["Alley", "Bridge", "Corner", "Dock"]
    assert bounded[0] == "Lantern" and sorted(bounded[1:]) == ["Corner", "Dock"]
