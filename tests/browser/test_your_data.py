"""C109: a person asks for a copy of their data with their password, the job builds it, and they download
it once from their own page; the link is then spent. C27: a person's user page, deleted at their request."""

import json
import re
import zipfile
from base64 import b32decode

import pytest
from django_otp.oath import totp
from huey.contrib.djhuey import HUEY
from playwright.sync_api import expect

from candor.accounts.actions import do_accept_access_policy, do_change_email, do_grant_role
from candor.privacy.capture import RequestMeta
from candor.privacy.roles import Role
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


def _log_in(page, username: str, next_url: str = "/") -> None:
    page.goto(f"/accounts/login?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_user_page_deleted_at_its_owners_request_does_not_exist(new_page, make_account, write_page):
    """C27: Erin asks from her page, Stella the steward approves in the queue (second factor and all), and a
    reader then finds "does not exist" where Erin's user page was, and the deletion in the public log."""
    erin = make_account("Erin")
    write_page("User:Erin", "Erin's canary: I live by lock 12.", by=erin)
    stella = make_account("Stella")
    do_grant_role(target=stella, role=Role.STEWARD, reason="Appointed steward")
    do_accept_access_policy(stella)

    asking = new_page()
    _log_in(asking, "Erin", "/yourdata/")
    form = asking.locator("form[action='/yourdata/delete-user-page']")
    form.get_by_label(re.compile("Your password")).fill(PASSWORD)
    form.get_by_role("button", name="Ask for my user pages to be deleted").click()
    expect(asking.locator("main")).to_contain_text("Your request is with the stewards.")
    expect(asking.locator("table.requests tbody tr").first).to_contain_text("Identity confirmed")

    steward = new_page()
    _log_in(steward, "Stella", "/yourdata/queue")
    steward.get_by_role("link", name="Enter your code").click()
    secret = steward.locator("#totp-secret").inner_text()
    steward.get_by_label("Six-digit code from your authenticator app").fill(f"{totp(b32decode(secret)):06d}")
    steward.get_by_role("button", name="Verify").click()
    row = steward.locator("table.queue tbody tr", has_text="Erin")
    row.get_by_role("button", name="Approve: deletion of your user pages").click()
    expect(steward.locator("main")).to_contain_text("Deleted 1 user page")

    reader = new_page()
    reader.goto("/wiki/User:Erin")
    expect(reader.locator("main")).to_contain_text("does not exist")
    expect(reader.locator("main")).not_to_contain_text("lock 12")
    reader.goto("/wiki/Special:Log/delete")
    expect(reader.locator("main")).to_contain_text("At the user's request")
