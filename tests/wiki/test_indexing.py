"""C37: content pages may be indexed by search engines; private pages ask for login and are never indexed."""

import pytest

from tests.steps import save


def _asks_not_to_be_indexed(response) -> bool:
    return "noindex" in response.get("X-Robots-Tag", "") or "noindex" in response.content.decode()


def test_an_article_its_history_and_recent_changes_may_be_indexed(reader, editor):
    save(editor, "Harbour", "Boats.")

    for url in ("/wiki/Harbour", "/wiki/Harbour?action=history", "/wiki/Special:RecentChanges"):
        response = reader.get(url)
        assert response.status_code == 200 and not _asks_not_to_be_indexed(response), url


@pytest.mark.parametrize("url", ["/notify/watchlist", "/notify/", "/accounts/preferences", "/yourdata/"])
def test_private_pages_need_a_login_and_ask_not_to_be_indexed(reader, editor, url):
    anonymous = reader.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login")

    own = editor.get(url)
    assert own.status_code == 200 and _asks_not_to_be_indexed(own)
