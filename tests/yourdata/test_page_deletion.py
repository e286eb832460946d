"""C27: Alice asks for her user pages to be deleted; Stella, a steward, grants it; the public then finds
"does not exist" where the pages were, and the canary crawl of every public view finds nothing of what they
said. The revisions stay in the database (C31), and the public deletion log says who deleted what and why."""

import uuid

import pytest
from django.test import Client
from django.urls import get_resolver

from candor.privacy.audit import AccessEventType, AccessLogEntry
from candor.publiclog.models import LogType, PublicLogEntry
from candor.wiki.models import Page, Revision
from candor.yourdata.models import DataRequest, Kind, State
from tests.privacy.test_canary_crawl import CRAWLER_ADDRESS, Crawl, Planted, start_urls, text_canary
from tests.steps import PASSWORD, save
from tests.yourdata.conftest import logged_in

PAGES = ("User:Alice", "User_talk:Alice", "User:Alice/Diary")


@pytest.fixture
def planted(alice, outsider) -> dict[str, str]:
    """A unique text on each of Alice's user pages (one written by Bob on her talk page), and a word to
    search them by; the edit summaries carry it too, as recent changes and histories show them."""
    word = f"lighthouse{uuid.uuid4().hex[:8]}"
    texts = {}
    for title in PAGES:
        texts[title] = f"{word} {title} canary {uuid.uuid4().hex}"
        author = outsider if title.startswith("User_talk:") else logged_in(alice.user)
        assert save(author, title, texts[title], summary=texts[title]).status_code == 303
    texts["word"] = word
    return texts


def ask(alice, **data):
    return logged_in(alice.user).post(
        "/yourdata/delete-user-page", {"password": PASSWORD, **data}, follow=True
    )


@pytest.fixture
def granted(alice, planted, steward) -> DataRequest:
    assert "Your request is with the stewards." in ask(alice).content.decode()
    request = DataRequest.objects.get(kind=Kind.PAGE_DELETION)
    assert "Deletion of your user pages" in steward.get("/yourdata/queue").content.decode()
    response = steward.post("/yourdata/queue", {"request": request.pk, "decision": "approve"}, follow=True)
    assert "Deleted 3 user pages" in response.content.decode()
    request.refresh_from_db()
    return request


def test_before_the_request_the_public_sees_the_pages(reader, planted):
    """The control for the tests below: the same requests show the planted texts while the pages exist."""
    for title in PAGES:
        assert planted[title] in reader.get(f"/wiki/{title}").content.decode()
    search = reader.get(f"/wiki/Special:Search?q={planted['word']}").content.decode()
    assert planted["User:Alice/Diary"] in search


def test_a_granted_deletion_leaves_does_not_exist_everywhere_the_pages_were(reader, planted, granted):
    assert granted.state == State.COMPLETED and granted.handled_by.username == "Stella"
    for title in PAGES:
        page = reader.get(f"/wiki/{title}")
        assert page.status_code == 404, title
        assert "does not exist" in page.content.decode() and planted[title] not in page.content.decode()
        for query in ("action=raw", "action=history"):
            assert reader.get(f"/wiki/{title}?{query}").status_code == 404, (title, query)
    for revision in Revision.objects.filter(page__title__startswith="Alice"):
        title = revision.page.title_object.display.replace(" ", "_")
        for query in (f"oldid={revision.pk}", f"action=raw&oldid={revision.pk}", f"diff={revision.pk}"):
            assert reader.get(f"/wiki/{title}?{query}").status_code == 404, (title, query)


def test_the_revisions_stay_in_the_database_for_the_record(planted, granted):
    """C31: a deletion hides the history; it does not destroy it."""
    for title in PAGES:
        assert Revision.objects.filter(text=planted[title], page__deleted_at__isnull=False).exists(), title
    assert Page.objects.filter(deleted_by__username="Stella").count() == 3


def test_the_deletion_log_says_what_was_deleted_by_whom_and_why(reader, granted):
    html = reader.get("/wiki/Special:Log/delete").content.decode()
    assert "User:Alice/Diary" in html and "User talk:Alice" in html and "Stella" in html
    assert html.count("At the user&#x27;s request") == 3
    assert PublicLogEntry.objects.filter(log_type=LogType.DELETE, performer__username="Stella").count() == 3


