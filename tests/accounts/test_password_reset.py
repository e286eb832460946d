"""C101, C102: a password reset by username or confirmed address mails a one-time link that expires after an
hour; the answer never says whether an account or an address exists; no mail carries a password."""

import re
import socket
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core import mail as outbox
from django.test import Client
from huey import SqliteHuey

from candor.accounts import tasks
from candor.accounts.models import User
from candor.privacy import clock
from candor.privacy.models import EventType, PrivateEvent
from tests.steps import PASSWORD

LINK = re.compile(r"http://\S+")
NEW_PASSWORD = "a brand new passphrase"
START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _link_in(body: str) -> str:
    (found,) = LINK.findall(body)
    return found.removeprefix("http://127.0.0.1:8000")


@pytest.fixture
def carol(make_confirmed_account):
    """Carol has confirmed her address."""
    return make_confirmed_account("Carol", "carol@example.org")


@pytest.fixture
def dave(make_account):
    """Dave gave an address but never confirmed it."""
    user = make_account("Dave", email="dave@example.org")
    outbox.outbox.clear()
    return user


@pytest.fixture
def ask(jobs, django_capture_on_commit_callbacks):
    """Asks for a reset as a stranger would, from the form; the mail job runs once the request committed."""

    def post(identifier: str) -> tuple[int, str]:
        with django_capture_on_commit_callbacks(execute=True):
            response = Client().post("/accounts/password-reset", {"identifier": identifier})
        page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
        return response.status_code, page

    return post


def test_the_answer_is_the_same_whether_or_not_an_account_or_address_exists(carol, dave, ask):
    answers = {
        who: ask(who)
        for who in ("Nobody", "nobody@example.org", "Dave", "dave@example.org", "Carol", "carol@example.org")
    }

    assert len(set(answers.values())) == 1
    assert answers["Carol"][0] == 200 and "a link to choose a new password" in answers["Carol"][1]
    assert [m.to for m in outbox.outbox] == [["carol@example.org"]]  # the second ask came too soon


def test_nobody_can_flood_an_inbox_with_reset_mail(carol, ask):
    """At most one reset mail every ten minutes per account, whoever asks, however often."""
    with clock.frozen_at(START):
        for _ in range(5):
            ask("Carol")
    with clock.frozen_at(START + timedelta(minutes=11)):
        ask("carol@example.org")

    assert len(outbox.outbox) == 2


def test_no_request_no_mail(carol):
    assert outbox.outbox == []


def test_the_reset_mail_has_a_link_and_no_password(carol, ask):
    ask("carol@example.org")

    (message,) = outbox.outbox
    assert PASSWORD not in message.body
    assert "<form" not in message.body and "<input" not in message.body
    assert "/accounts/password-reset/confirm?" in message.body


def test_the_link_sets_a_new_password_once_and_records_it(carol, ask):
    ask("Carol")
    link = _link_in(outbox.outbox[0].body)
    person = Client(REMOTE_ADDR="198.51.100.90")

    form = person.get(link)
    done = person.post("/accounts/password-reset/confirm", {**_query(link), "new": NEW_PASSWORD})
    again = Client().get(link)
    replay = Client().post(
        "/accounts/password-reset/confirm", {**_query(link), "new": "yet another phrase 9"}
    )

    assert form.status_code == 200 and 'type="password"' in form.content.decode()
    assert done.status_code == 302 and done["Location"] == "/accounts/login"
    assert again.status_code == 400 and "already used" in again.content.decode()
    assert replay.status_code == 400
    assert User.objects.get(pk=carol.pk).check_password(NEW_PASSWORD)
    assert (
        Client().post("/accounts/login", {"username": "Carol", "password": NEW_PASSWORD}).status_code == 302
    )
    assert PrivateEvent.objects.filter(event_type=EventType.PASSWORD_RESET, actor=carol).count() == 1


def test_a_weak_new_password_is_refused_and_the_link_still_works(carol, ask):
    ask("Carol")
    link = _link_in(outbox.outbox[0].body)

    weak = Client().post("/accounts/password-reset/confirm", {**_query(link), "new": "12345678"})

    assert weak.status_code == 400
    assert Client().get(link).status_code == 200
    assert User.objects.get(pk=carol.pk).check_password(PASSWORD)


def test_the_link_expires_after_an_hour(carol, ask):
    with clock.frozen_at(START):
        ask("Carol")
    link = _link_in(outbox.outbox[0].body)

    with clock.frozen_at(START + timedelta(minutes=59)):
        fresh = Client().get(link)
    with clock.frozen_at(START + timedelta(hours=1, minutes=1)):
        stale = Client().post("/accounts/password-reset/confirm", {**_query(link), "new": NEW_PASSWORD})

    assert fresh.status_code == 200
    assert stale.status_code == 400 and "expired" in stale.content.decode()
    assert User.objects.get(pk=carol.pk).check_password(PASSWORD)


def test_a_link_stops_working_when_the_address_changes(carol, ask):
    ask("Carol")
    link = _link_in(outbox.outbox[0].body)
    owner = Client()
    owner.force_login(carol)
    owner.post("/accounts/preferences", {"form": "email", "email": "carol-new@example.org"})

    assert Client().get(link).status_code == 400


def test_a_broken_link_is_refused(db):
    assert Client().get("/accounts/password-reset/confirm").status_code == 400
    assert Client().get("/accounts/password-reset/confirm?uid=MQ&token=abc-def").status_code == 400


def test_an_empty_request_is_refused_without_a_lookup(db, ask):
    status, _ = ask("")

    assert status == 400


def _query(link: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(link).query))


def test_the_reset_mail_is_delivered_over_smtp_without_a_password(carol, smtp_server, ask):
    ask("Carol")

    ((recipients, raw),) = smtp_server.messages
    message = message_from_bytes(raw)
    body = message.get_payload(decode=True).decode()
    assert recipients == ["carol@example.org"]
    assert message["To"] == "carol@example.org"
    assert PASSWORD not in raw.decode() and "<form" not in body
    assert "/accounts/password-reset/confirm?" in body


@pytest.fixture
def queue(tmp_path, monkeypatch):
    """A real SqliteHuey in tmp; the reset job is bound to it, as the worker would run it."""
    instance = SqliteHuey("candor-test-reset", filename=str(tmp_path / "jobs.sqlite3"))
    bound = instance.task(retries=tasks.RETRIES, retry_delay=tasks.RETRY_DELAY_SECONDS)(
        tasks.deliver_password_reset.call_local
    )
    monkeypatch.setattr(tasks, "deliver_password_reset", bound)
    yield instance
    instance.flush()


def test_the_request_queues_the_mail_and_a_relay_that_is_down_gets_it_retried(
    carol, queue, settings, django_capture_on_commit_callbacks
):
    """C102, item 7: the answer does not wait for the relay, nor differ with it; the job retries later."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = probe.getsockname()[1]  # nothing listens there once the probe is closed
    settings.EMAIL_BACKEND = "candor.privacy.providers.AgreedRelayBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post("/accounts/password-reset", {"identifier": "Carol"})

    assert response.status_code == 200 and queue.pending_count() == 1  # queued, not sent in the request
    queue.execute(queue.dequeue())
    (retry,) = queue.scheduled()
    assert retry.retries == 2


def test_a_queued_reset_mail_goes_to_the_address_confirmed_when_it_is_sent(
    carol, queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/accounts/password-reset", {"identifier": "Carol"})
    User.objects.filter(pk=carol.pk).update(email=None, email_verified_at=None)  # removed meanwhile
    queue.execute(queue.dequeue())

    assert outbox.outbox == []
