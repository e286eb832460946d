"""A substantial change of the privacy policy, in a browser, from proposal to effect (C114-C121): the
administrator drafts it in English, adds two translations, announces it; a reader follows the site notice
and reads the proposal; Bob comments; after the 30-day period the administrator adopts it; on its effective
date /privacy shows it and the archive closes version 1's range.

The live server answers in another thread, so the clock is moved for every thread at once: `clock.now` is
replaced for the story, instead of `clock.frozen_at`, which holds for the calling thread only.
"""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from candor.accounts.actions import do_create_account, do_grant_role
from candor.governance.queries import forget_notices
from candor.privacy import clock
from candor.privacy.capture import RequestMeta
from candor.privacy.roles import Role
from tests.steps import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY_0 = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def move_clock(monkeypatch):
    def to_day(number: int) -> None:
        moment = DAY_0 + timedelta(days=number)
        monkeypatch.setattr(clock, "now", lambda: moment)
        forget_notices()

    yield to_day
    forget_notices()


def log_in(page, username: str, next_path: str) -> None:
    page.goto(f"/accounts/login?next={next_path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_substantial_change_goes_from_proposal_to_effect(new_page, privacy_policy, move_clock):
    move_clock(0)
    meta = RequestMeta.from_address("192.0.2.80")
    ada = do_create_account(username="Ada", password=PASSWORD, meta=meta)
    do_grant_role(target=ada, role=Role.ADMINISTRATOR, reason="Elected by the community")
    do_create_account(username="Bob", password=PASSWORD, meta=meta)

    admin = new_page()
    log_in(admin, "Ada", "/governance/policy")
    admin.get_by_label("Kind").select_option("substantial")
    admin.get_by_label("Summary").fill("Addresses are kept for 60 days")
    admin.get_by_label("Full English text").fill("# Privacy policy\n\nWe keep addresses for 60 days.\n")
    admin.get_by_role("button", name="Save draft").click()
    for code, text in (
        ("fr", "Nous gardons les adresses 60 jours."),
        ("es", "Guardamos las direcciones 60 días."),
    ):
        admin.get_by_label("Language code").fill(code)
        admin.get_by_label("Translated text").fill(text)
        admin.get_by_role("button", name="Add translation").click()
    admin.get_by_label("Comments close on").fill("2027-03-31")
    admin.get_by_role("button", name="Announce and open comments").click()
    expect(admin.locator("#version-2")).to_contain_text("Proposed, open for comment")

    move_clock(10)
    reader = new_page()
    reader.goto("/wiki/Main_Page")
    reader.locator(".site-notice").get_by_role("link").click()
    expect(reader.locator("main")).to_contain_text("We keep addresses for 60 days.")
    reader.get_by_role("link", name="fr", exact=True).click()
    expect(reader.locator("#translation-note")).to_contain_text(
        "the original English version takes precedence"
    )

    bob = new_page()
    log_in(bob, "Bob", "/privacy/versions?number=2")
    bob.get_by_label("Your comment").fill("Why 60 days and not 30?")
    bob.get_by_role("button", name="Post comment").click()
    expect(bob.locator("#comments ~ .comment")).to_contain_text("Why 60 days and not 30?")

    move_clock(31)
    admin.goto("/governance/policy")
    admin.get_by_label("Approved by").fill("Maria Example")
    admin.get_by_label("Effective on").fill("2027-04-10")
    admin.get_by_role("button", name="Adopt").click()
    expect(admin.locator("#version-2")).to_contain_text("Adopted")

    move_clock(39)
    reader.goto("/privacy")
    expect(reader.locator("main")).to_contain_text("It is version 1,")
    expect(reader.locator(".site-notice")).to_contain_text("takes effect on 2027-04-10")

    move_clock(40)
    reader.goto("/privacy")
    expect(reader.locator("main")).to_contain_text("We keep addresses for 60 days.")
    expect(reader.locator("#approval")).to_contain_text("approved by Maria Example on April 1, 2027")
    expect(reader.locator(".archive")).to_contain_text("effective from 2018-05-24 until 2027-04-10")
