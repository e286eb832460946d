"""C99: every privileged route, found in the URL configuration by its `candor_roles` tag, answers each
persona as it must: the login form for the anonymous, 404 (as for a missing page) for everyone without
the role, the missing gate for a role holder who lacks one, and the page only when every gate is open."""

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from candor.accounts.actions import do_accept_access_policy, do_grant_role
from candor.privacy.roles import NONPUBLIC_ROLES, Role


def _privileged_routes(patterns=None, prefix=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from _privileged_routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif getattr(pattern.callback, "candor_roles", None):
            yield "/" + prefix + str(pattern.pattern), pattern.callback.candor_roles


ROUTES = list(_privileged_routes())


def _persona(make_account, name: str, role: Role | None, *, policy: bool = True, second_factor: bool = True):
    user = make_account(name)
    client = Client()
    client.force_login(user)
    if role is not None:
        do_grant_role(target=user, role=role, reason="test persona")
        if policy:
            do_accept_access_policy(user)
        if second_factor:
            client.get("/accounts/second-factor")
            device = TOTPDevice.objects.get(user=user)
            client.post("/accounts/second-factor", {"code": f"{totp(device.bin_key):06d}"})
    # A role that sees no nonpublic information (the administrator's) has no policy or second factor to pass.
    return client, role, role not in NONPUBLIC_ROLES or (policy and second_factor)


@pytest.fixture
def personas(make_account):
    return {
        "anonymous": (Client(), None, False),
        "editor": _persona(make_account, "Editor", None),
        "other user": _persona(make_account, "Other", None),
        "administrator": _persona(
            make_account, "Admin", Role.ADMINISTRATOR, policy=False, second_factor=False
        ),
        "checkuser without second factor": _persona(
            make_account, "Half", Role.CHECKUSER, second_factor=False
        ),
        "checkuser": _persona(make_account, "Checker", Role.CHECKUSER),
        "ombuds": _persona(make_account, "Ombuds", Role.OMBUDS),
    }


def test_the_url_configuration_has_privileged_routes_to_check():
    assert {route for route, _ in ROUTES} >= {"/accounts/checkuser", "/accounts/access-log"}


@pytest.mark.parametrize(("route", "roles"), ROUTES, ids=[route for route, _ in ROUTES])
def test_every_persona_gets_what_it_may_and_nothing_more(personas, route, roles):
    for name, (client, role, gates_open) in personas.items():
        for method, response in (
            ("GET", client.get(route)),
            ("POST", client.post(route, {"username": "Editor", "reason": "matrix test run"})),
        ):
            if role is None and name == "anonymous":
                expected = 302
            elif role not in roles:
                expected = 404
            elif not gates_open:
                expected = 403
            else:
                expected = 200
            if expected == 200 and method == "POST" and response.status_code == 400:
                expected = 400  # through every gate; the tool refused fields meant for another tool
            assert response.status_code == expected, f"{name} on {route}: {response.status_code}"
            if expected == 302:
                assert response["Location"].startswith("/accounts/login")
