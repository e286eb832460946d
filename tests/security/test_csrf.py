"""Every form route, enumerated from the URL configuration, refuses a POST without a CSRF token (issue 20 §3;
C62: the refusal says cookies are needed). The few routes that take no token are listed with their reason, so
that a new exemption has to be argued here."""

import pytest
from django.test import Client

from tests.security.urlconf import every_route, url_of
from tests.steps import EDITOR_ADDRESS

# Routes that authenticate a POST by something other than the session's token.
EXEMPT = {
    "accounts/unsubscribe": "the signed token in the link is the authentication (RFC 8058 one-click)",
    "privacy/announcements/unsubscribe": "the signed token in the link (RFC 8058 one-click)",
    "privacy/csp-report": "browsers post violation reports without cookies",
    "language": "the footer picker on every page; a forged post only changes a reader's interface language",
    "w/api.php": "the Action API's writes need MediaWiki's tokens (api/tokens.py)",
}
SAMPLE = {"sha256": "0" * 64, "width": "120", "release_id": "1", "raw_title": "Sandbox", "unknown": "v1/x"}


ROUTES = sorted(dict(every_route(skip=("api/",))).items())  # the JSON API: token-authenticated, tests/api


def test_the_exempt_routes_are_exactly_the_listed_ones():
    exempt = {route for route, callback in ROUTES if getattr(callback, "csrf_exempt", False)}
    assert exempt - {"api/<path:unknown>"} == set(EXEMPT)


@pytest.mark.parametrize("route", [route for route, callback in ROUTES if route not in EXEMPT])
def test_a_post_without_its_token_is_refused(route, editor_account):
    """Alice is logged in; a page elsewhere makes her browser post to Candor without the token: 403, with
    the page that explains cookies (C62), and nothing done."""
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR=EDITOR_ADDRESS)
    client.force_login(editor_account)
    url = url_of(route, SAMPLE) + ("?action=edit" if route == "wiki/<path:raw_title>" else "")

    response = client.post(url, {"text": "forged", "summary": "", "base": ""})

    assert response.status_code == 403, (url, response.status_code)
