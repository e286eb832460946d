"""C69, C71: notification email is off by default; with consent, and the kind switched on for email, it goes
at the frequency chosen on /notify/settings: immediately, in a daily or a weekly digest, or never. Each mail
goes through the consent-checked sender, which asks again when it sends."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail as outbox
from django.test import Client

from candor.accounts.models import User
from candor.notify import tasks
from candor.notify.actions import do_send_digests
from candor.notify.models import Frequency, Notification
from candor.privacy import clock, consent
from candor.privacy.capture import RequestMeta
from candor.privacy.consent import Purpose
from tests.steps import save

META = RequestMeta.from_address("198.51.100.31")
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def edit(django_capture_on_commit_callbacks, jobs, editor):
    def edit(text):
        with django_capture_on_commit_callbacks(execute=True):
            save(editor, "Harbour", text)

    return edit


@pytest.fixture
def watching(edit, watcher):
    edit("The harbour.")
    watcher.post("/notify/watch", {"title": "Harbour"})
    return watcher


@pytest.fixture
def digest(django_capture_on_commit_callbacks, jobs):
    """The periodic digest job, as the worker runs it at the digest time."""

    def run(frequency):
        with django_capture_on_commit_callbacks(execute=True):
            return do_send_digests(frequency)

    return run


WATCHED_BY_EMAIL = ["watched_page_edited:web", "watched_page_edited:email"]


def _choose(client, frequency, on=WATCHED_BY_EMAIL):
    """The settings form as a person sends it: the ticked switches and one frequency."""
    form = {"switches": "1", "on": on, "frequency": frequency}
    assert client.post("/notify/settings", form).status_code == 302


def test_never_is_the_default_so_no_mail_goes(watching, watcher_account, edit):
    consent.do_grant_consent(watcher_account, Purpose.WATCHLIST_EMAIL, META)
    assert b'value="never" checked' in watching.get("/notify/settings").content
    edit("The harbour, rebuilt.")
    assert Notification.objects.filter(user=watcher_account).exists() and outbox.outbox == []


def test_immediately_with_consent_sends_one_mail_per_change(watching, watcher_account, edit):
    consent.do_grant_consent(watcher_account, Purpose.WATCHLIST_EMAIL, META)
    _choose(watching, Frequency.IMMEDIATELY)
    edit("The harbour, rebuilt.")
    (message,) = outbox.outbox
    assert message.to == ["wendy@example.org"] and "Harbour" in message.subject
    assert "List-Unsubscribe" in message.extra_headers


def test_immediately_without_consent_sends_nothing(watching, edit):
    _choose(watching, Frequency.IMMEDIATELY)
    page = watching.get("/notify/settings")
    assert b"preferences" in page.content  # says why nothing will come
    edit("The harbour, rebuilt.")
    assert outbox.outbox == []


@pytest.mark.parametrize(("frequency", "period"), [(Frequency.DAILY, 1), (Frequency.WEEKLY, 7)])
def test_a_digest_gathers_the_period_into_one_mail(
    watching, watcher_account, edit, digest, frequency, period
):
    consent.do_grant_consent(watcher_account, Purpose.WATCHLIST_EMAIL, META)
    _choose(watching, frequency)
    with clock.frozen_at(MONDAY):
        for n in range(3):
            edit(f"The harbour, version {n}.")
    assert outbox.outbox == []  # no per-change mail

    with clock.frozen_at(MONDAY + timedelta(days=period) - timedelta(minutes=1)):
        assert digest(frequency) == 1
    (message,) = outbox.outbox
    assert message.body.count("Harbour") >= 3

    with clock.frozen_at(MONDAY + timedelta(days=period, hours=1)):
        assert digest(frequency) == 0  # nothing is mailed twice
    assert len(outbox.outbox) == 1


def test_a_digest_without_consent_sends_nothing(watching, edit, digest):
    _choose(watching, Frequency.DAILY)
    with clock.frozen_at(MONDAY):
        edit("The harbour, rebuilt.")
    with clock.frozen_at(MONDAY + timedelta(hours=20)):
        assert digest(Frequency.DAILY) == 1  # queued; the sender finds no consent
    assert outbox.outbox == []


def test_an_unknown_frequency_is_refused(watcher):
    assert watcher.post("/notify/settings", {"frequency": "hourly"}).status_code == 400


def test_a_kind_left_off_for_email_is_never_mailed(watching, watcher_account, edit, digest):
    """C71: email is switched per kind, and off until ticked, whatever the frequency."""
    consent.do_grant_consent(watcher_account, Purpose.WATCHLIST_EMAIL, META)
    _choose(watching, Frequency.IMMEDIATELY, on=["watched_page_edited:web"])
    edit("The harbour, rebuilt.")
    _choose(watching, Frequency.DAILY, on=["watched_page_edited:web"])
    edit("The harbour, rebuilt again.")
    assert digest(Frequency.DAILY) == 0

    assert outbox.outbox == []
    assert Notification.objects.filter(user=watcher_account).count() == 2  # still on the site


def test_switching_email_off_before_the_digest_leaves_it_out(watching, watcher_account, edit, digest):
    """C71: the digest asks the switches when it runs, not when the notification was made."""
    consent.do_grant_consent(watcher_account, Purpose.WATCHLIST_EMAIL, META)
    _choose(watching, Frequency.DAILY)
    with clock.frozen_at(MONDAY):
        edit("The harbour, rebuilt.")
    _choose(watching, Frequency.DAILY, on=["watched_page_edited:web"])

    with clock.frozen_at(MONDAY + timedelta(hours=20)):
        assert digest(Frequency.DAILY) == 0
    assert outbox.outbox == []


def test_immediate_mail_to_many_watchers_is_one_job_per_chunk(
    make_confirmed_account, editor, edit, django_capture_on_commit_callbacks, monkeypatch
):
    """Issue 6 speed: the fan-out queues one delivery job per CHUNK recipients, not one per mail."""
    monkeypatch.setattr(tasks, "CHUNK", 2)
    edit("The harbour.")
    for name in ("Erin", "Faye", "Gus", "Hal", "Ida"):
        person = make_confirmed_account(name, f"{name.lower()}@example.org")
        consent.do_grant_consent(person, Purpose.WATCHLIST_EMAIL, META)
        client = Client()
        client.force_login(person)
        client.post("/notify/watch", {"title": "Harbour"})
        _choose(client, Frequency.IMMEDIATELY)
    queued = []
    monkeypatch.setattr(tasks, "deliver_consented_mail", lambda *args: queued.append(args))

    edit("The harbour, rebuilt.")

    assert [len(messages) for _, messages in queued] == [2, 2, 1]
    assert sorted(user_id for _, messages in queued for user_id, _, _ in messages) == sorted(
        User.objects.filter(username__in=["Erin", "Faye", "Gus", "Hal", "Ida"]).values_list("id", flat=True)
    )
