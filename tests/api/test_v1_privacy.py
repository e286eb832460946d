"""C06: the JSON API and the feeds follow the rules of the HTML pages. Each HTML leak test has its twin here:
C34 (a logged-in editor's address and user agent are in no answer and no feed, to anyone), C33 (a logged-out
edit is attributed to its address, on that edit only), C32 (the account's name otherwise), and the canary
crawl's planted traces (C34, C45, C49, C50, C59) looked for in every API answer and feed."""

import json
import re

import pytest
from django.test import Client

from candor.accounts.models import User
from candor.publiclog.titles import parse
from candor.wiki.actions import do_delete_page
from candor.wiki.models import Page, Revision
from tests.privacy.test_canary_crawl import (  # the crawl's fixture and machinery, reused
    CRAWLER_ADDRESS,
    Crawl,
    Planted,
    _neutral,
    planted,  # noqa: F401
)
from tests.steps import EDITOR_ADDRESS, EDITOR_AGENT, READER_ADDRESS, revisions_of, save

EVERY_KIND_OF_PAGE = ["Quay", "User talk:Bob", "Project:Noticeboard"]
AUTHOR_FIELDS = {"kind", "name", "url"}
FEEDS = ("feed=atom", "feed=rss")


def api_urls_about(title: str, first: Revision, second: Revision) -> list[str]:
    return [
        f"/api/v1/page?title={title}",
        f"/api/v1/history?title={title}",
        f"/api/v1/revisions/{first.id}",
        f"/api/v1/revisions/{second.id}",
        f"/api/v1/diff?title={title}&diff={second.id}&oldid={first.id}",
        f"/api/v1/diff?title={title}&diff=cur&oldid={first.id}",
        "/api/v1/recentchanges",
        "/api/v1/contributions?target=Alice",
        "/api/v1/search?q=quay",
    ]


def authors_in(answer) -> list[dict]:
    """Every author object anywhere in an answer."""
    if isinstance(answer, dict):
        found = [answer["author"]] if "author" in answer else []
        return found + [author for value in answer.values() for author in authors_in(value)]
    if isinstance(answer, list):
        return [author for value in answer for author in authors_in(value)]
    return []


@pytest.mark.parametrize("title", EVERY_KIND_OF_PAGE)
def test_logged_in_ip_and_user_agent_never_reach_any_api_answer(reader, editor, outsider, title):
    """C06, C34, C07: the API twin of test_history.py's leak test: Alice edits from 198.51.100.77 with
    "TestUA/1.0" → no answer shows either, to a reader or to Bob, and an author is a name and nothing else."""
    save(editor, title, "Alice's quay.", "first")
    save(editor, title, "Alice's quay, longer.", "second")
    first, second = revisions_of(title)
    key = parse(title).display

    for client in (reader, outsider):
        for url in api_urls_about(key, first, second):
            response = client.get(url)
            body = response.content.decode()
            assert response.status_code == 200, url
            assert EDITOR_ADDRESS not in body, url
            assert EDITOR_AGENT not in body, url
            assert "alice-canary@example.org" not in body, url
            for author in authors_in(json.loads(body)):
                assert set(author) == AUTHOR_FIELDS
                assert (author["kind"], author["name"]) == ("account", "Alice")


def test_contributions_of_the_ip_a_logged_in_editor_used_show_nothing_in_the_api(reader, editor):
    """C34: the API twin of test_history.py's: Alice's address made no public contribution."""
    save(editor, "Quay", "Alice's quay.")

    answer = json.loads(reader.get(f"/api/v1/contributions?target={EDITOR_ADDRESS}").content)
    unused = json.loads(reader.get("/api/v1/contributions?target=192.0.2.123").content)

    assert answer["items"] == [] and answer["target_kind"] == "ip"
    assert {**answer, "target": "?"} == {**unused, "target": "?"}


@pytest.mark.parametrize("title", EVERY_KIND_OF_PAGE)
def test_the_api_attributes_each_edit_as_the_history_does(reader, editor, title):
    """C32, C33, C07: Alice's edit is Alice's; the logged-out edit is its address's, with its time."""
    save(editor, title, "Stone quay.")
    save(reader, title, "Stone quay, rebuilt.")
    alice, logged_out = revisions_of(title)

    history = json.loads(reader.get(f"/api/v1/history?title={parse(title).display}").content)

    rows = {item["id"]: item for item in history["items"]}
    assert rows[alice.id]["author"] == {"kind": "account", "name": "Alice", "url": "/wiki/User:Alice"}
    assert rows[logged_out.id]["author"] == {
        "kind": "ip",
        "name": READER_ADDRESS,
        "url": f"/wiki/Special:Contributions/{READER_ADDRESS}",
    }
    assert rows[logged_out.id]["timestamp"].startswith(logged_out.timestamp.strftime("%Y-%m-%dT%H:%M"))


