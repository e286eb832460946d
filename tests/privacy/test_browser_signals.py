"""C112, C113: Do Not Track and Global Privacy Control change nothing, and are only counted."""

import re

import pytest
from django.test import Client

from candor.privacy import browser_signals
from candor.privacy.models import BrowserSignalCount, PrivateEvent
from tests.steps import opened, save


def _normalised(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_responses_are_the_same_with_and_without_the_signals(reader):
    save(reader, "Pier", "Text.")
    for url in ("/wiki/Pier", "/wiki/Pier?action=edit", "/wiki/Special:Search?q=text", "/accounts/signup"):
        plain = Client().get(url)
        signalled = Client(HTTP_DNT="1", HTTP_SEC_GPC="1").get(url)

        assert _normalised(plain.content.decode()) == _normalised(signalled.content.decode()), url
        assert set(plain.cookies) == set(signalled.cookies), url
        assert sorted(plain.headers) == sorted(signalled.headers), url


def test_private_records_have_the_same_fields_with_the_signals(db):
    Client(HTTP_DNT="1", REMOTE_ADDR="192.0.2.5").post(
        "/wiki/A?action=edit", {"text": "a", "summary": "", "base": ""}
    )
    Client(REMOTE_ADDR="192.0.2.6").post("/wiki/B?action=edit", {"text": "b", "summary": "", "base": ""})

    with_signal, without = PrivateEvent.objects.order_by("id")
    assert opened(with_signal).ip and opened(without).ip and with_signal.event_type == without.event_type


@pytest.fixture
def no_counts_yet(db):
    """Earlier tests' requests may still be pending in this process: write them, then start from zero."""
    browser_signals.flush()
    BrowserSignalCount.objects.all().delete()


def test_signals_are_counted_as_daily_totals_only(no_counts_yet):
    for headers in ({"HTTP_DNT": "1"}, {"HTTP_DNT": "1", "HTTP_SEC_GPC": "1"}, {"HTTP_DNT": "0"}, {}):
        Client(**headers).get("/privacy")

    browser_signals.flush()

    totals = dict(BrowserSignalCount.objects.values_list("signal", "requests"))
    assert totals == {"dnt": 2, "gpc": 1}
    assert [f.name for f in BrowserSignalCount._meta.get_fields()] == ["id", "day", "signal", "requests"]


def test_flushes_from_several_processes_add_up(no_counts_yet):
    for _ in range(3):
        Client(HTTP_SEC_GPC="1").get("/privacy")
        browser_signals.flush()  # as if each request had been served by another process

    assert BrowserSignalCount.objects.get(signal="gpc").requests == 3


def test_the_cookie_statement_explains_do_not_track(client, db):
    """C113."""
    html = client.get("/privacy/cookies").content.decode()

    assert "Do Not Track" in html and "does not change its behaviour" in html
