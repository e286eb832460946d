"""The people of the governance stories: an administrator who runs policy changes, two legal officers (every
gate open: the access policy accepted, the second factor passed), and people with confirmed addresses."""

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from candor.accounts.actions import do_accept_access_policy, do_grant_role
from candor.accounts.models import User
from candor.governance.queries import forget_notices
from candor.privacy.roles import Role

# Day 0 of the stories: a notice sent at noon UTC on 1 March 2027.
DAY_0 = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fresh_site_notices():
    """The site notices are kept per process for a few seconds: no story sees another's."""
    forget_notices()
    yield
    forget_notices()


@dataclass
class Person:
    user: User
    client: Client


def _with_role(make_account, name: str, role: Role) -> Person:
    user = make_account(name)
    do_grant_role(target=user, role=role, reason="governance test persona")
    client = Client()
    client.force_login(user)
    if role != Role.ADMINISTRATOR:
        do_accept_access_policy(user)
        client.get("/accounts/second-factor")
        device = TOTPDevice.objects.get(user=user)
        client.post("/accounts/second-factor", {"code": f"{totp(device.bin_key):06d}"})
    return Person(user, client)


@pytest.fixture
def administrator(make_account) -> Person:
    return _with_role(make_account, "Ada", Role.ADMINISTRATOR)


@pytest.fixture
def legal_officer(make_account) -> Person:
    return _with_role(make_account, "Lena", Role.LEGAL_OFFICER)


@pytest.fixture
def second_legal_officer(make_account) -> Person:
    return _with_role(make_account, "Leo", Role.LEGAL_OFFICER)


@pytest.fixture
def carol(make_confirmed_account) -> User:
    """Someone with a confirmed address."""
    return make_confirmed_account("Carol", "carol@example.org")


@pytest.fixture
def dave(make_confirmed_account) -> User:
    return make_confirmed_account("Dave", "dave@example.org")


@pytest.fixture
def erin(make_account) -> User:
    """Someone who gave an address but never confirmed it: administrative mail does not go to her."""
    return make_account("Erin", email="erin@example.org")


@pytest.fixture
def frank(make_account) -> User:
    """Someone with no address at all."""
    return make_account("Frank")


def recipients(inbox) -> list[str]:
    return sorted(address for rcpt_tos, _ in inbox.messages for address in rcpt_tos)


def bodies(inbox) -> list[str]:
    return [content.decode() for _, content in inbox.messages]
