"""C01, C25, C81, C104–C108: nonpublic data expires on schedule, unreadable everywhere at once."""

from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client

from candor.accounts.models import FailedLogin
from candor.privacy import browser_signals, clock, retention, sealing
from candor.privacy.capture import unseal
from candor.privacy.holds import HoldRefused, do_end_legal_hold, do_place_legal_hold
from candor.privacy.keystore import keystore
from candor.privacy.locks import JobRunning, Lease
from candor.privacy.models import BrowserSignalCount, CspReport, EventType, PrivateEvent, PurgeRun
from candor.privacy.register import validate_retention_settings
from candor.wiki.models import Revision
from tests.steps import EDITOR_ADDRESS, PASSWORD, READER_ADDRESS, SIGNUP_ADDRESS, opened, revisions_of, save

START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def days_later(number: int, hour: int = 12) -> datetime:
    return (START + timedelta(days=number)).replace(hour=hour)


@pytest.fixture
def newcomer_history(db):
    """Dora signs up and edits from 198.51.100.23 on START; a reader edits logged out the same day."""
    with clock.frozen_at(START):
        dora = Client(REMOTE_ADDR=SIGNUP_ADDRESS, HTTP_USER_AGENT="DoraUA/1.0")
        dora.post("/accounts/signup", {"username": "Dora", "password": PASSWORD})
        save(dora, "Dock", "Dora's dock.")
        save(Client(REMOTE_ADDR=READER_ADDRESS), "Dock", "A reader's dock.")
    return dora


def test_private_records_stay_readable_inside_the_window_and_vanish_after_it(newcomer_history):
    """C25: signup and edit from 198.51.100.23, readable on day 89, gone with their key after day 90."""
    with clock.frozen_at(days_later(89)):
        retention.purge()
    assert {opened(event).ip for event in PrivateEvent.objects.all()} == {SIGNUP_ADDRESS, READER_ADDRESS}

    with clock.frozen_at(days_later(91)):
        run = retention.purge()

    assert not PrivateEvent.objects.exists()
    assert START.date() not in keystore().days()
    assert run.counts["privacy.PrivateEvent"] == {"expired": 3, "held": 0, "deleted": 3, "keys_destroyed": 1}


def test_a_day_key_is_destroyed_only_once_all_of_its_records_expired(newcomer_history):
    with clock.frozen_at(START.replace(hour=23)):
        save(Client(REMOTE_ADDR="192.0.2.8"), "Dock", "Late that night.")

    with clock.frozen_at(START.replace(hour=12) + timedelta(days=90)):
        retention.purge()

    assert PrivateEvent.objects.count() == 1  # the 23:00 edit is still inside its window...
    assert opened(PrivateEvent.objects.get()).ip == "192.0.2.8"  # ...and its key is still there


def test_a_copy_of_the_database_taken_before_the_purge_reveals_nothing_after_it(newcomer_history):
    """A backup of the database alone: after the purge, not one sealed value in it can be opened."""
    backup = [(event.sealed_on, bytes(event.sealed)) for event in PrivateEvent.objects.all()]
    assert backup and all(SIGNUP_ADDRESS.encode() not in blob for _, blob in backup)
    assert [sealing.unseal(blob, day) is not None for day, blob in backup] == [True] * len(backup)

    with clock.frozen_at(days_later(91)):
        retention.purge()

    assert [sealing.unseal(blob, day) for day, blob in backup] == [None] * len(backup)


@pytest.mark.ip_attribution
def test_public_contributions_and_the_logged_out_ip_survive_every_purge(newcomer_history):
    """C31, C106: revisions, and the IP attribution of a logged-out edit, are never purged."""
    with clock.frozen_at(days_later(3650)):
        retention.purge()

    assert [r.text for r in revisions_of("Dock")] == ["Dora's dock.", "A reader's dock."]
    assert Revision.objects.get(text="A reader's dock.").ip == READER_ADDRESS
    assert Revision.objects.get(text="Dora's dock.").user.username == "Dora"


def test_a_dry_run_counts_and_changes_nothing(newcomer_history):
    with clock.frozen_at(days_later(91)):
        run = retention.purge(dry_run=True)

    assert run.dry_run and run.counts["privacy.PrivateEvent"]["expired"] == 3
    assert PrivateEvent.objects.count() == 3 and START.date() in keystore().days()


