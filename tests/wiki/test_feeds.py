"""Feeds (issue 13 §3): Atom and RSS 2.0 of recent changes, a page's history and a user's or an address's
contributions, at `?feed=atom|rss` on those pages. C32, C33: the same attribution as the HTML lists, the
username or the address of a logged-out edit. C06, C34: the feed twins of the HTML leak tests, no address or
user agent of a logged-in editor in any feed."""

import re

import feedparser
import pytest

from candor.publiclog.titles import parse
from candor.wiki.feeds import recent_changes_feed
from tests.steps import EDITOR_ADDRESS, EDITOR_AGENT, READER_ADDRESS, revisions_of, save

KINDS = ["atom", "rss"]
UNUSED_ADDRESS = "192.0.2.123"
CONTENT_TYPES = {"atom": "application/atom+xml", "rss": "application/rss+xml"}


def fetched(client, url: str, kind: str):
    response = client.get(url + ("&" if "?" in url else "?") + f"feed={kind}")
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith(CONTENT_TYPES[kind])
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == ("atom10" if kind == "atom" else "rss20")
    return response, parsed


@pytest.mark.ip_attribution
@pytest.mark.parametrize("kind", KINDS)
def test_recent_changes_feed_lists_each_edit_with_its_author_newest_first(reader, editor, kind):
    """C32, C33: Alice's edit is hers; the logged-out edit is the reader's address's."""
    save(editor, "Quay", "Stone quay.", "first stones")
    save(reader, "Harbour", "A harbour.", "a harbour")
    quay, harbour = revisions_of("Quay")[0], revisions_of("Harbour")[0]

    _, parsed = fetched(reader, "/wiki/Special:RecentChanges", kind)

    assert [entry.link for entry in parsed.entries] == [
        f"http://testserver/wiki/Harbour?oldid={harbour.id}",
        f"http://testserver/wiki/Quay?oldid={quay.id}",
    ]
    assert [entry.author for entry in parsed.entries] == [READER_ADDRESS, "Alice"]
    assert parsed.entries[0].title == "Harbour: a harbour"
    assert "a harbour" in parsed.entries[0].summary
    assert parsed.entries[1].published_parsed[:6] == quay.timestamp.utctimetuple()[:6]
    if kind == "atom":
        links = [entry.author_detail.href for entry in parsed.entries]
        assert links == [
            f"http://testserver/wiki/Special:Contributions/{READER_ADDRESS}",
            "http://testserver/wiki/User:Alice",
        ]


@pytest.mark.ip_attribution
@pytest.mark.parametrize("kind", KINDS)
def test_history_feed_links_each_revision_to_its_diff(reader, editor, kind):
    save(editor, "Quay", "Stone quay.")
    save(reader, "Quay", "Stone quay, rebuilt.", "rebuilt")
    save(editor, "Harbour", "Elsewhere.")
    first, second = revisions_of("Quay")

    _, parsed = fetched(reader, "/wiki/Quay?action=history", kind)

    assert parsed.feed.title == "Quay: revision history"
    assert [entry.link for entry in parsed.entries] == [
        f"http://testserver/wiki/Quay?diff={second.id}&oldid={first.id}",
        f"http://testserver/wiki/Quay?oldid={first.id}",
    ]
    assert [entry.author for entry in parsed.entries] == [READER_ADDRESS, "Alice"]


@pytest.mark.ip_attribution
@pytest.mark.parametrize("kind", KINDS)
def test_contributions_feed_of_a_user_and_of_an_address(reader, editor, kind):
    save(editor, "Quay", "Stone quay.")
    save(reader, "Harbour", "A harbour.")

    _, alices = fetched(reader, "/wiki/Special:Contributions/Alice", kind)
    _, readers = fetched(reader, f"/wiki/Special:Contributions/{READER_ADDRESS}", kind)
    _, by_target = fetched(reader, "/wiki/Special:Contributions?target=alice", kind)

    assert [entry.title for entry in alices.entries] == ["Quay"]
    assert [entry.title for entry in readers.entries] == ["Harbour"]
    assert readers.feed.title == f"Contributions of {READER_ADDRESS}"
    assert [entry.title for entry in by_target.entries] == ["Quay"]


@pytest.mark.parametrize("kind", KINDS)
def test_the_contributions_feed_of_the_address_a_logged_in_editor_used_is_empty(reader, editor, kind):
    """C34: Alice's address made no public contribution, whatever she edited from it."""
    save(editor, "Quay", "Alice's quay.")

    response, parsed = fetched(reader, f"/wiki/Special:Contributions/{EDITOR_ADDRESS}", kind)

    assert parsed.entries == []
    assert b"Quay" not in response.content


