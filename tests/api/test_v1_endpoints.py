"""Issue 13 §2: Candor's JSON API under /api/v1, as a script would use it: pages with their text and HTML,
revisions, a page's history, diffs, recent changes, contributions and search; keyset paging, ETags with
If-None-Match, and errors with a machine-readable code. C32, C33: each revision names its account, or the
address of a logged-out edit, as the HTML history does."""

import json

import pytest

from tests.steps import READER_ADDRESS, revisions_of, save


def answer(client, url: str, status: int = 200, **headers) -> dict:
    response = client.get(url, **headers)
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def test_a_page_comes_with_its_current_text_html_and_author(reader, editor):
    save(editor, "Quay", "Stone **quay**.", "first")
    save(reader, "Quay", "Stone **quay**, rebuilt.", "rebuilt")
    _, latest = revisions_of("Quay")

    page = answer(reader, "/api/v1/page?title=quay")

    assert (page["title"], page["namespace"], page["url"]) == ("Quay", 0, "/wiki/Quay")
    revision = page["revision"]
    assert revision["id"] == latest.id
    assert revision["text"] == "Stone **quay**, rebuilt."
    assert revision["html"] == latest.html and "<strong>quay</strong>" in revision["html"]
    assert revision["author"] == {
        "kind": "ip",
        "name": READER_ADDRESS,
        "url": f"/wiki/Special:Contributions/{READER_ADDRESS}",
    }
    assert revision["summary"] == "rebuilt"
    assert revision["size_change"] == len(" rebuilt") + 1


def test_titles_are_normalised_and_namespaces_numbered(reader):
    save(reader, "User talk:Bob", "Hello Bob.")

    page = answer(reader, "/api/v1/page?title=user_talk:bob")

    assert (page["title"], page["namespace"], page["url"]) == ("User talk:Bob", 3, "/wiki/User_talk:Bob")


def test_a_revision_by_its_id(reader, editor):
    save(editor, "Quay", "Stone quay.", "first")
    save(editor, "Quay", "Stone quay, rebuilt.")
    first, _ = revisions_of("Quay")

    revision = answer(reader, f"/api/v1/revisions/{first.id}")

    assert revision["text"] == "Stone quay."
    assert revision["parent_id"] is None
    assert revision["author"] == {"kind": "account", "name": "Alice", "url": "/wiki/User:Alice"}
    assert revision["page"] == {"title": "Quay", "namespace": 0, "url": "/wiki/Quay"}


def test_history_pages_back_and_forth_by_keyset(reader):
    for number in range(7):
        save(reader, "Quay", f"Version {number}.")
    ids = [revision.id for revision in revisions_of("Quay")]

    first = answer(reader, "/api/v1/history?title=Quay&limit=3")
    second = answer(reader, f"/api/v1/history?title=Quay&limit=3&before={first['paging']['older']}")
    newer = answer(reader, f"/api/v1/history?title=Quay&limit=3&after={second['paging']['newer']}")

    assert [item["id"] for item in first["items"]] == ids[4:][::-1]
    assert first["paging"] == {"limit": 3, "older": ids[4], "newer": None}
    assert [item["id"] for item in second["items"]] == ids[1:4][::-1]
    assert second["paging"] == {"limit": 3, "older": ids[1], "newer": ids[3]}
    assert [item["id"] for item in newer["items"]] == ids[4:][::-1]


def test_recent_changes_list_every_page_with_its_author(reader, editor):
    save(editor, "Quay", "Stone quay.")
    save(reader, "Harbour", "A harbour.")

    changes = answer(reader, "/api/v1/recentchanges")

    assert [(item["page"]["title"], item["author"]["name"]) for item in changes["items"]] == [
        ("Harbour", READER_ADDRESS),
        ("Quay", "Alice"),
    ]
    assert changes["paging"] == {"limit": 50, "older": None, "newer": None}


def test_contributions_of_an_account_and_of_an_address(reader, editor):
    save(editor, "Quay", "Stone quay.")
    save(reader, "Harbour", "A harbour.")

    alices = answer(reader, "/api/v1/contributions?target=alice")
    readers = answer(reader, f"/api/v1/contributions?target={READER_ADDRESS}")

    assert (alices["target"], alices["target_kind"]) == ("Alice", "account")
    assert [item["page"]["title"] for item in alices["items"]] == ["Quay"]
    assert (readers["target"], readers["target_kind"]) == (READER_ADDRESS, "ip")
    assert [item["page"]["title"] for item in readers["items"]] == ["Harbour"]


def test_a_diff_between_two_revisions_and_against_the_parent(reader):
    save(reader, "Quay", "Stone quay.\nBuilt in 1820.")
    save(reader, "Quay", "Stone quay, rebuilt.\nBuilt in 1820.")
    first, second = revisions_of("Quay")

    explicit = answer(reader, f"/api/v1/diff?title=Quay&diff={second.id}&oldid={first.id}")
    by_parent = answer(reader, f"/api/v1/diff?title=Quay&diff={second.id}")
    to_current = answer(reader, f"/api/v1/diff?title=Quay&diff=cur&oldid={first.id}")
    made_the_page = answer(reader, f"/api/v1/diff?title=Quay&diff={first.id}")

    assert explicit == by_parent == to_current
    assert (explicit["older"]["id"], explicit["newer"]["id"]) == (first.id, second.id)
    assert [(row["kind"], row["text"]) for row in explicit["rows"]] == [
        ("removed", "Stone quay."),
        ("added", "Stone quay, rebuilt."),
        ("same", "Built in 1820."),
    ]
    assert made_the_page["older"] is None
    assert [row["kind"] for row in made_the_page["rows"]] == ["added", "added"]


