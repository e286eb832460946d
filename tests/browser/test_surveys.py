"""Erin opens a survey from the survey list, reads how her answers will be used before the form, answers
one question and skips the rest, anonymously; the public results show her answer without her name (C29,
C72, C73)."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from candor.notify.actions import do_publish_survey
from candor.notify.models import Response
from candor.privacy import clock
from tests.steps import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("privacy_policy"),
]

STATEMENT = "Used to plan next year's features; seen by the product team; kept one year."
QUESTIONS = "private: How old are you? | under 18 | 18 to 40 | over 40\npublic: What should we build next?"


def test_a_survey_is_answered_anonymously_with_questions_skipped(page, make_account):
    do_publish_survey(
        "Features survey", STATEMENT, clock.now().date() + datetime.timedelta(days=30), QUESTIONS
    )
    make_account("Erin")

    page.goto("/accounts/login?next=/notify/surveys")
    page.get_by_label("Username").fill("Erin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Features survey").click()

    statement = page.locator("section.statement")
    expect(statement).to_contain_text(STATEMENT)  # C72: said before the form, above its button
    assert (
        statement.bounding_box()["y"] < page.get_by_role("button", name="Send my answers").bounding_box()["y"]
    )
    expect(page.get_by_label(re.compile("Answer anonymously"))).to_be_checked()
    page.get_by_role("group", name=re.compile("What should we build next")).locator("textarea").fill(
        "A tide-table template"
    )
    page.get_by_role("button", name="Send my answers").click()  # the age question is left unanswered (C73)

    expect(page.locator("main")).to_contain_text("A tide-table template")
    expect(page.locator("main")).not_to_contain_text("Erin")
    response = Response.objects.get()
    assert response.user_id is None and response.answers.count() == 1
