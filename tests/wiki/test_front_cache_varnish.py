"""Issue 19 §2; C20, C34, C99: Candor behind a real Varnish (Debian's `varnish`, 7.1) running the shipped
deploy/varnish.vcl, started by the test on 127.0.0.1 in front of a live Candor and stopped by its PID.

Every route of the URL configuration is requested through the cache by a logged-in reader and by a
CheckUser, then anonymously: the anonymous answer never carries what was rendered for them. An anonymous
page view is a cache hit the second time; an edit's PURGE job makes the next anonymous view show the new
text at once, long before the s-maxage; a request with a cookie is never answered from the cache."""

import http.client
import os
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import get_resolver

from candor.accounts.actions import do_grant_role
from candor.privacy import roles
from tests import varnishd
from tests.privacy.test_canary_crawl import routes
from tests.steps import EDITOR_ADDRESS, revisions_of, save, shared_views

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        varnishd.VARNISHD is None and os.environ.get("CI") != "true",
        reason="varnishd is not installed (apt-get install varnish; CI installs it and fails without it)",
    ),
]


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: str

    @property
    def cached(self) -> bool:
        """Served from Varnish's store: X-Cache (the VCL's) says HIT and X-Varnish names two requests."""
        return self.headers["X-Cache"] == "HIT" and len(self.headers["X-Varnish"].split()) == 2


class Varnish:
    def __init__(self, port: int):
        self.port = port

    def request(
        self, url: str, *, method: str = "GET", cookie: str = "", source: str = "", **headers
    ) -> Answer:
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=30, source_address=(source, 0) if source else None
        )
        try:
            sent = {name.replace("_", "-"): value for name, value in headers.items()}
            if cookie:
                sent["Cookie"] = cookie
            connection.request(method, url, headers=sent)
            response = connection.getresponse()
            return Answer(response.status, response.headers, response.read().decode("utf-8", "replace"))
        finally:
            connection.close()


@pytest.fixture
def varnish(live_server, tmp_path):
    """varnishd in the foreground, on a free port, with the shipped VCL pointed at the live server."""
    with varnishd.running(urlsplit(live_server.url).port, tmp_path) as cache:
        yield Varnish(cache.port)


def _session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return (
        f"{django_settings.SESSION_COOKIE_NAME}={client.cookies[django_settings.SESSION_COOKIE_NAME].value}"
    )


def _marks(user) -> list[str]:
    """What only a page rendered for `user` carries: the header's link to their user page (public pages
    link to it under another spelling, User:Name_With_Underscores) and the logout form."""
    return [f'<a href="/wiki/User:{quote(user.username)}">{user.username}</a>', 'action="/accounts/logout"']


@pytest.fixture
def harbour(editor):
    return shared_views(
        editor, "Harbour", "The harbour has a lighthouse.", "The harbour has a lighthouse and a ferry."
    )


def _every_get_route(harbour) -> list[str]:
    """Every route of the URL configuration with sample arguments; the logout last, as it ends the session."""
    samples = {
        "wiki/<path:raw_title>": [
            *harbour.values(),
            "/wiki/Harbour?action=edit",
            "/wiki/Special:RecentChanges",
            "/wiki/Special:Contributions/Alice",
            f"/wiki/Special:Contributions/{EDITOR_ADDRESS}",
            "/wiki/Special:Search?q=harbour",
            "/wiki/Special:Log",
            "/wiki/User:Alice",
            "/wiki/No_such_page",
        ],
        "api/v1/revisions/<revision_id>": [f"/api/v1/revisions/{revisions_of('Harbour')[-1].id}"],
        "api/<path:unknown>": ["/api/v1/x"],
        "stats/releases/<int:release_id>": ["/stats/releases/1"],
        "media/<str:sha256>": ["/media/" + "0" * 64],
        "media/thumb/<int:width>/<str:sha256>": ["/media/thumb/120/" + "0" * 64],
    }
    urls = []
    for route in routes(get_resolver().url_patterns):
        if route.converters:
            assert route.route in samples, f"add a sample for {route.route}"
            urls.extend(samples[route.route])
        else:
            urls.append(route.url())
    return sorted(set(urls), key=lambda url: url == "/accounts/logout")