def test_the_command_prints_what_it_would_do_unless_told_yes(newcomer_history):
    out = StringIO()
    call_command("purge", "--as-of", "2026-06-10", stdout=out)
    assert PrivateEvent.objects.count() == 3
    assert "Dry run" in out.getvalue() and "expired=3" in out.getvalue()

    call_command("purge", "--as-of", "2026-06-10", "--yes", stdout=StringIO())
    assert not PrivateEvent.objects.exists()

    history = StringIO()
    call_command("purge", "--history", stdout=history)
    assert history.getvalue().count("finished") == 2


def test_purging_again_changes_nothing(newcomer_history):
    with clock.frozen_at(days_later(91)):
        retention.purge()
        again = retention.purge()

    assert again.counts["privacy.PrivateEvent"] == {
        "expired": 0,
        "held": 0,
        "deleted": 0,
        "keys_destroyed": 0,
    }


def test_two_purges_never_overlap(newcomer_history):
    other = Lease(retention.LOCK_NAME, timedelta(minutes=5))
    other.acquire()

    with pytest.raises(JobRunning):
        retention.purge()
    err = StringIO()
    with pytest.raises(Exception, match="Not started"):
        call_command("purge", "--yes", stderr=err)
    assert PrivateEvent.objects.count() == 3


def test_a_lease_left_by_a_dead_run_is_taken_over_when_it_expires(newcomer_history):
    with clock.frozen_at(days_later(91)):
        Lease(retention.LOCK_NAME, timedelta(minutes=5)).acquire()  # a run that died holding it
    with clock.frozen_at(days_later(91) + timedelta(minutes=6)):
        retention.purge()

    assert not PrivateEvent.objects.exists()


def test_a_legal_hold_keeps_the_records_it_covers_until_it_ends(newcomer_history):
    """C81: held records, and their day key, outlive the window until the hold ends; then they go."""
    hold = do_place_legal_hold(
        model="privacy.PrivateEvent", records_from=START.date(), records_to=START.date(),
        starts_on=START.date(), ends_on=days_later(120).date(),
        reason="Court order 123 requires these records.", placed_by="operator",
    )  # fmt: skip
    with clock.frozen_at(days_later(100)):
        held = retention.purge()
    assert held.counts["privacy.PrivateEvent"] == {"expired": 3, "held": 3, "deleted": 0, "keys_destroyed": 0}
    assert {opened(e).ip for e in PrivateEvent.objects.all()} == {SIGNUP_ADDRESS, READER_ADDRESS}

    do_end_legal_hold(hold, on=days_later(110).date())
    with clock.frozen_at(days_later(111)):
        retention.purge()
    assert not PrivateEvent.objects.exists() and START.date() not in keystore().days()


def test_a_hold_on_one_account_keeps_only_that_accounts_records(newcomer_history):
    dora = PrivateEvent.objects.get(event_type=EventType.SIGNUP).actor
    do_place_legal_hold(
        model="privacy.PrivateEvent", records_from=START.date(), records_to=START.date(),
        starts_on=START.date(), ends_on=days_later(200).date(),
        reason="Preservation request for one account.", placed_by="operator", actor=dora,
    )  # fmt: skip
    with clock.frozen_at(days_later(100)):
        retention.purge()

    remaining = list(PrivateEvent.objects.all())
    assert {event.actor for event in remaining} == {dora} and len(remaining) == 2
    assert all(unseal(event) is not None for event in remaining)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"model": "wiki.Revision"}, "has no retention window"),
        ({"records_from": date(2026, 5, 1)}, "comes after the last"),
        ({"ends_on": date(2026, 1, 1)}, "ends before it starts"),
        ({"reason": "because"}, "Say why"),
    ],
)
def test_a_hold_must_be_well_formed(db, change, message):
    hold = {
        "model": "privacy.PrivateEvent", "records_from": date(2026, 3, 1), "records_to": date(2026, 3, 2),
        "starts_on": date(2026, 3, 3), "ends_on": date(2026, 6, 1), "reason": "A court order requires it.",
        "placed_by": "operator", **change,
    }  # fmt: skip
    with pytest.raises(HoldRefused, match=message):
        do_place_legal_hold(**hold)


