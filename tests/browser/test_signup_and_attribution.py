"""A reader signs up with a username and a password only, and from then on edits under that username."""

import pytest
from playwright.sync_api import expect

from tests.steps import EDITOR_ADDRESS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_signup_needs_no_email_and_edits_then_show_the_username_not_the_address(
    page, live_server, editor_account, write_page
):
    """C22 an account needs only a username and a password, C23 warned that the username is public,
    C35 no address warning once logged in, C32 the edit is credited to the username, C34 and a logged-in
    editor's IP address is never published (history, recent changes, contributions)."""
    write_page("Tide Tables", "High water at 06:12.", by=editor_account, summary="new page")

    page.goto("/accounts/signup?next=/wiki/Tide_Tables")
    warning = page.locator("#username-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Your username will be public.")
    page.get_by_label("Username").fill("Reader")
    page.get_by_label("Password").fill("gulls-over-the-breakwater")
    email = page.get_by_label("Email address (optional)")
    expect(email).to_have_value("")
    assert email.evaluate("input => input.required") is False
    page.get_by_role("button", name="Create account").click()

    expect(page).to_have_url(f"{live_server.url}/wiki/Tide_Tables")
    header = page.locator("header.site")
    expect(header.get_by_role("link", name="Reader")).to_be_visible()
    expect(header.get_by_role("button", name="Log out")).to_be_visible()
    expect(header).not_to_contain_text("Not logged in")

    page.locator("nav.tabs").get_by_role("link", name="Edit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Editing Tide Tables")
    expect(page.locator("#ip-warning")).to_have_count(0)
    page.get_by_label("Page text").fill("High water at 06:12 and 18:31.")
    page.get_by_label("Summary").fill("evening tide")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("article")).to_have_text("High water at 06:12 and 18:31.")

    page.locator("nav.tabs").get_by_role("link", name="History").click()
    newest = page.locator("table.listing tbody tr").first
    expect(newest).to_contain_text("evening tide")
    expect(newest.get_by_role("link", name="Reader")).to_have_attribute("href", "/wiki/User:Reader")
    assert_no_private_address(page)

    page.goto("/wiki/Special:RecentChanges")
    expect(page.locator("table.listing")).to_contain_text("evening tide")
    assert_no_private_address(page)

    page.goto("/wiki/Special:Contributions/Reader")
    expect(page.get_by_role("heading", level=1)).to_have_text("Contributions of Reader")
    expect(page.locator("table.listing")).to_contain_text("evening tide")
    assert_no_private_address(page)


def assert_no_private_address(page):
    """Neither the signed-up reader's address nor the editor's is anywhere in the page's HTML."""
    html = page.content()
    assert "127.0.0.1" not in html, page.url
    assert EDITOR_ADDRESS not in html, page.url
