"""A reader switches Candor to Arabic from the footer and edits a page without an account (issue 17)."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _screenshot_dir(tmp_path: Path) -> Path:
    """Screenshots go to CANDOR_SCREENSHOT_DIR when set (to look at them), else to the test's temporary
    directory: never into the repository."""
    directory = Path(os.environ.get("CANDOR_SCREENSHOT_DIR") or tmp_path)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def test_reader_switches_to_arabic_and_edits_logged_out_seeing_the_ip_warning_in_arabic(
    page, live_server, editor_account, write_page, privacy_policy, tmp_path
):
    """C51, C57: the footer picker sets the declared cookie and the interface turns Arabic and right to left;
    C35, C36: the warning that the IP address will be published is shown in Arabic before saving; C33: the
    edit is attributed to the address; C12: the policy page says the English original is what it shows."""
    shots = _screenshot_dir(tmp_path)
    write_page("Main Page", "Welcome to Candor, the wiki anyone can edit.", by=editor_account)

    page.goto("/wiki/Main_Page")
    assert page.context.cookies() == [], "reading a page set a cookie"
    page.locator("#footer-language").select_option("ar")
    page.get_by_role("button", name="Change language").click()

    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    assert [cookie["name"] for cookie in page.context.cookies()] == ["candor_language"]
    expect(page.locator("header.site")).to_contain_text("غير مسجّل الدخول")
    page.screenshot(path=str(shots / "arabic-main-page.png"), full_page=True)

    page.locator("nav.tabs").get_by_role("link", name="تعديل").click()
    warning = page.locator("#ip-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("أنت غير مسجّل الدخول.")
    expect(warning).to_contain_text("127.0.0.1")
    expect(warning.get_by_role("link", name="سجّل الدخول")).to_be_visible()
    page.screenshot(path=str(shots / "arabic-edit-form.png"), full_page=True)

    page.get_by_label("نص الصفحة").fill("Welcome to Candor. مرحبًا بكم.")
    page.get_by_label("الملخص").fill("تحية")
    page.get_by_role("button", name="احفظ التغييرات").click()

    expect(page.locator("article")).to_contain_text("مرحبًا بكم.")
    page.locator("nav.tabs").get_by_role("link", name="التاريخ").click()
    rows = page.locator("table.listing tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first.get_by_role("link", name="127.0.0.1")).to_be_visible()

    page.goto("/privacy")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("footer.site")).to_contain_text("سياسة الخصوصية")
    page.screenshot(path=str(shots / "arabic-policy-page.png"))