def test_the_public_holds_page_shows_scope_and_dates_but_no_reason_or_account(newcomer_history):
    dora = PrivateEvent.objects.get(event_type=EventType.SIGNUP).actor
    today = clock.now().date()
    do_place_legal_hold(
        model="privacy.PrivateEvent", records_from=date(2026, 3, 1), records_to=date(2026, 3, 2),
        starts_on=today, ends_on=today + timedelta(days=30),
        reason="Subpoena SECRET-4711 from a court.", placed_by="operator", actor=dora,
    )  # fmt: skip

    html = Client().get("/privacy/holds").content.decode()

    assert "2026-03-01 to 2026-03-02" in html and "one account" in html
    assert "SECRET-4711" not in html and "Dora" not in html.split("<main>")[1]


def test_a_wiki_may_shorten_a_window_and_the_published_window_follows(newcomer_history, settings):
    """C01, C104, C108: the purge and /privacy/data read the same, shortened, window."""
    settings.CANDOR_RETENTION_DAYS = {"request_metadata": 30}

    with clock.frozen_at(days_later(31)):
        retention.purge()

    assert not PrivateEvent.objects.exists()
    assert "Deleted after 30 days" in Client().get("/privacy/data").content.decode()


@pytest.mark.parametrize(
    ("configured", "message"),
    [
        ({"request_metadata": 120}, "longer than this installation's maximum of 90 days"),
        ({"ip": 10}, "no window"),
    ],
)
def test_a_wiki_cannot_lengthen_a_window(configured, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        validate_retention_settings(configured)


def test_short_windows_failed_logins_sessions_and_reports_expire_too(make_account):
    make_account("Dora")
    with clock.frozen_at(START):
        Client().post("/accounts/login", {"username": "Dora", "password": "wrong"})
        Client().post(
            "/privacy/csp-report",
            '{"csp-report": {"blocked-uri": "inline"}}',
            content_type="application/json",
        )
        session_client = Client()
        session_client.post("/accounts/login", {"username": "Dora", "password": PASSWORD})
    assert FailedLogin.objects.exists() and CspReport.objects.exists()

    with clock.frozen_at(START + timedelta(hours=2)):
        retention.purge(short_only=True)
    assert not FailedLogin.objects.exists() and CspReport.objects.exists()

    with clock.frozen_at(days_later(31)):
        retention.purge()
    assert not CspReport.objects.exists()


def test_ended_sessions_are_deleted_by_the_hourly_purge(make_account):
    make_account("Dora")
    client = Client()
    client.post("/accounts/login", {"username": "Dora", "password": PASSWORD})
    assert Session.objects.count() == 1

    retention.purge(short_only=True)
    assert Session.objects.count() == 1  # still valid
    retention.purge(as_of=clock.now() + timedelta(weeks=2, hours=1), short_only=True)

    assert not Session.objects.exists()
    assert not client.get("/wiki/Main_Page").context["user"].is_authenticated


def test_purge_reports_hold_counts_only(newcomer_history):
    with clock.frozen_at(days_later(91)):
        run = retention.purge()

    text = str(PurgeRun.objects.get(pk=run.pk).counts)
    assert SIGNUP_ADDRESS not in text and "Dora" not in text
    assert set(run.counts) == {table.model for table in retention.expiring_tables()}


@pytest.mark.ip_attribution
def test_after_a_thousand_days_history_keeps_both_authors_and_the_database_holds_no_private_ip(
    reader, editor
):
    """C105, C106: the logged-out IP and Alice's name stay public; Alice's private address is nowhere."""
    with clock.frozen_at(START):
        save(editor, "Dock", "Alice's dock.")
        save(reader, "Dock", "A reader's dock.")

    with clock.frozen_at(days_later(1000)):
        retention.purge()

    history = Client().get("/wiki/Dock?action=history").content.decode()
    assert READER_ADDRESS in history and ">Alice<" in history
    dump = StringIO()
    call_command("dumpdata", stdout=dump)
    assert EDITOR_ADDRESS not in dump.getvalue()
    assert not PrivateEvent.objects.exists()


def test_aggregate_counts_are_kept_indefinitely(db):
    """C107: the DNT/GPC totals hold no identifier and are never purged."""
    browser_signals.flush()
    Client(HTTP_DNT="1").get("/privacy")
    browser_signals.flush()

    with clock.frozen_at(days_later(3650)):
        retention.purge()

    assert BrowserSignalCount.objects.filter(signal="dnt").exists()
