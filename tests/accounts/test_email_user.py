"""C65, C66: Alice writes to Dana through Candor. Dana's address never reaches Alice; Alice's reaches Dana
only if Alice ticks the box; Dana receives such mail only if she switched it on and confirmed her address;
nobody sends more than ten a day; the body is kept nowhere once the relay has it."""

from datetime import timedelta
from email import message_from_bytes
from io import StringIO

import pytest
from django.core import mail as outbox
from django.core.management import call_command
from django.test import Client

from candor.accounts.actions import do_set_accepts_user_email
from candor.notify.actions import DAILY_LIMIT
from candor.privacy import clock
from candor.privacy.capture import RequestMeta

META = RequestMeta.from_address("198.51.100.31")
DANA_ADDRESS = "dana-canary-inbox@example.org"
ALICE_ADDRESS = "alice-sender@example.org"
CANARY_BODY = "canary-body-7f3e9 meet me by the old lighthouse"
NEUTRAL = "This user cannot be emailed through Candor."


@pytest.fixture
def alice(make_confirmed_account):
    return make_confirmed_account("Alice", ALICE_ADDRESS)


@pytest.fixture
def dana(make_confirmed_account):
    """Dana confirmed her address and lets other users email her."""
    user = make_confirmed_account("Dana", DANA_ADDRESS)
    do_set_accepts_user_email(user, True, META)
    return user


@pytest.fixture
def alice_client(alice, dana) -> Client:
    client = Client(REMOTE_ADDR="198.51.100.32")
    client.force_login(alice)
    outbox.outbox.clear()
    return client


def _write(client: Client, to: str = "Dana", body: str = CANARY_BODY, **extra):
    data = {"to": to, "subject": "Hello from Alice", "body": body, **extra}
    return client.post("/accounts/email-user", data, follow=True)


def test_c65_dana_receives_it_from_candor_without_alices_address(alice_client, smtp_server, settings):
    response = _write(alice_client)

    assert response.status_code == 200 and "Your message was sent." in response.text
    ((recipients, raw),) = smtp_server.messages
    message = message_from_bytes(raw)
    assert recipients == [DANA_ADDRESS]
    assert message["From"] == settings.DEFAULT_FROM_EMAIL and message["Reply-To"] is None
    assert CANARY_BODY in message.get_payload() and "Alice" in message.get_payload()
    assert ALICE_ADDRESS not in raw.decode()
    assert "/accounts/email-user?to=Alice" in message.get_payload()  # how to answer without an address


def test_c65_alices_address_is_the_reply_to_only_when_she_ticks_the_box(alice_client, smtp_server, settings):
    _write(alice_client, show_my_address="on")

    ((_, raw),) = smtp_server.messages
    message = message_from_bytes(raw)
    assert message["Reply-To"] == ALICE_ADDRESS and message["From"] == settings.DEFAULT_FROM_EMAIL


def test_c65_alices_pages_never_contain_danas_address(alice_client, smtp_server):
    pages = [
        alice_client.get("/accounts/email-user?to=Dana"),
        _write(alice_client),
        _write(alice_client, show_my_address="on"),
        _write(alice_client, body=""),  # an error page, with the form filled in again
    ]

    for page in pages:
        assert DANA_ADDRESS not in page.text and "dana-canary" not in str(page.headers)


@pytest.mark.parametrize("dana_state", ["not_opted_in", "unconfirmed", "nonexistent"])
def test_c65_recipients_who_cannot_be_emailed_all_get_the_same_neutral_answer(
    alice_client, dana, make_account, dana_state
):
    if dana_state == "not_opted_in":
        do_set_accepts_user_email(dana, False, META)
        to = "Dana"
    elif dana_state == "unconfirmed":
        erin = make_account("Erin", email="erin-unconfirmed@example.org")
        do_set_accepts_user_email(erin, True, META)
        to = "Erin"
    else:
        to = "Nobody Here"
    outbox.outbox.clear()

    response = _write(alice_client, to=to)

    assert response.status_code == 400 and NEUTRAL in response.text
    assert outbox.outbox == []
    assert "@example.org" not in response.text.replace(ALICE_ADDRESS, "")


def test_c65_a_sender_without_a_confirmed_address_is_told_to_confirm_theirs(dana, make_account):
    frank = make_account("Frank", email="frank@example.org")  # not confirmed
    client = Client()
    client.force_login(frank)
    outbox.outbox.clear()

    page = client.get("/accounts/email-user?to=Dana")
    response = _write(client)

    assert "Confirm your own email address" in page.text and "<textarea" not in page.text
    assert response.status_code == 403 and "Confirm your own email address" in response.text
    assert outbox.outbox == []


def test_c65_anonymous_readers_are_sent_to_the_login_form(reader):
    response = reader.get("/accounts/email-user?to=Dana")

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login")


def test_c65_the_eleventh_message_in_a_day_is_refused_and_the_limit_lapses_after_24_hours(
    alice_client, monkeypatch
):
    for _ in range(DAILY_LIMIT):
        assert "Your message was sent." in _write(alice_client).text
    outbox.outbox.clear()

    refused = _write(alice_client)

    assert refused.status_code == 429 and "10 messages" in refused.text and outbox.outbox == []
    later = clock.now() + timedelta(hours=24, minutes=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert "Your message was sent." in _write(alice_client).text


def test_c65_nothing_of_the_message_is_stored_in_the_database(alice_client):
    _write(alice_client, show_my_address="on")
    assert len(outbox.outbox) == 1

    dump = StringIO()
    call_command("dumpdata", stdout=dump)
    assert "canary-body-7f3e9" not in dump.getvalue() and "Hello from Alice" not in dump.getvalue()


def test_c65_nobody_emails_themselves_through_candor(dana):
    client = Client()
    client.force_login(dana)

    assert NEUTRAL in _write(client).text and outbox.outbox == []


def test_c66_the_form_says_what_dana_sees_and_that_the_policy_stops_at_delivery(alice_client):
    page = alice_client.get("/accounts/email-user?to=Dana")

    assert page.status_code == 200 and 'name="csrfmiddlewaretoken"' in page.text
    assert 'value="Dana"' in page.text
    assert "your username, the subject and the message" in page.text
    assert "outside Candor's privacy policy" in page.text


def test_receiving_mail_from_other_users_is_off_until_switched_on(make_account):
    gina = make_account("Gina")
    client = Client()
    client.force_login(gina)

    page = client.get("/accounts/preferences")
    assert gina.accepts_user_email is False
    assert "Let other users email me through Candor" in page.text
    assert 'name="accepts_user_email" id="id_accepts_user_email" checked' not in page.text

    client.post("/accounts/preferences", {"form": "user_email", "accepts_user_email": "on"})
    gina.refresh_from_db()
    assert gina.accepts_user_email is True
    client.post("/accounts/preferences", {"form": "user_email"})
    gina.refresh_from_db()
    assert gina.accepts_user_email is False
