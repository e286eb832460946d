"""A reader with no account reads a page, edits it, and finds the edit under their IP address."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reader_without_account_edits_and_is_credited_to_their_address(
    page, live_server, editor_account, write_page
):
    """C20 read without an account or a cookie, C21 edit without one, C35 warned before the address is
    published, C33/C32 the logged-out edit is attributed publicly, in the history, to the IP address."""
    write_page(
        "Harbour Lighthouse", "The lighthouse was built in 1874.", by=editor_account, summary="new page"
    )
    article_url = f"{live_server.url}/wiki/Harbour_Lighthouse"

    response = page.goto("/wiki/Harbour_Lighthouse")
    assert response.status == 200
    expect(page).to_have_url(article_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Harbour Lighthouse")
    expect(page.locator("article")).to_have_text("The lighthouse was built in 1874.")
    expect(page.locator("input[type=password]")).to_have_count(0)
    expect(page.locator("header.site")).to_contain_text("Not logged in")
    assert page.context.cookies() == [], "reading a page set a cookie"

    page.locator("nav.tabs").get_by_role("link", name="Edit").click()
    warning = page.locator("#ip-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("your IP address, 127.0.0.1, will be published")
    expect(warning.get_by_role("link", name="Log in")).to_have_attribute(
        "href", re.compile(r"^/accounts/login\?next=")
    )

    page.get_by_label("Page text").fill("The lighthouse was built in 1874 and automated in 1961.")
    page.get_by_label("Summary").fill("automation date")
    page.get_by_role("button", name="Save changes").click()

    expect(page).to_have_url(article_url)
    expect(page.locator("article")).to_have_text("The lighthouse was built in 1874 and automated in 1961.")

    page.locator("nav.tabs").get_by_role("link", name="History").click()
    rows = page.locator("table.listing tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("automation date")
    expect(rows.first.get_by_role("link", name="127.0.0.1")).to_have_attribute(
        "href", "/wiki/Special:Contributions/127.0.0.1"
    )
    expect(rows.last.get_by_role("link", name="Alice")).to_be_visible()