@pytest.mark.parametrize("title", ["Quay", "User talk:Bob", "Project:Noticeboard"])
@pytest.mark.parametrize("kind", KINDS)
def test_logged_in_ip_and_user_agent_never_reach_any_feed(reader, editor, outsider, title, kind):
    """C06, C34, C07: the feed twin of test_history.py's leak test: Alice edits from 198.51.100.77 with
    "TestUA/1.0"; no feed shows either, to anyone."""
    save(editor, title, "Alice's quay.", "first")
    save(editor, title, "Alice's quay, longer.", "second")
    urls = [
        f"{parse(title).url}?action=history",
        "/wiki/Special:RecentChanges",
        "/wiki/Special:Contributions/Alice",
    ]
    for client in (reader, outsider):
        for url in urls:
            response, parsed = fetched(client, url, kind)
            body = response.content.decode()
            assert EDITOR_ADDRESS not in body, url
            assert EDITOR_AGENT not in body, url
            assert "alice-canary@example.org" not in body, url
            assert {entry.author for entry in parsed.entries} == {"Alice"}
        # Her address, looked up, answers as an address nobody used does (it echoes only what was asked).
        looked_up, _ = fetched(client, f"/wiki/Special:Contributions/{EDITOR_ADDRESS}", kind)
        unused, _ = fetched(client, f"/wiki/Special:Contributions/{UNUSED_ADDRESS}", kind)
        assert _without_times(
            looked_up.content.decode().replace(EDITOR_ADDRESS, "ADDRESS")
        ) == _without_times(unused.content.decode().replace(UNUSED_ADDRESS, "ADDRESS"))


def _without_times(feed: str) -> str:
    return re.sub(r"<(updated|lastBuildDate)>[^<]*</\1>", "", feed)


@pytest.mark.ip_attribution
def test_the_feed_of_a_logged_out_edit_shows_its_address_on_that_edit_only(reader, editor):
    """C33: the reader's address is public on the reader's edit, and not on Alice's."""
    save(editor, "Lighthouse", "A lighthouse.")
    save(reader, "Quay", "Stone quay.")

    lighthouse = reader.get("/wiki/Lighthouse?action=history&feed=atom").content.decode()
    quay = reader.get("/wiki/Quay?action=history&feed=atom").content.decode()

    assert READER_ADDRESS not in lighthouse
    assert READER_ADDRESS in quay


def test_feeds_page_with_limit_and_before_as_the_lists_do(reader):
    for number in range(5):
        save(reader, "Quay", f"Version {number}.")
    ids = [revision.id for revision in revisions_of("Quay")]

    _, newest = fetched(reader, "/wiki/Quay?action=history&limit=2", "atom")
    _, older = fetched(reader, f"/wiki/Quay?action=history&limit=2&before={ids[3]}", "rss")

    assert [entry.link.rsplit("diff=", 1)[1].split("&")[0] for entry in newest.entries] == [
        str(ids[4]),
        str(ids[3]),
    ]
    assert len(older.entries) == 2 and str(ids[2]) in older.entries[0].link


@pytest.mark.parametrize(
    "url",
    [
        "/wiki/Special:RecentChanges?feed=json",
        "/wiki/Quay?action=history&feed=",
        "/wiki/Special:RecentChanges?feed=atom&limit=abc",
    ],
)
def test_an_unknown_feed_or_a_bad_limit_is_a_clear_error(reader, url):
    save(reader, "Quay", "Text.")

    response = reader.get(url)

    assert response.status_code == 400
    assert "feed" in response.content.decode() or "must be" in response.content.decode()


def test_feeds_of_a_missing_page_or_user_are_not_found(reader):
    assert reader.get("/wiki/Nowhere?action=history&feed=atom").status_code == 404
    assert reader.get("/wiki/Special:Contributions/Nobody?feed=rss").status_code == 404


def test_the_recent_changes_feed_is_a_function_of_the_request_for_the_action_api(rf, reader):
    """action=feedrecentchanges in /w/api.php answers with this function; it reads MediaWiki's
    `feedformat` too."""
    save(reader, "Quay", "Stone quay.")

    response = recent_changes_feed(rf.get("/w/api.php", {"action": "feedrecentchanges", "feedformat": "rss"}))
    atom = recent_changes_feed(rf.get("/w/api.php"), "atom")

    assert feedparser.parse(response.content).version == "rss20"
    assert feedparser.parse(atom.content).entries[0].title == "Quay"


def test_reading_a_feed_sets_no_cookie(reader):
    """C20: a feed reader needs no account and gets no session."""
    save(reader, "Quay", "Stone quay.")

    response = reader.get("/wiki/Special:RecentChanges?feed=atom")

    assert not response.cookies
