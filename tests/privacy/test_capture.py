"""C25, C45, C49: request metadata reaches the private event table when an action records it, only then."""

import ipaddress

import pytest
from django.test import Client

from candor.privacy.models import EventType, PrivateEvent
from tests.steps import EDITOR_ADDRESS, EDITOR_AGENT, PASSWORD, READER_ADDRESS, SIGNUP_ADDRESS, opened, save


def _events(event_type: EventType) -> list[PrivateEvent]:
    return list(PrivateEvent.objects.filter(event_type=event_type).order_by("id"))


def test_signup_records_the_address_and_agent_privately_but_not_in_the_public_log(db):
    """C25: sign up from 198.51.100.23 → the private table has it; the public log does not."""
    newcomer = Client(REMOTE_ADDR=SIGNUP_ADDRESS, HTTP_USER_AGENT="SignupUA/3.0")
    newcomer.post("/accounts/signup", {"username": "Dora", "password": PASSWORD})

    [event] = _events(EventType.SIGNUP)
    assert (opened(event).ip, opened(event).user_agent, event.actor.username) == (
        SIGNUP_ADDRESS,
        "SignupUA/3.0",
        "Dora",
    )
    assert SIGNUP_ADDRESS not in Client().get("/wiki/Special:Log/newusers").content.decode()


def test_a_logged_in_edit_records_address_agent_and_revision_privately(editor, editor_account):
    save(editor, "Jetty", "Wooden.")

    [event] = _events(EventType.EDIT)
    assert event.actor == editor_account
    assert (opened(event).ip, opened(event).user_agent) == (EDITOR_ADDRESS, EDITOR_AGENT)
    assert event.target.startswith("revision:")


@pytest.mark.ip_attribution
def test_a_logged_out_edit_is_recorded_too(reader):
    save(reader, "Jetty", "Wooden.")

    [event] = _events(EventType.EDIT)
    assert event.actor is None and opened(event).ip == READER_ADDRESS


def test_forwarded_for_is_kept_as_sent_but_believed_only_from_a_trusted_proxy(settings, db):
    settings.CANDOR_TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.0/8")]
    Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.50").post(
        "/wiki/Jetty?action=edit", {"text": "Via proxy.", "summary": "", "base": ""}
    )
    Client(REMOTE_ADDR="192.0.2.60", HTTP_X_FORWARDED_FOR="203.0.113.51").post(
        "/wiki/Other?action=edit", {"text": "Forged.", "summary": "", "base": ""}
    )

    proxied, forged = _events(EventType.EDIT)
    assert (opened(proxied).ip, opened(proxied).forwarded_for) == ("203.0.113.50", "203.0.113.50")
    assert (opened(forged).ip, opened(forged).forwarded_for) == ("192.0.2.60", "203.0.113.51")


def test_ipv6_addresses_are_stored_normalised(db):
    Client(REMOTE_ADDR="2001:0DB8:0000::0042").post(
        "/wiki/Jetty?action=edit", {"text": "v6", "summary": "", "base": ""}
    )

    assert opened(_events(EventType.EDIT)[0]).ip == "2001:db8::42"


def test_logins_failures_and_logouts_are_recorded_privately(make_account):
    alice = make_account("Alice")
    client = Client(REMOTE_ADDR="192.0.2.31", HTTP_USER_AGENT="LoginUA/1.0")

    client.post("/accounts/login", {"username": "Alice", "password": "wrong password"})
    client.post("/accounts/login", {"username": "Nobody", "password": "wrong password"})
    client.post("/accounts/login", {"username": "Alice", "password": PASSWORD})
    client.post("/accounts/logout")

    failures = _events(EventType.LOGIN_FAILED)
    assert [(e.actor, opened(e).ip) for e in failures] == [(alice, "192.0.2.31"), (None, "192.0.2.31")]
    assert [(e.actor, opened(e).user_agent) for e in _events(EventType.LOGIN)] == [(alice, "LoginUA/1.0")]
    assert [e.actor for e in _events(EventType.LOGOUT)] == [alice]


def test_a_failed_login_under_an_unknown_name_stores_the_name_nowhere(db):
    """Whatever was typed as a username may be a password typed in the wrong box."""
    Client().post("/accounts/login", {"username": "hunter2-typed-in-the-wrong-box", "password": "x"})

    rows = " ".join(str(value) for value in PrivateEvent.objects.values_list())
    assert "hunter2" not in rows


@pytest.mark.parametrize(
    "url",
    [
        "/wiki/Jetty",
        "/wiki/Jetty?action=history",
        "/wiki/Special:Search?q=wooden",
        "/wiki/Special:RecentChanges",
    ],
)
def test_page_views_and_searches_write_no_identity(reader, editor, url):
    save(reader, "Jetty", "Wooden.")
    before = PrivateEvent.objects.count()

    for client in (reader, editor, Client(REMOTE_ADDR="192.0.2.44")):
        assert client.get(url).status_code == 200

    assert PrivateEvent.objects.count() == before


def test_account_changes_are_recorded(editor, editor_account):
    editor.post("/accounts/preferences", {"form": "email", "email": "new@example.org"})
    editor.post(
        "/accounts/preferences", {"form": "password", "current": PASSWORD, "new": "another long password"}
    )
    editor.post("/accounts/preferences", {"form": "preferences", "time_zone": "Europe/Paris"})

    kinds = [e.event_type for e in PrivateEvent.objects.filter(actor=editor_account).order_by("id")]
    assert kinds[-3:] == [EventType.EMAIL_CHANGE, EventType.PASSWORD_CHANGE, EventType.PREFERENCES_CHANGE]
