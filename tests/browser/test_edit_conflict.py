"""Two readers edit the same page at once: the second is shown the conflict and loses nothing."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_second_saver_sees_the_conflict_with_their_text_kept_and_can_save_again(
    new_page, live_server, editor_account, write_page
):
    """C31 every change is kept: the second saver is not silently overwritten nor overwriting, keeps their
    text, sees what the first saved, and after merging both edits stand in the public history."""
    write_page("Ferry Timetable", "The ferry leaves at nine.", by=editor_account, summary="new page")
    reader, outsider = new_page(), new_page()
    for person in (reader, outsider):
        person.goto("/wiki/Ferry_Timetable?action=edit")
        expect(person.get_by_label("Page text")).to_have_value("The ferry leaves at nine.")

    reader.get_by_label("Page text").fill("The ferry leaves at nine and at noon.")
    reader.get_by_label("Summary").fill("noon sailing")
    reader.get_by_role("button", name="Save changes").click()
    expect(reader.locator("article")).to_have_text("The ferry leaves at nine and at noon.")

    outsider_text = "The ferry leaves at nine, except on Sundays."
    outsider.get_by_label("Page text").fill(outsider_text)
    outsider.get_by_label("Summary").fill("Sunday service")
    outsider.get_by_role("button", name="Save changes").click()

    conflict = outsider.locator("#edit-conflict")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("Edit conflict.")
    expect(conflict).to_contain_text("The ferry leaves at nine and at noon.")
    expect(outsider.get_by_label("Page text")).to_have_value(outsider_text)
    expect(outsider.get_by_label("Summary")).to_have_value("Sunday service")

    outsider.get_by_label("Page text").fill("The ferry leaves at nine and at noon, except on Sundays.")
    outsider.get_by_role("button", name="Save changes").click()
    expect(outsider).to_have_url(f"{live_server.url}/wiki/Ferry_Timetable")
    expect(outsider.locator("article")).to_have_text(
        "The ferry leaves at nine and at noon, except on Sundays."
    )

    outsider.locator("nav.tabs").get_by_role("link", name="History").click()
    rows = outsider.locator("table.listing tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Sunday service")
    expect(rows.nth(1)).to_contain_text("noon sailing")
    expect(rows.nth(2)).to_contain_text("new page")
