"""Alice writes to Dana through Candor's "email this user" form; the message arrives at Dana's address on a
real SMTP server, and nothing Alice sees or receives carries Dana's address (C65, C66)."""

from email import message_from_bytes

import pytest
from playwright.sync_api import expect

from candor.accounts.actions import do_set_accepts_user_email
from candor.privacy.capture import RequestMeta
from tests.steps import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("privacy_policy"),
]

DANA_ADDRESS = "dana-canary-41@example.org"
BODY = "Shall we fix the harbour article together?"


@pytest.fixture
def alice_and_dana(make_confirmed_account):
    """Both confirmed their addresses; Dana lets other users email her."""
    alice = make_confirmed_account("Alice", "alice-sender@example.org")
    dana = make_confirmed_account("Dana", DANA_ADDRESS)
    do_set_accepts_user_email(dana, True, RequestMeta.from_address("192.0.2.71"))
    return alice, dana


def test_a_message_reaches_the_recipient_over_smtp_without_showing_her_address(
    page, alice_and_dana, smtp_server
):
    page.goto("/accounts/login?next=/accounts/email-user?to=Dana")
    page.get_by_label("Username").fill("Alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("main")).to_contain_text("outside Candor's privacy policy")  # C66, said on the form
    expect(page.get_by_label("To (username)")).to_have_value("Dana")
    page.get_by_label("Subject").fill("The harbour article")
    page.get_by_label("Message").fill(BODY)
    page.get_by_role("button", name="Send").click()

    expect(page.locator("main")).not_to_contain_text(DANA_ADDRESS)
    assert DANA_ADDRESS not in page.content()
    ((recipients, raw),) = smtp_server.messages
    message = message_from_bytes(raw)
    assert recipients == [DANA_ADDRESS]
    assert BODY in message.get_payload(decode=True).decode()
    assert message["Reply-To"] is None  # Alice did not tick the box: her address is not revealed either
