"""Login, logout, and throttling against password guessing."""

from datetime import timedelta

import pytest
from django.test import Client

from candor.accounts.models import FailedLogin
from candor.privacy import clock
from tests.steps import PASSWORD


@pytest.fixture
def alice(make_account):
    return make_account("Alice")


def _login(client: Client, username: str, password: str):
    return client.post("/accounts/login", {"username": username, "password": password})


def test_login_with_the_right_password_and_logout(alice):
    client = Client()

    assert _login(client, "Alice", PASSWORD).status_code == 302
    assert client.get("/wiki/Main_Page").context["user"] == alice
    assert client.post("/accounts/logout").status_code == 302
    assert not client.get("/wiki/Main_Page").context["user"].is_authenticated


def test_login_accepts_the_name_in_any_canonical_spelling(alice):
    assert _login(Client(), "alice", PASSWORD).status_code == 302


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(alice):
    response = _login(Client(), "Alice", "not the password")

    assert response.status_code == 400
    assert "The username or the password is incorrect." in response.content.decode()
    assert "not the password" not in response.content.decode()


def test_logout_needs_a_post(alice):
    client = Client()
    _login(client, "Alice", PASSWORD)

    assert client.get("/accounts/logout").status_code == 405
    assert client.get("/wiki/Main_Page").context["user"] == alice


def test_repeated_failures_lock_the_username_even_for_the_right_password(alice, settings):
    for _ in range(settings.CANDOR_LOGIN_FAILURES_PER_USERNAME):
        _login(Client(REMOTE_ADDR="192.0.2.10"), "Alice", "guess")

    response = _login(Client(REMOTE_ADDR="192.0.2.11"), "Alice", PASSWORD)

    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()


def test_the_lock_lifts_when_the_window_has_passed(alice, settings):
    for _ in range(settings.CANDOR_LOGIN_FAILURES_PER_USERNAME):
        _login(Client(), "Alice", "guess")

    later = clock.now() + timedelta(minutes=settings.CANDOR_LOGIN_THROTTLE_MINUTES, seconds=1)
    with clock.frozen_at(later):
        response = _login(Client(), "Alice", PASSWORD)

    assert response.status_code == 302


def test_one_address_guessing_across_many_names_is_locked(make_account, settings):
    settings.CANDOR_LOGIN_FAILURES_PER_ADDRESS = 3
    make_account("Victim")
    guesser = Client(REMOTE_ADDR="192.0.2.99")
    for name in ("Ann", "Ben", "Cat"):
        _login(guesser, name, "guess")

    assert _login(guesser, "Victim", PASSWORD).status_code == 429
    assert _login(Client(REMOTE_ADDR="192.0.2.100"), "Victim", PASSWORD).status_code == 302


def test_throttle_records_hold_neither_the_name_nor_the_address(alice):
    _login(Client(REMOTE_ADDR="192.0.2.10"), "Alice", "guess")

    buckets = " ".join(FailedLogin.objects.values_list("bucket", flat=True))
    assert FailedLogin.objects.count() == 2
    assert "alice" not in buckets.lower() and "192.0.2.10" not in buckets


def test_a_successful_login_forgives_earlier_failures_of_the_name(alice, settings):
    for _ in range(settings.CANDOR_LOGIN_FAILURES_PER_USERNAME - 1):
        _login(Client(), "Alice", "guess")
    _login(Client(), "Alice", PASSWORD)

    _login(Client(), "Alice", "guess")

    assert _login(Client(), "Alice", PASSWORD).status_code == 302
