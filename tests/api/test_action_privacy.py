"""C06: the Action API follows the HTML site's rules. Each HTML leak test has its twin here, through
/w/api.php: C33 (a logged-out edit is attributed to its address), C34 (a logged-in editor's address and
user agent appear nowhere), C50 (preferences, emails and watchlists are their owner's), C59 (a search term
is in no answer), C60 (nobody else's watchlist, by name, id or token), and C07 on every kind of page.
"""

import ipaddress
import json

import pytest
from django.test import Client

from candor.publiclog.titles import parse
from tests.steps import EDITOR_ADDRESS, EDITOR_AGENT, READER_ADDRESS, revisions_of, save

EVERY_KIND_OF_PAGE = ["Quay", "User talk:Bob", "Project:Noticeboard"]
ALL_REVISION_PROPS = (
    "ids|flags|timestamp|user|userid|size|slotsize|sha1|slotsha1|contentmodel|comment|parsedcomment|content"
    "|tags|roles"
)
ALL_RC_PROPS = (
    "user|userid|comment|parsedcomment|flags|timestamp|title|ids|sizes|redirect|patrolled|loginfo|tags|sha1"
)


def api(client: Client, **params) -> dict:
    response = client.get("/w/api.php", {"format": "json", **params})
    assert response.status_code == 200
    return response.json()


def api_text(client: Client, **params) -> str:
    response = client.get("/w/api.php", {"format": "json", **params})
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def watcher(make_account) -> Client:
    client = Client(REMOTE_ADDR="192.0.2.60")
    client.force_login(make_account("Wendy"))
    return client


@pytest.mark.parametrize("version", ["1", "2"])
def test_a_logged_out_edit_is_attributed_to_its_address_in_every_api_listing(reader, version):
    """C33 (twin of test_recent_changes_and_contributions_attribute_logged_out_edits_to_the_ip)."""
    save(reader, "Quay", "Stone quay.")
    (revision,) = revisions_of("Quay")

    pages = api(
        reader, action="query", prop="revisions", titles="Quay", rvprop="ids|user|userid", formatversion="2"
    )["query"]["pages"]
    changes = api(
        reader, action="query", list="recentchanges", rcprop="user|userid|ids", formatversion=version
    )
    contributions = api(
        reader, action="query", list="usercontribs", ucuser=READER_ADDRESS, formatversion=version
    )

    assert pages[0]["revisions"][0]["user"] == READER_ADDRESS and pages[0]["revisions"][0]["userid"] == 0
    (change,) = changes["query"]["recentchanges"]
    assert change["user"] == READER_ADDRESS and change["revid"] == revision.id
    assert change["anon"] == (True if version == "2" else "")
    (contribution,) = contributions["query"]["usercontribs"]
    assert contribution["user"] == READER_ADDRESS and contribution["title"] == "Quay"


def test_a_trusted_proxy_passes_on_the_editors_address_to_the_api_attribution(settings, db):
    """C33 (twin of test_a_trusted_proxy_passes_on_the_readers_address): an API edit behind a listed proxy
    is attributed to the client in X-Forwarded-For, not to the proxy."""
    settings.CANDOR_TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.0/8")]
    client = Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="2001:db8::7")
    answer = client.post(
        "/w/api.php", {"action": "edit", "format": "json", "title": "Quay", "text": "Stone.", "token": "+\\"}
    ).json()
    assert answer["edit"]["result"] == "Success"
    changes = api(client, action="query", list="recentchanges", rcprop="user")["query"]["recentchanges"]
    assert [change["user"] for change in changes] == ["2001:db8::7"]


def _public_api_urls(title: str, first: int, second: int) -> list[dict]:
    return [
        {
            "action": "query",
            "prop": "revisions|info",
            "titles": title,
            "rvprop": ALL_REVISION_PROPS,
            "rvslots": "main",
            "rvlimit": "max",
            "inprop": "protection|url|talkid|subjectid|watched|watchers",
        },
        {"action": "query", "prop": "revisions", "revids": f"{first}|{second}", "rvprop": ALL_REVISION_PROPS},
        {"action": "query", "list": "recentchanges", "rcprop": ALL_RC_PROPS, "rclimit": "max"},
        {
            "action": "query",
            "list": "usercontribs",
            "ucuser": "Alice",
            "ucprop": "ids|title|timestamp|comment|parsedcomment|size|sizediff|flags|tags",
        },
        {
            "action": "query",
            "list": "logevents",
            "leprop": "ids|title|type|user|userid|timestamp|comment|parsedcomment|details|tags",
        },
        {"action": "query", "list": "search", "srsearch": "quay"},
        {"action": "query", "list": "allpages|allusers"},
        {
            "action": "query",
            "list": "users",
            "ususers": "Alice",
            "usprop": "blockinfo|groups|groupmemberships|implicitgroups|rights|editcount|registration|gender"
            "|emailable|centralids",
        },
        {
            "action": "query",
            "meta": "siteinfo|userinfo",
            "siprop": "general|namespaces|statistics|usergroups",
            "uiprop": "blockinfo|groups|rights|options|email|realname|editcount|registrationdate"
            "|latestcontrib",
        },
        {"action": "parse", "page": title},
        {"action": "compare", "fromrev": first, "torev": second},
        {"action": "query", "list": "watchlist"},
    ]


