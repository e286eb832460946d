"""DESIGN.md (Consent), C68, C69, C67: consent is off until a person switches it on in their preferences;
each grant or withdrawal is a new record with the exact notice text and version shown; the history is kept;
nobody else can see or change a person's choices. Administrative mail is said not to depend on them (C64)."""

import html
import re
from datetime import UTC, datetime, timedelta

import pytest

from candor.accounts.models import User
from candor.privacy import clock, consent
from candor.privacy.capture import RequestMeta
from candor.privacy.consent import NOTICES, Consent, Purpose
from candor.privacy.models import EventType, PrivateEvent

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _save(client, *granted: Purpose):
    data = {"form": "consent", **{purpose.value: "on" for purpose in granted}}
    return client.post("/accounts/preferences", data)


def test_nothing_is_consented_by_default(editor_account):
    """C68, C69: news and watchlist email are off until switched on."""
    assert consent.current_choices(editor_account) == dict.fromkeys(Purpose.values, False)
    assert not any(consent.has_consent(editor_account, purpose) for purpose in Purpose)


def test_the_form_shows_every_purpose_with_its_notice_and_that_administrative_mail_is_apart(editor):
    page = html.unescape(editor.get("/accounts/preferences").content.decode())

    assert "Mail I agree to receive" in page
    for purpose in Purpose:
        assert purpose.label in page and NOTICES[purpose].text in page
        assert f'name="{purpose.value}"' in page
    assert "checked" not in page.split('id="mail"', 1)[1].split("</form>", 1)[0]
    assert "Administrative mail is not advertising and does not depend on these choices" in " ".join(
        page.split()
    )


def test_saving_records_a_grant_with_the_notice_shown_and_its_request_privately(editor, editor_account):
    with clock.frozen_at(START):
        response = _save(editor, Purpose.NEWS)

    assert response.status_code == 302
    (record,) = Consent.objects.filter(user=editor_account)
    assert (record.purpose, record.granted, record.at) == (Purpose.NEWS, True, START)
    assert (record.notice_version, record.notice_text) == (
        NOTICES[Purpose.NEWS].version,
        NOTICES[Purpose.NEWS].text,
    )
    event = PrivateEvent.objects.get(event_type=EventType.CONSENT_GRANTED)
    assert event.actor == editor_account and event.target == f"consent:{record.pk}"
    assert consent.has_consent(editor_account, Purpose.NEWS)
    boxes = editor.get("/accounts/preferences").content.decode().split('id="mail"', 1)[1].split("</form>")[0]
    assert re.search(r'<input type="checkbox" name="news"[^>]* checked', boxes)
    assert not re.search(r'<input type="checkbox" name="surveys"[^>]* checked', boxes)


def test_only_changes_are_recorded_and_the_history_is_kept(editor, editor_account):
    with clock.frozen_at(START):
        _save(editor, Purpose.NEWS, Purpose.SURVEYS)
    with clock.frozen_at(START + timedelta(days=1)):
        _save(editor, Purpose.NEWS, Purpose.SURVEYS)  # nothing changed: nothing recorded
    with clock.frozen_at(START + timedelta(days=2)):
        _save(editor, Purpose.SURVEYS, Purpose.WATCHLIST_EMAIL)

    history = list(
        Consent.objects.filter(user=editor_account)
        .order_by("at", "id")
        .values_list("purpose", "granted", "at")
    )
    assert history == [
        ("news", True, START),
        ("surveys", True, START),
        ("news", False, START + timedelta(days=2)),
        ("watchlist_email", True, START + timedelta(days=2)),
    ]
    assert consent.current_choices(editor_account) == {
        **dict.fromkeys(Purpose.values, False),
        "surveys": True,
        "watchlist_email": True,
    }
    withdrawal = PrivateEvent.objects.get(event_type=EventType.CONSENT_WITHDRAWN)
    assert withdrawal.actor == editor_account


def test_a_record_cannot_be_changed_once_written(editor_account):
    record = consent.do_grant_consent(editor_account, Purpose.NEWS, RequestMeta.from_address("192.0.2.1"))
    record.granted = False

    with pytest.raises(ValueError, match="append-only"):
        record.save()
    assert Consent.objects.get().granted is True


def test_the_latest_record_wins_even_within_the_same_moment(editor_account):
    meta = RequestMeta.from_address("192.0.2.1")
    with clock.frozen_at(START):
        consent.do_grant_consent(editor_account, Purpose.RESEARCH, meta)
        consent.do_withdraw_consent(editor_account, Purpose.RESEARCH, meta)

    assert not consent.has_consent(editor_account, Purpose.RESEARCH)


def test_another_user_can_neither_see_nor_change_my_choices(editor, editor_account, outsider):
    _save(editor, Purpose.NEWS)
    bob = User.objects.get(username="Bob")

    page = outsider.get("/accounts/preferences").content.decode()
    assert "checked" not in page.split('id="mail"', 1)[1].split("</form>", 1)[0]
    _save(outsider, Purpose.SURVEYS)  # a post changes only the poster's own choices
    outsider.post("/accounts/preferences", {"form": "consent", "user": str(editor_account.pk)})

    assert consent.current_choices(editor_account)["news"] is True
    assert consent.current_choices(editor_account)["surveys"] is False
    assert consent.current_choices(bob) == dict.fromkeys(Purpose.values, False)


def test_logged_out_people_cannot_reach_the_form(reader):
    response = reader.post("/accounts/preferences", {"form": "consent", "news": "on"})

    assert response.status_code in (302, 403) and not Consent.objects.exists()


def test_the_other_preference_forms_still_work(editor, editor_account):
    _save(editor, Purpose.NEWS)
    response = editor.post("/accounts/preferences", {"form": "preferences", "time_zone": "Europe/Paris"})

    assert response.status_code == 302
    assert User.objects.get(pk=editor_account.pk).time_zone == "Europe/Paris"
    assert consent.has_consent(editor_account, Purpose.NEWS)


def test_every_purpose_has_a_versioned_notice():
    assert set(NOTICES) == set(Purpose)
    assert all(notice.version and len(notice.text) > 40 for notice in NOTICES.values())
