"""Carol switches on news and survey mail in her preferences, then withdraws one; each choice is a record of
its own with the notice she was shown (C67, C68, C74)."""

import pytest
from playwright.sync_api import expect

from candor.privacy.consent import NOTICES, Consent, Purpose
from tests.steps import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("privacy_policy"),
]


def test_consent_to_news_and_surveys_is_granted_and_withdrawn_on_the_preferences_page(page, make_account):
    carol = make_account("Carol")

    page.goto("/accounts/login?next=/accounts/preferences")
    page.get_by_label("Username").fill("Carol")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    news = page.get_by_label(Purpose.NEWS.label)
    surveys = page.get_by_label(Purpose.SURVEYS.label)
    expect(news).not_to_be_checked()  # C68: off until switched on
    expect(surveys).not_to_be_checked()
    expect(page.locator("main")).to_contain_text(NOTICES[Purpose.NEWS].text)

    news.check()
    surveys.check()
    page.get_by_role("button", name="Save what I receive").click()
    expect(page.locator("main")).to_contain_text("Saved.")
    expect(page.get_by_label(Purpose.NEWS.label)).to_be_checked()
    expect(page.get_by_label(Purpose.SURVEYS.label)).to_be_checked()

    page.get_by_label(Purpose.NEWS.label).uncheck()
    page.get_by_role("button", name="Save what I receive").click()
    expect(page.get_by_label(Purpose.NEWS.label)).not_to_be_checked()
    expect(page.get_by_label(Purpose.SURVEYS.label)).to_be_checked()

    records = list(Consent.objects.filter(user=carol).order_by("at", "id").values_list("purpose", "granted"))
    assert records == [(Purpose.NEWS, True), (Purpose.SURVEYS, True), (Purpose.NEWS, False)]
    news_grant = Consent.objects.filter(user=carol, purpose=Purpose.NEWS).first()
    assert news_grant.notice_text == NOTICES[Purpose.NEWS].text
