"""C04: every form that collects information shows, next to its submit button, a short notice linking to
the privacy policy; nothing has to be ticked or clicked to accept it (C121)."""

import datetime
import re

import pytest
from django.test import Client

from candor.notify.actions import do_publish_survey
from candor.privacy import clock
from tests.steps import save


def _form(page: str, action: str) -> str:
    """The HTML of the form of `page` that posts to `action`."""
    start = page.index(f'<form method="post" action="{action}"')
    return page[start : page.index("</form>", start)]


def _assert_policy_link_beside_submit(page: str, action: str) -> None:
    form = _form(page, action)
    link, submit = form.rfind('<a href="/privacy">'), form.index('type="submit"')
    assert 0 <= link < submit, f"no link to the policy before the submit button of {action}"
    checkboxes = re.findall(r'<input[^>]*type="checkbox"[^>]*>', form)
    assert not [box for box in checkboxes if "required" in box], (
        "no box must be ticked to send (no click-through)"
    )


def test_the_signup_form(db):
    _assert_policy_link_beside_submit(Client().get("/accounts/signup").content.decode(), "/accounts/signup")


@pytest.mark.parametrize("who", ["reader", "editor"])
def test_the_edit_form_logged_out_and_logged_in(request, who):
    client = request.getfixturevalue(who)
    save(client, "Harbour", "Boats.")

    page = client.get("/wiki/Harbour?action=edit").content.decode()

    _assert_policy_link_beside_submit(page, "/wiki/Harbour?action=edit")


def test_the_email_this_user_form(make_confirmed_account):
    sender = Client()
    sender.force_login(make_confirmed_account("Alice", "alice-notice@example.org"))

    page = sender.get("/accounts/email-user").content.decode()

    _assert_policy_link_beside_submit(page, "/accounts/email-user")


def test_the_survey_form(editor):
    ends_on = clock.now().date() + datetime.timedelta(days=30)
    survey = do_publish_survey(
        "Features", "Used to plan the year; kept one year.", ends_on, "public: What next?"
    )

    page = editor.get(f"/notify/surveys/answer?id={survey.pk}").content.decode()

    _assert_policy_link_beside_submit(page, f"/notify/surveys/answer?id={survey.pk}")


def test_the_privacy_contact_form(db):
    _assert_policy_link_beside_submit(Client().get("/privacy/contact").content.decode(), "/privacy/contact")
