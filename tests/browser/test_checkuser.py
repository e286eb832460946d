"""A CheckUser, in a browser, logs in, passes the second factor, accepts the access policy, gives a reason
and sees an account's recent addresses; every step is on the privileged-access log."""

import base64

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from candor.accounts.actions import do_create_account, do_grant_role
from candor.privacy import audit
from candor.privacy.capture import RequestMeta
from candor.privacy.roles import Role
from tests.steps import EDITOR_ADDRESS, PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_checkuser_passes_every_gate_and_sees_an_accounts_recent_addresses(
    page, editor_account, write_page
):
    """C87, C88, C90, and the second factor: the whole path a CheckUser walks."""
    write_page("Harbour", "Alice's edit.", by=editor_account)
    dave = do_create_account(username="Dave", password=PASSWORD, meta=RequestMeta.from_address("192.0.2.70"))
    do_grant_role(target=dave, role=Role.CHECKUSER, reason="Elected by the community")

    page.goto("/accounts/login?next=/accounts/checkuser")
    page.get_by_label("Username").fill("Dave")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("Accept the access policy")

    page.get_by_role("link", name="Read and accept the access policy").click()
    expect(page.locator("#access-policy")).to_contain_text("never out of curiosity")
    page.get_by_role("button", name="I accept this policy").click()
    expect(page.get_by_role("alert")).to_contain_text("second factor")

    page.get_by_role("link", name="Enter your code").click()
    secret = page.locator("#totp-secret").inner_text()  # what a person types into an authenticator app
    code = f"{totp(base64.b32decode(secret)):06d}"
    page.get_by_label("Six-digit code from your authenticator app").fill(code)
    page.get_by_role("button", name="Verify").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("CheckUser")
    page.get_by_label("Account").fill("Alice")
    page.get_by_label("Reason for this lookup").fill("Possible sockpuppet of a blocked account, case 7")
    page.get_by_role("button", name="Look up").click()

    expect(page.locator("#checkuser-results")).to_contain_text(EDITOR_ADDRESS)
    kinds = list(audit.AccessLogEntry.objects.order_by("id").values_list("event_type", flat=True))
    assert kinds == ["policy_accepted", "second_factor", "lookup_account"]
    assert audit.verify().ok
