"""C50, C37: preferences are the owner's alone: login required, never indexed, never shown to anyone else."""

import re
from datetime import UTC, datetime

from django.test import Client

from candor.accounts.models import User
from candor.privacy import clock
from tests.steps import PASSWORD, save


def test_preferences_need_a_login_and_are_never_indexed(client, db):
    response = client.get("/accounts/preferences")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login?next=/accounts/preferences")
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_the_owner_sees_their_email_and_time_zone(editor, editor_account):
    response = editor.get("/accounts/preferences")

    html = response.content.decode()
    assert response.status_code == 200
    assert editor_account.email in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-cache" in response["Cache-Control"] or "private" in response["Cache-Control"]


def test_another_user_sees_only_their_own_preferences(editor, editor_account, outsider):
    html = outsider.get("/accounts/preferences").content.decode()

    assert editor_account.email not in html
    assert "Alice" not in html.split("<main>", 1)[1]


def test_the_email_address_can_be_changed_and_removed(editor, editor_account):
    editor.post("/accounts/preferences", {"form": "email", "email": "Alice.New@Example.org"})
    changed = User.objects.get(pk=editor_account.pk).email
    editor.post("/accounts/preferences", {"form": "email", "email": ""})

    assert changed == "Alice.New@example.org"
    assert User.objects.get(pk=editor_account.pk).email is None


def test_a_bad_email_is_refused_and_what_was_typed_kept(editor, editor_account):
    response = editor.post("/accounts/preferences", {"form": "email", "email": "not-an-address"})

    assert response.status_code == 400
    assert 'value="not-an-address"' in response.content.decode()
    assert User.objects.get(pk=editor_account.pk).email == editor_account.email


def test_the_password_changes_only_with_the_current_one_and_the_session_survives(editor, editor_account):
    refused = editor.post(
        "/accounts/preferences", {"form": "password", "current": "wrong", "new": "another long one"}
    )
    changed = editor.post(
        "/accounts/preferences", {"form": "password", "current": PASSWORD, "new": "another long one"}
    )

    assert refused.status_code == 400 and "not your current password" in refused.content.decode()
    assert changed.status_code == 302
    assert editor.get("/wiki/Main_Page").context["user"] == editor_account  # still logged in
    assert (
        Client().post("/accounts/login", {"username": "Alice", "password": "another long one"}).status_code
        == 302
    )


def test_times_are_shown_to_the_owner_in_their_time_zone_and_to_others_in_utc(editor, reader):
    with clock.frozen_at(datetime(2026, 1, 15, 12, 0, tzinfo=UTC)):
        save(reader, "Pier", "Text.")
    editor.post("/accounts/preferences", {"form": "preferences", "time_zone": "Pacific/Chatham"})

    own = editor.get("/wiki/Pier?action=history").content.decode()
    public = reader.get("/wiki/Pier?action=history").content.decode()

    assert "2026-01-16 01:45" in own  # Chatham is UTC+13:45 in January
    assert "2026-01-15 12:00 UTC" in public
    assert "Chatham" not in public


def test_an_unknown_time_zone_is_refused(editor, editor_account):
    response = editor.post("/accounts/preferences", {"form": "preferences", "time_zone": "Mars/Olympus"})

    assert response.status_code == 400
    assert User.objects.get(pk=editor_account.pk).time_zone == "UTC"


def test_an_unknown_form_is_a_clear_error(editor):
    response = editor.post("/accounts/preferences", {"form": "everything"})

    assert response.status_code == 400


DEMOGRAPHIC = ("gender", "sex", "age", "birth", "pronoun", "ethnic", "religion", "nationality", "orientation")


def test_c29_no_account_holds_or_asks_for_demographic_profile_fields(editor):
    """C29 (decided: docs/decisions.md, "Demographic profile fields"): Candor has no optional demographic
    profile fields, so there is nothing to label public or private, and nothing to leave unset; demographic
    questions are asked only in surveys, each optional and labelled (tests/notify/test_surveys.py). This
    fails the day such a field is added to an account or to the preferences, so it comes with its labels."""
    account_fields = [field.name for field in User._meta.get_fields()]
    inputs = re.findall(r'name="([^"]+)"', editor.get("/accounts/preferences").content.decode())

    for word in DEMOGRAPHIC:
        starts_a_word = re.compile(rf"(^|_){word}")  # "age_range", "date_of_birth"; not "language"
        assert not [name for name in account_fields + inputs if starts_a_word.search(name)], word