def test_search_finds_pages_with_title_matches_first(reader):
    save(reader, "Lighthouse", "A light on the harbour wall.")
    save(reader, "Harbour", "Boats.")

    results = answer(reader, "/api/v1/search?q=harbour")
    nothing = answer(reader, "/api/v1/search?q=")

    assert results["query"] == "harbour"
    assert [hit["title"] for hit in results["hits"]] == ["Harbour", "Lighthouse"]
    assert "harbour wall" in results["hits"][1]["snippet"]
    assert nothing == {"query": "", "hits": []}


def test_an_unchanged_answer_is_not_sent_again(reader):
    """ETags: a client that has the answer asks with If-None-Match and gets 304 and no body."""
    save(reader, "Quay", "Stone quay.")

    first = reader.get("/api/v1/page?title=Quay")
    again = reader.get("/api/v1/page?title=Quay", HTTP_IF_NONE_MATCH=first["ETag"])
    save(reader, "Quay", "Stone quay, rebuilt.")
    changed = reader.get("/api/v1/page?title=Quay", HTTP_IF_NONE_MATCH=first["ETag"])

    assert first["ETag"].startswith('"')
    assert again.status_code == 304 and again.content == b""
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/api/v1/page?title=Nowhere", 404, "no_such_page"),
        ("/api/v1/page?title=Bad|title", 400, "invalid_title"),
        ("/api/v1/page", 400, "invalid_parameter"),
        ("/api/v1/history?title=Nowhere", 404, "no_such_page"),
        ("/api/v1/history?title=Quay&limit=0", 400, "invalid_parameter"),
        ("/api/v1/history?title=Quay&limit=501", 400, "invalid_parameter"),
        ("/api/v1/history?title=Quay&before=abc", 400, "invalid_parameter"),
        ("/api/v1/recentchanges?after=-1", 400, "invalid_parameter"),
        ("/api/v1/revisions/999999", 404, "no_such_revision"),
        ("/api/v1/revisions/abc", 400, "invalid_parameter"),
        ("/api/v1/diff?title=Quay&diff=999999", 404, "no_such_revision"),
        ("/api/v1/diff?title=Quay&diff=prev", 400, "invalid_parameter"),
        ("/api/v1/diff?title=Quay&diff=sideways", 400, "invalid_parameter"),
        ("/api/v1/contributions?target=Nobody", 404, "no_such_user"),
        ("/api/v1/contributions?target=Nul%00l", 404, "no_such_user"),
        ("/api/v1/search?q=" + "x" * 301, 400, "invalid_parameter"),
        ("/api/v1/nothing", 404, "no_such_endpoint"),
        ("/api/v2/page", 404, "no_such_endpoint"),
    ],
)
def test_bad_requests_are_clear_4xx_errors_with_a_code(reader, url, status, code):
    save(reader, "Quay", "Stone quay.")

    error = answer(reader, url, status)

    assert set(error) == {"error"}
    assert error["error"]["code"] == code
    assert error["error"]["message"]


def test_the_api_is_read_only(reader):
    response = reader.post("/api/v1/page?title=Quay", {"text": "Vandalism."})

    assert response.status_code == 405


def test_the_schema_describes_every_endpoint(reader):
    schema = answer(reader, "/api/openapi.json")

    assert set(schema["paths"]) == {
        "/api/v1/page",
        "/api/v1/revisions/{revision_id}",
        "/api/v1/history",
        "/api/v1/diff",
        "/api/v1/recentchanges",
        "/api/v1/contributions",
        "/api/v1/search",
    }
    author = schema["components"]["schemas"]["Author"]["properties"]
    assert set(author) == {"kind", "name", "url"}


def test_a_history_page_of_50_rows_costs_a_fixed_number_of_queries(
    reader, editor, django_assert_max_num_queries
):
    """No N+1: the authors, pages and parents of 50 rows come with the rows."""
    for number in range(30):
        save(editor, "Quay", f"Alice's version {number}.")
        save(reader, "Quay", f"The reader's version {number}.")

    with django_assert_max_num_queries(3):
        history = answer(reader, "/api/v1/history?title=Quay&limit=50")
    with django_assert_max_num_queries(2):
        changes = answer(reader, "/api/v1/recentchanges?limit=50")
    with django_assert_max_num_queries(3):
        answer(reader, "/api/v1/contributions?target=Alice&limit=50")

    assert len(history["items"]) == len(changes["items"]) == 50
    assert {item["author"]["name"] for item in history["items"]} == {"Alice", READER_ADDRESS}
