"""C109: a person asks for a copy of their data with their password, the job builds it, and they download
it once from their own page; the link is then spent."""

import json
import re
import zipfile

import pytest
from huey.contrib.djhuey import HUEY
from playwright.sync_api import expect

from candor.accounts.actions import do_change_email
from candor.privacy.capture import RequestMeta
from tests.steps import EDITOR_ADDRESS, PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def jobs(monkeypatch, settings, tmp_path):
    """The worker runs the job as soon as the request's transaction commits."""
    monkeypatch.setattr(HUEY, "immediate", True)
    settings.CANDOR_EXPORT_DIR = tmp_path / "exports"


def test_a_copy_of_my_data_is_requested_built_and_downloaded_once(page, make_account, write_page, tmp_path):
    erin = make_account("Erin")
    do_change_email(erin, "erin-canary@example.org", RequestMeta.from_address(EDITOR_ADDRESS))
    write_page("Lock Keepers", "They open the gates.", by=erin)

    page.goto("/accounts/login")
    page.get_by_label("Username").fill("Erin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.locator("header.site").get_by_role("link", name="Your data").click()

    export = page.locator("form[action='/yourdata/export']")
    export.get_by_label(re.compile("Your password")).fill(PASSWORD)
    export.get_by_role("button", name="Request a copy of my data").click()
    expect(page.locator("main")).to_contain_text("Your copy is being prepared")
    row = page.locator("table.requests tbody tr").first
    expect(row).to_contain_text("Completed")

    with page.expect_download() as download:
        row.get_by_role("button", name=re.compile("Download")).click()
    saved = tmp_path / "copy.zip"
    download.value.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        data = json.loads(archive.read("data.json"))
        assert "erin-canary@example.org" in archive.read("index.html").decode()
    assert data["account"] == "Erin"
    assert data["tables"]["accounts.User"]["rows"][0]["email"] == "erin-canary@example.org"
    assert any(row["page"] == "Lock Keepers" for row in data["tables"]["wiki.Revision"]["rows"])

    page.goto("/yourdata/")
    expect(page.locator("table.requests tbody tr").first).to_contain_text("Downloaded")
    expect(page.get_by_role("button", name=re.compile("Download"))).to_have_count(0)
