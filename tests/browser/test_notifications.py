"""Wendy watches a page from its Watch button; when Alice edits it, Wendy finds the change among her
notifications, and chooses on her settings page which kinds she gets on the site and by email (C50, C71)."""

import pytest
from playwright.sync_api import expect

from candor.notify.models import Channel, Kind, NotificationSwitch
from tests.steps import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("jobs", "privacy_policy"),
]


def test_a_watched_page_edited_by_another_shows_up_in_the_watchers_notifications(
    page, make_account, editor_account, write_page
):
    """C50: the watchlist and the notifications are Wendy's alone; C71: she switches a kind off the site."""
    write_page("Harbour", "The harbour.", by=editor_account)
    make_account("Wendy")

    page.goto("/accounts/login?next=/wiki/Harbour")
    page.get_by_label("Username").fill("Wendy")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Watch").click()
    expect(page.get_by_role("button", name="Unwatch")).to_be_visible()

    write_page("Harbour", "The harbour, with a new pier.", by=editor_account, summary="pier")
    page.locator("header.site").get_by_role("link", name="Notifications").click()
    item = page.locator("ul.notifications li").first
    expect(item).to_contain_text("A page on your watchlist was edited")
    expect(item).to_have_class("unread")
    item.get_by_role("link", name="Harbour").click()
    expect(page.locator("main")).to_contain_text("new pier")

    page.goto("/notify/settings")
    email = page.get_by_label("A page on your watchlist was edited, by email")
    on_site = page.get_by_label("A page on your watchlist was edited, on the site")
    expect(email).not_to_be_checked()  # email is off until chosen
    expect(on_site).to_be_checked()
    on_site.uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_label("A page on your watchlist was edited, on the site")).not_to_be_checked()
    assert NotificationSwitch.objects.get(kind=Kind.WATCHED_PAGE_EDITED, channel=Channel.WEB).enabled is False

    write_page("Harbour", "The harbour, with a lighthouse.", by=editor_account)
    page.goto("/notify/")
    expect(page.locator("main")).to_contain_text("You have no notifications.")