def test_a_deleted_page_is_in_no_api_answer(reader, editor):
    """C31, C06: a deleted page's revisions stay, out of every public view, the API's included."""
    save(editor, "Quay", "Stone quay.")
    (revision,) = revisions_of("Quay")
    do_delete_page(User.objects.get(username="Alice"), parse("Quay"), "test")

    assert reader.get("/api/v1/page?title=Quay").status_code == 404
    assert reader.get(f"/api/v1/revisions/{revision.id}").status_code == 404
    assert json.loads(reader.get("/api/v1/recentchanges").content)["items"] == []


# --- The canary crawl's traces, looked for in every API answer and every feed ------------------------------


def api_and_feed_urls(traces: Planted) -> list[str]:
    urls = ["/api/openapi.json", "/api/v1/recentchanges", "/api/v1/recentchanges?limit=1"]
    urls += [f"/wiki/Special:RecentChanges?{feed}" for feed in FEEDS]
    for page in Page.objects.all():
        title = page.title_object.display
        urls += [f"/api/v1/page?title={title}", f"/api/v1/history?title={title}"]
        urls += [f"{page.title_object.url}?action=history&{feed}" for feed in FEEDS]
    for revision in Revision.objects.select_related("page").order_by("id"):
        title = revision.page.title_object.display
        urls += [f"/api/v1/revisions/{revision.id}", f"/api/v1/diff?title={title}&diff={revision.id}"]
        urls += [f"/api/v1/diff?title={title}&diff={where}&oldid={revision.id}" for where in ("prev", "cur")]
    for name in [*User.objects.values_list("username", flat=True), READER_ADDRESS]:
        urls.append(f"/api/v1/contributions?target={name}")
        urls += [f"/wiki/Special:Contributions/{name}?{feed}" for feed in FEEDS]
    urls += [f"/api/v1/search?q={words}" for words in ("Harbour", "Alice", "granite")]
    for private, unused in traces.lookups:
        for canary in (private, unused):
            urls += lookups(canary.value)
    return urls


def lookups(value: str) -> list[str]:
    """Where a stranger could type a private value into the API or a feed."""
    return [
        f"/api/v1/contributions?target={value}",
        f"/api/v1/search?q={value}",
        *(f"/wiki/Special:Contributions?target={value}&{feed}" for feed in FEEDS),
    ]


@pytest.mark.parametrize("persona", ["anonymous", "bob"])
def test_no_planted_canary_reaches_any_api_answer_or_feed(planted, persona, request):  # noqa: F811
    """C06 with C34, C45, C49, C50, C59: the crawl's traces of Alice (addresses, user agents, a forwarded-for
    header, a referrer, emails, passwords, a search term, a time zone) are in no answer and no feed; a lookup
    of her private value answers as one of an unused value does; C33: the reader's address is on that edit."""
    client = (
        Client(REMOTE_ADDR=CRAWLER_ADDRESS) if persona == "anonymous" else request.getfixturevalue("outsider")
    )
    crawl = Crawl(client, planted.canaries())
    urls = api_and_feed_urls(planted)

    crawl.run(urls)

    problems = list(crawl.problems)
    for private, unused in planted.lookups:
        for url, twin in zip(lookups(private.value), lookups(unused.value), strict=True):
            page, twin_page = crawl.page(url), crawl.page(twin)
            if page is None or twin_page is None:
                problems.append(f"the crawl did not fetch {url} and {twin}")
            elif _strip_dates(_neutral(page, private)) != _strip_dates(_neutral(twin_page, unused)):
                problems.append(f"{url}: answers differently than {twin}, so it reveals {private.what}")
    reader_edit = crawl.page(f"/api/v1/revisions/{planted.reader_revision_id}")
    if reader_edit is None or f'"name": "{READER_ADDRESS}"' not in reader_edit.body:
        problems.append(f"the reader's edit is not attributed to {READER_ADDRESS} in the API (C33)")
    for url in ("/api/v1/history?title=Lighthouse", "/api/v1/contributions?target=Alice"):
        page = crawl.page(url)
        if page is None or READER_ADDRESS in page.body:
            problems.append(f"{url}: not fetched, or shows {READER_ADDRESS}, who did not edit there")
    assert len(crawl.fetched) >= len(set(urls)) > 50
    assert not problems, f"as {persona}, {len(problems)} problems:\n" + "\n".join(problems[:60])


def _strip_dates(neutral: tuple[int, str]) -> tuple[int, str]:
    """A feed's build time is the time of the request, which two lookups need not share."""
    status, text = neutral
    return status, re.sub(r"<(updated|lastbuilddate)>[^<]*</\1>", "", text)