def test_each_move_of_the_request_is_on_the_privileged_access_log(alice, granted):
    moves = AccessLogEntry.objects.filter(
        event_type=AccessEventType.SUBJECT_REQUEST, target=f"user:{alice.user.pk}"
    ).values_list("reason", flat=True)
    assert [move.rsplit(": ", 1)[1] for move in moves if "Deletion of your user pages" in move] == [
        "received",
        "identity confirmed",
        "in progress",
        "completed",
    ]


@pytest.mark.parametrize("persona", ["anonymous", "bob"])
def test_nothing_the_deleted_pages_said_is_anywhere_public(planted, granted, persona, request):
    """The canary crawl of every route and link, with each page's text as a canary, starting from every
    revision of the deleted pages (old versions, raw text, diffs), histories, recent changes, contributions,
    the logs and a search for the pages' word."""
    client = (
        Client(REMOTE_ADDR=CRAWLER_ADDRESS) if persona == "anonymous" else request.getfixturevalue("outsider")
    )
    canaries = [text_canary(f"the text of {title}", planted[title]) for title in PAGES]
    search = f"/wiki/Special:Search?q={planted['word']}"
    crawl = Crawl(client, canaries)
    crawl.run([search, *start_urls(get_resolver().url_patterns, Planted())])

    assert len(crawl.fetched) > 50, "the crawl fetched too little to mean anything"
    deleted = Revision.objects.filter(text=planted["User:Alice/Diary"]).get()
    assert crawl.page(f"/wiki/User:Alice/Diary?oldid={deleted.pk}").status == 404
    for visited in (search, "/wiki/Special:RecentChanges", "/wiki/Special:Contributions/Alice"):
        assert crawl.page(visited).status == 200, visited
    assert not crawl.problems, "\n".join(crawl.problems[:40])


def test_a_refused_request_leaves_the_pages(alice, planted, steward, reader):
    ask(alice)
    request = DataRequest.objects.get(kind=Kind.PAGE_DELETION)
    reason = "Your talk page records a dispute still under discussion."
    steward.post("/yourdata/queue", {"request": request.pk, "decision": "refuse", "reason": reason})

    request.refresh_from_db()
    assert request.state == State.REFUSED
    for title in PAGES:
        assert planted[title] in reader.get(f"/wiki/{title}").content.decode()
    assert reason in logged_in(alice.user).get("/yourdata/").content.decode()
    assert not PublicLogEntry.objects.filter(log_type=LogType.DELETE).exists()


def test_only_the_owner_asks_and_only_a_steward_grants(alice, planted, outsider, reader):
    """Bob cannot name Alice's pages (the form asks for nothing but a password: the pages are the asker's),
    a wrong password asks nothing, and Bob cannot approve Alice's request."""
    bob = outsider.post("/yourdata/delete-user-page", {"password": PASSWORD, "user": "Alice"}, follow=True)
    assert "You have no user page to delete." in bob.content.decode()
    wrong = ask(alice, password="not my password")
    assert "That is not your password." in wrong.content.decode()
    assert not DataRequest.objects.exists()

    ask(alice)
    request = DataRequest.objects.get(kind=Kind.PAGE_DELETION, user=alice.user)
    assert outsider.post("/yourdata/queue", {"request": request.pk, "decision": "approve"}).status_code == 404
    assert planted["User:Alice"] in reader.get("/wiki/User:Alice").content.decode()
    anonymous = Client().post("/yourdata/delete-user-page", {"password": PASSWORD})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login")
    assert DataRequest.objects.count() == 1


def test_anyone_may_start_the_title_again_and_the_deleted_text_stays_hidden(
    planted, granted, outsider, reader
):
    """As in MediaWiki: a new page under the title, with a history of its own."""
    assert save(outsider, "User_talk:Alice", "Welcome back, Alice!").status_code == 303

    page = reader.get("/wiki/User_talk:Alice").content.decode()
    history = reader.get("/wiki/User_talk:Alice?action=history").content.decode()
    assert "Welcome back, Alice!" in page and planted["User_talk:Alice"] not in page
    assert planted["User_talk:Alice"] not in history
    old = Revision.objects.get(text=planted["User_talk:Alice"])
    assert reader.get(f"/wiki/User_talk:Alice?oldid={old.pk}").status_code == 404
    assert reader.get(f"/wiki/User_talk:Alice?diff=cur&oldid={old.pk}").status_code == 404