def test_no_page_rendered_for_a_reader_or_a_checkuser_reaches_an_anonymous_one(
    varnish, harbour, make_account
):
    """C34, C99, C20: Wilhelmina (logged in) and Dave (a CheckUser) ask for every route through the cache;
    an anonymous reader asking next gets the anonymous page, never theirs."""
    wilhelmina = make_account("Wilhelmina Quill")
    dave = make_account("Dave Inspector")
    do_grant_role(target=dave, role=roles.Role.CHECKUSER, reason="Elected by the community")
    people = [(wilhelmina, _session_cookie(wilhelmina)), (dave, _session_cookie(dave))]

    leaks, rendered_for_them = [], 0
    for url in _every_get_route(harbour):
        for person, cookie in people:
            theirs = varnish.request(url, cookie=cookie)
            assert not theirs.cached, url
            rendered_for_them += all(mark in theirs.body for mark in _marks(person))
        anonymous = varnish.request(url)
        leaks.extend((url, mark) for person, _ in people for mark in _marks(person) if mark in anonymous.body)
    assert not leaks
    assert rendered_for_them > 20  # the marks were there to find, on their pages


def test_an_anonymous_page_view_is_served_from_the_cache_the_second_time(varnish, harbour):
    """C20: the second anonymous reader of a page, history, old revision, diff or raw text is answered by
    Varnish without reaching Candor; a cache revalidating its copy gets 304."""
    for view in ("page", "history", "old revision", "diff", "raw"):
        first = varnish.request(harbour[view])
        second = varnish.request(harbour[view])

        assert first.status == second.status == 200, view
        assert not first.cached and second.cached, view
        assert second.body == first.body and "Age" in second.headers, view
        revalidated = varnish.request(harbour[view], If_None_Match=second.headers["ETag"])
        assert revalidated.status == 304 and revalidated.body == "", view


def test_an_edit_purges_the_page_so_the_next_reader_sees_it_at_once(varnish, harbour, editor, jobs, settings):
    """C20: with an hour's s-maxage, the edit's PURGE job (CANDOR_CDN_SERVERS) makes the next anonymous
    view show the new text; without a cache listed, the cache keeps showing the old one."""
    settings.CANDOR_FRONT_CACHE_SECONDS = 3600
    settings.CANDOR_SITE_URL = f"http://127.0.0.1:{varnish.port}"  # the Host readers reach the cache by
    for url in ("/wiki/Harbour", "/wiki/Harbour?action=history"):
        varnish.request(url)
        cached = varnish.request(url)
        assert cached.cached and "Added a crane" not in cached.body
    assert "ferry" in varnish.request("/wiki/Harbour").body

    settings.CANDOR_CDN_SERVERS = [("127.0.0.1", varnish.port)]
    save(editor, "Harbour", "The harbour has a lighthouse, a ferry and a crane.", summary="Added a crane")

    page, history = varnish.request("/wiki/Harbour"), varnish.request("/wiki/Harbour?action=history")
    assert not page.cached and "crane" in page.body
    assert not history.cached and "Added a crane" in history.body
    assert varnish.request("/wiki/Harbour").cached

    settings.CANDOR_CDN_SERVERS = []
    save(editor, "Harbour", "The harbour has a lighthouse and a marina.")
    stale = varnish.request("/wiki/Harbour")
    assert stale.cached and "crane" in stale.body and "marina" not in stale.body


def test_purge_is_accepted_from_the_listed_addresses_only(varnish, harbour):
    """deploy/varnish.vcl's ACL: loopback (127.0.0.1, ::1) may purge; 127.0.0.2 may not."""
    varnish.request("/wiki/Harbour")
    assert varnish.request("/wiki/Harbour", method="PURGE", source="127.0.0.2").status == 403
    assert varnish.request("/wiki/Harbour").cached

    assert varnish.request("/wiki/Harbour", method="PURGE").status == 200
    assert not varnish.request("/wiki/Harbour").cached


def test_a_request_with_a_cookie_is_never_answered_from_the_cache(varnish, harbour, editor_account):
    """C34: the page is in the cache for anonymous readers; Alice (her session) and a reader who picked a
    language (its cookie) are answered by Candor, for them."""
    varnish.request("/wiki/Harbour")
    assert varnish.request("/wiki/Harbour").cached

    alice = varnish.request("/wiki/Harbour", cookie=_session_cookie(editor_account))
    assert not alice.cached and all(mark in alice.body for mark in _marks(editor_account))
    assert "private" in alice.headers["Cache-Control"]

    french = varnish.request("/wiki/Harbour", cookie=f"{django_settings.LANGUAGE_COOKIE_NAME}=fr")
    assert not french.cached and 'lang="fr"' in french.body
    assert varnish.request("/wiki/Harbour").cached  # and the anonymous copy is still the one served
