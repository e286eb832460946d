"""C101, C102: a password reset by username or confirmed address mails a one-time link that expires after an
hour; the answer never says whether an account or an address exists; no mail carries a password."""

import re
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core import mail as outbox
from django.test import Client

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
def carol(make_account):
    """Carol has confirmed her address; the verification mail is cleared from the outbox."""
    user = make_account("Carol", email="carol@example.org")
    Client().get(_link_in(outbox.outbox[0].body))
    outbox.outbox.clear()
    return user


@pytest.fixture
def dave(make_account):
    """Dave gave an address but never confirmed it."""
    user = make_account("Dave", email="dave@example.org")
    outbox.outbox.clear()
    return user


def _ask(identifier: str):
    response = Client().post("/accounts/password-reset", {"identifier": identifier})
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    return response.status_code, page


def test_the_answer_is_the_same_whether_or_not_an_account_or_address_exists(carol, dave):
    answers = {
        who: _ask(who)
        for who in ("Nobody", "nobody@example.org", "Dave", "dave@example.org", "Carol", "carol@example.org")
    }

    assert len(set(answers.values())) == 1
    assert answers["Carol"][0] == 200 and "a link to choose a new password" in answers["Carol"][1]
    assert [m.to for m in outbox.outbox] == [["carol@example.org"]]  # the second ask came too soon


def test_nobody_can_flood_an_inbox_with_reset_mail(carol):
    """At most one reset mail every ten minutes per account, whoever asks, however often."""
    with clock.frozen_at(START):
        for _ in range(5):
            _ask("Carol")
    with clock.frozen_at(START + timedelta(minutes=11)):
        _ask("carol@example.org")

    assert len(outbox.outbox) == 2


def test_no_request_no_mail(carol):
    assert outbox.outbox == []


def test_the_reset_mail_has_a_link_and_no_password(carol):
    _ask("carol@example.org")

    (message,) = outbox.outbox
    assert PASSWORD not in message.body
    assert "<form" not in message.body and "<input" not in message.body
    assert "/accounts/password-reset/confirm?" in message.body


def test_the_link_sets_a_new_password_once_and_records_it(carol):
    _ask("Carol")
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


def test_a_weak_new_password_is_refused_and_the_link_still_works(carol):
    _ask("Carol")
    link = _link_in(outbox.outbox[0].body)

    weak = Client().post("/accounts/password-reset/confirm", {**_query(link), "new": "12345678"})

    assert weak.status_code == 400
    assert Client().get(link).status_code == 200
    assert User.objects.get(pk=carol.pk).check_password(PASSWORD)


def test_the_link_expires_after_an_hour(carol):
    with clock.frozen_at(START):
        _ask("Carol")
    link = _link_in(outbox.outbox[0].body)

    with clock.frozen_at(START + timedelta(minutes=59)):
        fresh = Client().get(link)
    with clock.frozen_at(START + timedelta(hours=1, minutes=1)):
        stale = Client().post("/accounts/password-reset/confirm", {**_query(link), "new": NEW_PASSWORD})

    assert fresh.status_code == 200
    assert stale.status_code == 400 and "expired" in stale.content.decode()
    assert User.objects.get(pk=carol.pk).check_password(PASSWORD)


def test_a_link_stops_working_when_the_address_changes(carol):
    _ask("Carol")
    link = _link_in(outbox.outbox[0].body)
    owner = Client()
    owner.force_login(carol)
    owner.post("/accounts/preferences", {"form": "email", "email": "carol-new@example.org"})

    assert Client().get(link).status_code == 400


def test_a_broken_link_is_refused(db):
    assert Client().get("/accounts/password-reset/confirm").status_code == 400
    assert Client().get("/accounts/password-reset/confirm?uid=MQ&token=abc-def").status_code == 400


def test_an_empty_request_is_refused_without_a_lookup(db):
    status, _ = _ask("")

    assert status == 400


def _query(link: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(link).query))


def test_the_reset_mail_is_delivered_over_smtp_without_a_password(carol, smtp_server):
    _ask("Carol")

    ((recipients, raw),) = smtp_server.messages
    message = message_from_bytes(raw)
    body = message.get_payload(decode=True).decode()
    assert recipients == ["carol@example.org"]
    assert message["To"] == "carol@example.org"
    assert PASSWORD not in raw.decode() and "<form" not in body
    assert "/accounts/password-reset/confirm?" in body
