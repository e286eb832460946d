"""C50: a watchlist is its owner's alone. Watch and unwatch through the page's form; /notify/watchlist shows
the owner's pages with their latest change; nobody else sees it, and no view says who watches a page."""

from tests.steps import save


def _page(editor, name="Harbour", text="The harbour."):
    save(editor, name, text)


def test_a_logged_in_reader_watches_and_unwatches_a_page_from_its_tabs(editor, watcher):
    _page(editor)
    page = watcher.get("/wiki/Harbour")
    assert b'action="/notify/watch"' in page.content and b">Watch</button>" in page.content

    response = watcher.post("/notify/watch", {"title": "Harbour", "watch": "1"})
    assert response.status_code == 302 and response["Location"] == "/wiki/Harbour"
    assert b">Unwatch</button>" in watcher.get("/wiki/Harbour").content
    listing = watcher.get("/notify/watchlist")
    assert b"Harbour" in listing.content and b"Alice" in listing.content  # the latest change, by whom

    watcher.post("/notify/watch", {"title": "Harbour", "watch": "0"})
    assert b"Harbour" not in watcher.get("/notify/watchlist").content


def test_an_anonymous_reader_gets_no_watch_form_and_no_cookie(editor, reader):
    """C20: the form needs CSRF, so it is shown only to the logged in."""
    _page(editor)
    response = reader.get("/wiki/Harbour")
    assert b"/notify/watch" not in response.content
    assert not response.cookies


def test_nobody_else_sees_a_watchlist(editor, watcher, outsider):
    """C50: Bob sees his own empty list; no route names who watches Harbour."""
    _page(editor)
    watcher.post("/notify/watch", {"title": "Harbour", "watch": "1"})
    own = outsider.get("/notify/watchlist")
    assert own.status_code == 200 and b"Harbour" not in own.content
    assert b"Wendy" not in outsider.get("/wiki/Harbour").content


def test_naming_another_person_in_the_request_still_shows_only_ones_own_watchlist(
    editor, watcher, watcher_account, outsider
):
    """C60: Bob asks for Wendy's watchlist by name and by id; he gets his own, empty one."""
    _page(editor)
    watcher.post("/notify/watch", {"title": "Harbour", "watch": "1"})

    for query in (
        "user=Wendy",
        "username=Wendy",
        f"user_id={watcher_account.pk}",
        f"id={watcher_account.pk}",
    ):
        response = outsider.get(f"/notify/watchlist?{query}")
        assert response.status_code == 200 and b"Harbour" not in response.content, query
    assert b"Harbour" in watcher.get("/notify/watchlist").content


def test_the_anonymous_are_sent_to_log_in(reader):
    for url in ("/notify/", "/notify/watchlist", "/notify/settings"):
        response = reader.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login")
    assert reader.post("/notify/watch", {"title": "Harbour"}).status_code == 302


def test_the_owner_pages_are_never_cached_nor_indexed(watcher):
    response = watcher.get("/notify/watchlist")
    assert "no-store" in response["Cache-Control"] or "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_watching_a_page_that_does_not_exist_is_refused(watcher):
    assert watcher.post("/notify/watch", {"title": "Nowhere"}).status_code == 400
    assert watcher.get("/notify/watch").status_code == 405
