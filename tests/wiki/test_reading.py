"""C20: every public view is served to a client with no account, no cookie and no session."""

import pytest

from tests.steps import revisions_of, save


@pytest.fixture
def small_wiki(reader, editor):
    save(editor, "Lighthouse", "A tower with a **lamp**.", "new page")
    save(reader, "Lighthouse", "A tower with a **lamp** and a keeper.", "keeper")
    save(editor, "Talk:Lighthouse", "Is the keeper still there?", "question")


PUBLIC_VIEWS = [
    ("/wiki/Lighthouse", "and a keeper"),
    ("/wiki/Lighthouse?action=history", "keeper"),
    ("/wiki/Lighthouse?action=raw", "A tower with a **lamp** and a keeper."),
    ("/wiki/Talk:Lighthouse", "Is the keeper still there?"),
    ("/wiki/Special:RecentChanges", "Lighthouse"),
    ("/wiki/Special:Contributions/Alice", "Lighthouse"),
    pytest.param("/wiki/Special:Contributions/203.0.113.9", "Lighthouse", marks=pytest.mark.ip_attribution),
    ("/wiki/Special:Search?q=keeper", "Lighthouse"),
    ("/wiki/Special:Log", "Alice"),
    ("/wiki/Special:Log/newusers", "Alice"),
    ("/privacy", "by using wikimedia sites, you consent to this policy"),
]


@pytest.mark.parametrize(("url", "expected"), PUBLIC_VIEWS)
def test_public_views_need_no_account_and_set_no_cookie(client, small_wiki, url, expected):
    response = client.get(url)

    assert response.status_code == 200
    assert expected in response.content.decode()
    assert not response.cookies, f"{url} set {list(response.cookies)}"
    assert "sessionid" not in client.cookies


def test_old_revisions_and_diffs_need_no_account(client, small_wiki):
    first, second = (revision.id for revision in revisions_of("Lighthouse"))

    old = client.get(f"/wiki/Lighthouse?oldid={first}")
    diff = client.get(f"/wiki/Lighthouse?diff={second}&oldid={first}")

    assert old.status_code == 200 and "old revision" in old.content.decode()
    assert "and a keeper" not in old.content.decode()
    assert diff.status_code == 200 and "and a keeper" in diff.content.decode()
    assert not old.cookies and not diff.cookies


def test_root_leads_to_the_main_page(client, db):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/wiki/Main_Page"


def test_a_missing_page_offers_to_create_it_without_an_account(client, db):
    response = client.get("/wiki/No_such_page")

    assert response.status_code == 404
    assert "/wiki/No_such_page?action=edit" in response.content.decode()
    assert "you do not need an account" in response.content.decode()


def test_raw_text_of_an_old_revision(client, small_wiki):
    first = revisions_of("Lighthouse")[0]

    response = client.get(f"/wiki/Lighthouse?action=raw&oldid={first.id}")

    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == "A tower with a **lamp**."
