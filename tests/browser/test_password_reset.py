"""A person who forgot their password asks for a reset, follows the mailed link, chooses a new password
and logs in with it (C101, C102)."""

import re

import pytest
from django.core import mail as outbox
from playwright.sync_api import expect

from candor.accounts.actions import do_create_account, do_verify_email
from candor.accounts.mail import verification_token
from candor.privacy.capture import RequestMeta

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("jobs")]

NEW_PASSWORD = "a lighthouse keeper's new passphrase"


def test_a_forgotten_password_is_reset_through_a_mailed_link(page, live_server):
    meta = RequestMeta.from_address("192.0.2.9")
    carol = do_create_account(
        username="Carol", password="old passphrase here", email="carol@example.org", meta=meta
    )
    do_verify_email(verification_token(carol), meta)
    outbox.outbox.clear()

    page.goto("/accounts/login")
    page.get_by_role("link", name=re.compile("forgot", re.IGNORECASE)).click()
    page.get_by_label(re.compile("username or", re.IGNORECASE)).fill("carol@example.org")
    page.get_by_role("button", name=re.compile("send", re.IGNORECASE)).click()
    expect(page.locator("main")).to_contain_text("a link to choose a new password")

    (message,) = outbox.outbox
    assert "old passphrase here" not in message.body
    link = re.search(r"/accounts/password-reset/confirm\?\S+", message.body).group(0)
    page.goto(link)
    page.get_by_label(re.compile("new password", re.IGNORECASE)).fill(NEW_PASSWORD)
    page.get_by_role("button", name=re.compile("password", re.IGNORECASE)).click()

    page.goto("/accounts/login")
    page.get_by_label("Username").fill("Carol")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("header.site").get_by_role("link", name="Carol")).to_be_visible()

    page.goto(link)  # the link is spent
    expect(page.locator("main")).to_contain_text("expired or was already used")
