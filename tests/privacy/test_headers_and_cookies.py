"""C53–C57, C62: first-party only, declared cookies or none, strict headers, usable without cookies."""

import os
import subprocess
import sys

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from candor.privacy.cookies import REGISTRY
from candor.urls import urlpatterns as site_patterns
from tests.steps import PASSWORD, save


def _sets_a_tracking_cookie(request):
    response = HttpResponse("hello")
    response.set_cookie("tracker", "abc", max_age=3600)
    response.set_cookie("csrftoken", "declared", max_age=60)
    return response


urlpatterns = [path("test/tracker", _sets_a_tracking_cookie), *site_patterns]


@pytest.mark.urls("tests.privacy.test_headers_and_cookies")
def test_an_undeclared_cookie_never_leaves_the_server(client, caplog):
    response = client.get("/test/tracker")

    assert "tracker" not in response.cookies
    assert "csrftoken" in response.cookies  # declared cookies pass
    assert "Dropped undeclared cookie 'tracker'" in caplog.text


@pytest.mark.parametrize(
    "url", ["/wiki/Main_Page", "/wiki/Special:Search?q=x", "/accounts/login", "/privacy"]
)
def test_every_response_carries_a_strict_first_party_policy(client, db, url):
    response = client.get(url)

    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp and "http" not in csp
    assert "report-uri /privacy/csp-report" in csp
    assert response["Referrer-Policy"] == "same-origin"
    assert "geolocation=(self)" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_production_serves_https_only_with_hsts(db):
    """C100: the production profile (CANDOR_HTTPS unset) redirects plain HTTP to HTTPS and sends HSTS."""
    environment = {key: value for key, value in os.environ.items() if key != "CANDOR_HTTPS"}
    script = (  # a static file: the answer needs no database
        "import django; django.setup(); from django.test import Client; "
        "client = Client(HTTP_HOST='127.0.0.1'); "
        "plain, secure = (client.get('/static/candor/candor.css', secure=s) for s in (False, True)); "
        "print(plain.status_code, plain.get('Location'), secure.get('Strict-Transport-Security'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )

    status, location, hsts = done.stdout.strip().split(maxsplit=2)
    assert status == "301" and location == "https://127.0.0.1/static/candor/candor.css"
    max_age, *directives = hsts.split("; ")
    assert int(max_age.removeprefix("max-age=")) >= 365 * 24 * 3600
    assert directives == ["includeSubDomains", "preload"]


def test_the_session_cookie_is_httponly_lax_and_secure(db, settings):
    settings.SESSION_COOKIE_SECURE = True  # production's default (CANDOR_HTTPS=true)
    response = Client().post("/accounts/signup", {"username": "Dora", "password": PASSWORD})

    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Lax"


def test_every_cookie_set_is_declared_and_lives_no_longer_than_declared(db):
    client = Client()
    seen = {}
    responses = [
        client.get("/accounts/signup"),
        client.post("/accounts/signup", {"username": "Dora", "password": PASSWORD}),
        client.get("/wiki/Pier?action=edit"),
        save(client, "Pier", "Text."),
        client.get("/accounts/preferences"),
        client.post("/accounts/logout"),
    ]
    for response in responses:
        for name, morsel in response.cookies.items():
            seen[name] = morsel["max-age"]
    declared = {cookie.name: cookie.lifetime for cookie in REGISTRY}
    assert set(seen) <= set(declared)
    for name, max_age in seen.items():
        if max_age not in ("", None) and declared[name] is not None:
            assert int(max_age) <= declared[name].total_seconds(), name


def test_logout_invalidates_the_session_on_the_server(db):
    """C56: replaying the old session cookie after logout is anonymous."""
    client = Client()
    client.post("/accounts/signup", {"username": "Dora", "password": PASSWORD})
    old_session = client.cookies["sessionid"].value
    client.post("/accounts/logout")

    replay = Client()
    replay.cookies["sessionid"] = old_session

    assert not replay.get("/wiki/Main_Page").context["user"].is_authenticated


def test_the_cookie_statement_lists_every_registered_cookie_and_says_no_local_storage(client, db):
    html = client.get("/privacy/cookies").content.decode()

    for cookie in REGISTRY:
        assert f"<code>{cookie.name}</code>" in html
    assert "keep nothing in your browser's local storage" in html


def test_reading_searching_and_history_work_without_cookies(reader):
    """C62: a client that never keeps a cookie can still read."""
    save(reader, "Pier", "Text.")
    for url in ("/wiki/Pier", "/wiki/Special:Search?q=text", "/wiki/Pier?action=history"):
        reader.cookies.clear()
        assert reader.get(url).status_code == 200


def test_logging_in_without_cookies_says_cookies_are_needed(make_account):
    """C62: the login form, posted without its cookie, explains itself instead of failing silently."""
    make_account("Dora")
    cookieless = Client(enforce_csrf_checks=True)

    response = cookieless.post("/accounts/login", {"username": "Dora", "password": PASSWORD})

    assert response.status_code == 403
    assert "Logging in and signing up need cookies" in response.content.decode()
