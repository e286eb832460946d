"""C27: Alice blanks her user page and her user talk page; their current view shows nothing of the old
content, and the history keeps every revision attributed, as for every page."""

from candor.wiki.models import Revision
from tests.steps import save
from tests.yourdata.conftest import logged_in


def test_blanking_empties_the_current_user_pages(alice, outsider):
    save(outsider, "User_talk:Alice", "A private-ish note about a canal meeting.")
    client = logged_in(alice.user)
    response = client.post("/yourdata/blank-user-page", follow=True)
    assert "Your user page is blank." in response.content.decode()
    for title, old in (("User:Alice", "I write about canals"), ("User_talk:Alice", "canal meeting")):
        page = client.get(f"/wiki/{title}").content.decode()
        assert old not in page, title
    assert Revision.objects.filter(page__title="Alice", text="").count() == 2
    again = client.post("/yourdata/blank-user-page", follow=True)
    assert "already empty" in again.content.decode()