@pytest.mark.parametrize("title", EVERY_KIND_OF_PAGE)
def test_a_logged_in_editors_address_and_user_agent_reach_no_api_answer(reader, editor, outsider, title):
    """C34, C07 (twin of test_logged_in_ip_and_user_agent_never_reach_any_public_view): Alice edits from
    198.51.100.77 with "TestUA/1.0" → no module, in either format version, shows either, or her email."""
    save(editor, title, "Alice's quay.", "first")
    save(editor, title, "Alice's quay, longer.", "second")
    first, second = revisions_of(title)
    for client in (reader, outsider):
        for params in _public_api_urls(title, first.id, second.id):
            for version in ("1", "2"):
                body = api_text(client, formatversion=version, **params)
                assert "error" not in json.loads(body) or params.get("list") == "watchlist", (params, body)
                for private in (EDITOR_ADDRESS, EDITOR_AGENT, "alice-canary@example.org"):
                    assert private not in body, (params, private)
    assert all(revision.ip is None for revision in (first, second))


def test_the_contributions_of_the_address_a_logged_in_editor_used_are_empty(reader, editor):
    """C34 (twin of test_contributions_of_the_ip_a_logged_in_editor_used_show_nothing)."""
    save(editor, "Quay", "Alice's quay.")
    used = api(reader, action="query", list="usercontribs", ucuser=EDITOR_ADDRESS)
    unused = api(reader, action="query", list="usercontribs", ucuser="192.0.2.199")
    assert used["query"]["usercontribs"] == unused["query"]["usercontribs"] == []
    by_address = api(reader, action="query", list="recentchanges", rcuser=EDITOR_ADDRESS)
    assert by_address["query"]["recentchanges"] == []


def test_nobody_reads_another_accounts_email_or_preferences_through_the_api(editor, editor_account, outsider):
    """C50 (twin of test_another_user_sees_only_their_own_preferences): list=users and meta=userinfo carry
    no email and no preference, for another account or for one's own; a chosen time zone shows nowhere."""
    editor.post("/accounts/preferences", {"form": "preferences", "time_zone": "Pacific/Chatham"})
    editor_account.refresh_from_db()
    assert editor_account.time_zone == "Pacific/Chatham"
    props = "blockinfo|groups|implicitgroups|rights|editcount|registration|gender|emailable|centralids"
    for client in (outsider, editor):
        text = api_text(client, action="query", list="users", ususers="Alice", usprop=props)
        mine = api_text(client, action="query", meta="userinfo", uiprop="email|realname|options|acceptlang")
        for body in (text, mine):
            assert "alice-canary@example.org" not in body
            assert "Chatham" not in body
            assert '"email"' not in body and '"emailable"' not in body and '"realname"' not in body


def test_nobody_else_reads_a_watchlist_through_the_api(editor, watcher, outsider, reader):
    """C50, C60 (twins of test_nobody_else_sees_a_watchlist and test_naming_another_person_in_the_request_
    still_shows_only_ones_own_watchlist): Bob gets his own empty list; naming Wendy, by name, with or
    without a token, is refused with the same answer as naming nobody; a reader must log in; no module
    counts or names the watchers of a page."""
    save(editor, "Harbour", "The harbour.")
    watcher.post("/notify/watch", {"title": "Harbour", "watch": "1"})

    own = api(watcher, action="query", list="watchlist|watchlistraw", wlprop="title")["query"]
    assert [row["title"] for row in own["watchlist"]] == ["Harbour"]
    assert [row["title"] for row in own["watchlistraw"]] == ["Harbour"]

    assert api(outsider, action="query", list="watchlist|watchlistraw")["query"] == {
        "watchlist": [],
        "watchlistraw": [],
    }
    refusals = [
        api(outsider, action="query", list="watchlist", wlowner="Wendy"),
        api(outsider, action="query", list="watchlist", wlowner="Wendy", wltoken="0123456789abcdef"),
        api(outsider, action="query", list="watchlistraw", wrowner="Wendy"),
        api(outsider, action="query", list="watchlist", wlowner="Nobody at all"),
    ]
    assert {refusal["error"]["code"] for refusal in refusals} == {"bad_wlowner"}
    assert len({refusal["error"]["info"] for refusal in refusals}) == 1
    assert api(reader, action="query", list="watchlist")["error"]["code"] == "notloggedin"

    for client in (outsider, reader):
        info = api_text(
            client, action="query", prop="info", titles="Harbour", inprop="watchers|visitingwatchers|watched"
        )
        assert "Wendy" not in info and '"watchers"' not in info and '"visitingwatchers"' not in info


def test_a_search_term_reaches_no_other_answer(editor, reader):
    """C59 (twin of the canary crawl's search term): Alice's search through the API is answered to her and
    appears in nothing anyone else can fetch afterwards."""
    save(editor, "Harbour", "The harbour.")
    term = "rare-term-9f3c1d"
    assert api(editor, action="query", list="search", srsearch=term)["query"]["search"] == []
    for params in (
        {"list": "recentchanges", "rcprop": ALL_RC_PROPS},
        {"list": "logevents"},
        {"list": "usercontribs", "ucuser": "Alice"},
        {"meta": "siteinfo", "siprop": "general|statistics"},
    ):
        assert term not in api_text(reader, action="query", **params)
    assert parse("Harbour").display == "Harbour"
