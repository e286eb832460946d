"""Issue 19 §2; C20, C34, C99: what a shared front cache may keep. Public pages, histories, old revisions,
diffs and raw text read anonymously are `public, s-maxage`, with an ETag and Last-Modified that answer
conditional requests with 304; anything rendered for a logged-in person, or for a request carrying a
cookie, is `private, no-store`, so that it never reaches another reader through the cache."""

import pytest
from django.test import Client

from candor.accounts.actions import do_grant_role
from candor.privacy import roles
from tests.steps import READER_ADDRESS, save, shared_views


@pytest.fixture
def quay(editor):
    return shared_views(editor, "Quay", "Stone quay.", "Stone quay, rebuilt.")


PUBLIC_VIEWS = ["page", "history", "old revision", "diff", "raw"]


def _directives(response) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


@pytest.mark.parametrize("view", PUBLIC_VIEWS)
def test_an_anonymous_reader_gets_a_shareable_copy_without_a_cookie(reader, quay, view, settings):
    """C20: a reader with no account and no cookie gets a copy a front cache may keep for the configured
    seconds, which the browser revalidates, varied by language and cookie, and no cookie is set."""
    settings.CANDOR_FRONT_CACHE_SECONDS = 45
    response = reader.get(quay[view])

    assert response.status_code == 200
    assert _directives(response) >= {"public", "s-maxage=45", "max-age=0", "must-revalidate"}
    assert "private" not in _directives(response)
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in response["Vary"].split(",")}
    assert not response.cookies and "Set-Cookie" not in response


@pytest.mark.parametrize("view", PUBLIC_VIEWS)
def test_a_cache_revalidating_its_copy_gets_304_until_the_page_changes(reader, editor, quay, view):
    """C20: the anonymous copy names its version (ETag, Last-Modified: the newest revision it shows); asked
    again with either, the wiki answers 304 without a body, still shareable. After an edit, the page, its
    history and its raw text answer the old ETag with the new version."""
    first = reader.get(quay[view])
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('"') and modified.endswith("GMT")

    by_etag = reader.get(quay[view], headers={"If-None-Match": etag})
    by_date = reader.get(quay[view], headers={"If-Modified-Since": modified})
    for answer in (by_etag, by_date):
        assert answer.status_code == 304 and answer.content == b""
        assert answer["ETag"] == etag and "public" in _directives(answer)

    save(editor, "Quay", "Stone quay, rebuilt and widened.")
    again = reader.get(quay[view], headers={"If-None-Match": etag})
    if view in {"page", "history", "raw"}:
        assert again.status_code == 200 and again["ETag"] != etag
        assert b"widened" in again.content or view == "history"
    else:  # an old revision and a diff between two old revisions do not change
        assert again.status_code == 304


@pytest.mark.parametrize("view", PUBLIC_VIEWS)
def test_a_logged_in_editor_never_gets_a_304_for_the_anonymous_copy(reader, editor, quay, view):
    """C34: the page Alice sees is rendered for her, whatever version her cache claims to hold."""
    etag = reader.get(quay[view])["ETag"]
    response = editor.get(quay[view], headers={"If-None-Match": etag})

    assert response.status_code == 200 and "ETag" not in response


@pytest.mark.parametrize("view", PUBLIC_VIEWS)
def test_what_a_logged_in_editor_sees_never_enters_a_shared_cache(editor, quay, view):
    """C34, C99: the page rendered for Alice (her name, her links, a logout form) is private, no-store."""
    response = editor.get(quay[view])

    assert response.status_code == 200
    assert {"private", "no-store"} <= _directives(response)
    assert "public" not in _directives(response) and "s-maxage" not in response["Cache-Control"]


def test_a_checkuser_page_is_private(make_account, quay):
    """C99: a CheckUser's rendering of a public page, and the CheckUser tool itself, stay out of any cache."""
    dave = make_account("Dave")
    do_grant_role(target=dave, role=roles.Role.CHECKUSER, reason="Elected by the community")
    client = Client(REMOTE_ADDR="192.0.2.70")
    client.force_login(dave)

    for url in [quay["page"], "/accounts/checkuser"]:
        response = client.get(url)
        assert "public" not in _directives(response) and "private" in _directives(response), url


def test_a_reader_carrying_a_cookie_gets_a_private_copy(reader, quay, settings):
    """The language picker's cookie (or any other) makes the response personal: private, no-store."""
    reader.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = reader.get(quay["page"])

    assert response.status_code == 200
    assert {"private", "no-store"} <= _directives(response)


def test_the_edit_form_a_save_and_a_missing_page_are_not_shared(quay):
    """The edit form sets the CSRF cookie and shows the reader's IP (C35): never shared; nor is a save's
    answer or a 404, which would outlive the page's creation."""
    reader = Client(REMOTE_ADDR=READER_ADDRESS)
    form = reader.get("/wiki/Quay?action=edit")
    assert {"private", "no-store"} <= _directives(form)

    saved = save(Client(REMOTE_ADDR=READER_ADDRESS), "Quay", "Stone quay, rebuilt twice.")
    assert saved.status_code == 303 and "public" not in _directives(saved)

    missing = Client(REMOTE_ADDR=READER_ADDRESS).get("/wiki/No_such_quay")
    assert missing.status_code == 404 and {"private", "no-store"} <= _directives(missing)


def test_recent_changes_and_search_keep_the_safe_default(reader, quay):
    """Views that did not opt in (special pages, search) are private, no-store: the protective default."""
    for url in ["/wiki/Special:RecentChanges", "/wiki/Special:Search?search=quay"]:
        response = reader.get(url)
        assert response.status_code == 200, url
        assert {"private", "no-store"} <= _directives(response), url
