"""Every form route, enumerated from the URL configuration, refuses a POST without a CSRF token (issue 20 §3;
C62: the refusal says cookies are needed). The few routes that take no token are listed with their reason, so
that a new exemption has to be argued here."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

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


def _routes(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith("api/"):  # the JSON API: token-authenticated, proved in tests/api
                continue
            yield from _routes(entry, route)
        elif isinstance(entry, URLPattern):
            yield route, entry.callback


def _url(route: str) -> str:
    for name, value in SAMPLE.items():
        for converter in ("str", "int", "path"):
            route = route.replace(f"<{converter}:{name}>", value)
    assert "<" not in route, f"no sample value for {route}"
    return "/" + route


ROUTES = sorted({route: callback for route, callback in _routes()}.items())


def test_the_exempt_routes_are_exactly_the_listed_ones():
    exempt = {route for route, callback in ROUTES if getattr(callback, "csrf_exempt", False)}
    assert exempt - {"api/<path:unknown>"} == set(EXEMPT)


@pytest.mark.parametrize("route", [route for route, callback in ROUTES if route not in EXEMPT])
def test_a_post_without_its_token_is_refused(route, editor_account):
    """Alice is logged in; a page elsewhere makes her browser post to Candor without the token: 403, with
    the page that explains cookies (C62), and nothing done."""
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR=EDITOR_ADDRESS)
    client.force_login(editor_account)
    url = _url(route) + ("?action=edit" if route == "wiki/<path:raw_title>" else "")

    response = client.post(url, {"text": "forged", "summary": "", "base": ""})

    assert response.status_code == 403, (url, response.status_code)
