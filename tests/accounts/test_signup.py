"""C22–C24: an account needs only a username and a password; usernames are public; passwords are only
ever kept as a slow hash."""

import logging
import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import Client

from candor.accounts.models import User

PASSWORD = "S3cret-xyz-harbour"


def test_signup_with_only_a_username_and_a_password_creates_and_logs_in(client, db):
    response = client.post("/accounts/signup", {"username": "Dora", "password": PASSWORD})

    assert response.status_code == 302
    user = User.objects.get(username="Dora")
    assert user.email is None
    assert client.get("/wiki/Main_Page").context["user"] == user


def test_signup_form_asks_for_no_name_birth_date_address_phone_or_card(client, db):
    html = client.get("/accounts/signup").content.decode()

    names = set(re.findall(r'<input[^>]*name="([^"]+)"', html))
    labels = " ".join(re.findall(r"<label[^>]*>(.*?)</label>", html)).lower()
    assert names == {"csrfmiddlewaretoken", "next", "q", "username", "password", "email"}
    assert labels.replace("email address", "").strip()
    for forbidden in ("name", "birth", "address", "phone", "card"):
        assert forbidden not in labels.replace("username", "").replace("email address", "")


def test_the_email_field_is_optional_and_says_so(client, db):
    html = client.get("/accounts/signup").content.decode()

    email_input = re.search(r'<input[^>]*name="email"[^>]*>', html).group(0)
    assert "required" not in email_input
    assert "Email address (optional)" in html


def test_signup_form_warns_that_usernames_are_public(client, db):
    """C23."""
    html = client.get("/accounts/signup").content.decode()

    assert "Your username will be public" in html
    assert "careful about using your real name" in html


@pytest.mark.real_password_hashing
def test_the_password_is_stored_only_as_an_argon2_hash_and_never_logged(client, db, caplog):
    """C24: grep the database dump, the logs and the responses for the password: nothing."""
    caplog.set_level(logging.DEBUG)

    signup = client.post(
        "/accounts/signup", {"username": "Dora", "password": PASSWORD, "email": "dora@example.org"}
    )
    client.post("/accounts/logout")
    failed = client.post("/accounts/login", {"username": "Dora", "password": PASSWORD + "-wrong"})
    dump = StringIO()
    call_command("dumpdata", stdout=dump)

    user = User.objects.get(username="Dora")
    assert user.password.startswith("argon2$argon2id$v=19$m=102400,t=2,p=8$")  # Django's slow parameters
    assert PASSWORD not in dump.getvalue()
    assert PASSWORD not in caplog.text
    assert PASSWORD not in signup.content.decode() + failed.content.decode()
    assert authenticate(username="Dora", password=PASSWORD) == user
    assert authenticate(username="Dora", password=PASSWORD + "-wrong") is None


def test_a_refused_signup_keeps_the_username_but_never_echoes_the_password(client, db):
    response = client.post("/accounts/signup", {"username": "192.0.2.1", "password": PASSWORD})

    html = response.content.decode()
    assert response.status_code == 400
    assert 'value="192.0.2.1"' in html
    assert PASSWORD not in html


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("192.0.2.1", "cannot look like an IP address"),
        ("2001:db8::1", "cannot look like an IP address"),
        ("10.0.0.xxx", "cannot look like an IP address"),
        ("a" * 41, "at most 40 characters"),
        ("Ali<ce>", "cannot contain these characters"),
        ("Bob@home", "cannot contain these characters"),
        ("Zero\u200bwidth", "control or invisible characters"),
        ("   ", "This field is required"),
    ],
)
def test_impossible_usernames_are_refused_with_a_reason(client, db, username, message):
    response = client.post("/accounts/signup", {"username": username, "password": PASSWORD})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "lookalike",
    ["admin", "ADMIN", "Аdmin", "Admіn", "Adm1n", "AdmIn", "Admín", "Ａｄｍｉｎ"],
)
def test_a_confusable_duplicate_of_an_existing_name_is_refused(client, make_account, lookalike):
    make_account("Admin")

    response = client.post("/accounts/signup", {"username": lookalike, "password": PASSWORD})

    assert response.status_code == 400
    assert "looks too much like an existing one" in response.content.decode()
    assert User.objects.count() == 1


def test_paul_and_pau_capital_i_are_the_same_name_on_screen(client, make_account):
    make_account("Paul")

    response = client.post("/accounts/signup", {"username": "PauI", "password": PASSWORD})

    assert response.status_code == 400


def test_distinct_names_are_allowed(client, make_account):
    make_account("Mina")

    response = client.post("/accounts/signup", {"username": "Mila", "password": PASSWORD})

    assert response.status_code == 302


def test_usernames_are_canonical_like_titles(client, db):
    client.post("/accounts/signup", {"username": "  ada_lovelace ", "password": PASSWORD})

    assert User.objects.get().username == "Ada lovelace"


def test_a_weak_password_is_refused_with_a_reason(client, db):
    response = client.post("/accounts/signup", {"username": "Dora", "password": "12345678"})

    assert response.status_code == 400
    assert "too common" in response.content.decode() or "entirely numeric" in response.content.decode()
    assert not User.objects.exists()


def test_signup_returns_to_the_page_the_person_came_from_but_never_offsite(db):
    returning = Client().post(
        "/accounts/signup?next=/wiki/Harbour", {"username": "Dora", "password": PASSWORD}
    )
    offsite = Client().post(
        "/accounts/signup?next=https://evil.example/", {"username": "Eve", "password": PASSWORD}
    )

    assert returning["Location"] == "/wiki/Harbour"
    assert offsite["Location"] == "/"
