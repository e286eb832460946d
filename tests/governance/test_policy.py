"""C03, C05: the policy is published at /privacy, linked from every page, and not editable as a wiki page."""

import datetime

import pytest
from django.template.loader import render_to_string

from candor.governance.models import PolicyVersion
from tests.steps import revisions_of, save


def test_the_policy_is_installed_as_version_1(db):
    policy = PolicyVersion.objects.get(number=1)

    assert policy.approved_on == datetime.date(2018, 5, 17)
    assert policy.effective_on == datetime.date(2018, 5, 24)
    assert "we believe that you shouldn’t have to provide personal information" in policy.text


def test_the_policy_page_is_public_and_says_what_using_the_site_means(client, db):
    response = client.get("/privacy")

    html = response.content.decode()
    assert response.status_code == 200
    assert not response.cookies
    assert "by using wikimedia sites, you consent to this policy" in html
    assert "version 1" in html and "2018-05-24" in html


@pytest.fixture
def pages_of_every_kind(reader):
    save(reader, "Harbour", "Boats.")
    save(reader, "Harbour", "Boats and ferries.")
    first, second = revisions_of("Harbour")
    return [
        "/wiki/Harbour",
        "/wiki/Harbour?action=history",
        f"/wiki/Harbour?diff={second.id}&oldid={first.id}",
        f"/wiki/Harbour?oldid={first.id}",
        "/wiki/Harbour?action=edit",
        "/wiki/Special:RecentChanges",
        "/wiki/Special:Search?q=boats",
        "/wiki/Special:Log",
        "/wiki/Special:Contributions/203.0.113.9",
        "/accounts/login",
        "/accounts/signup",
        "/privacy/cookies",
        "/about/disclaimers",
        "/wiki/No_such_page",
        "/wiki/Bad%3Ctitle",
        "/wiki/Special:Nothing",
        "/privacy",
    ]


def test_every_page_links_the_policy_disclaimers_and_cookie_statement_in_its_footer(
    reader, pages_of_every_kind
):
    for url in pages_of_every_kind:
        html = reader.get(url).content.decode()
        footer = html.split('<footer class="site">', 1)[1]
        assert '<a href="/privacy">Privacy policy</a>' in footer, url
        assert '<a href="/about/disclaimers">Disclaimers</a>' in footer, url
        assert '<a href="/privacy/cookies">Cookie statement</a>' in footer, url


def test_server_error_pages_link_the_policy_too():
    html = render_to_string("500.html")

    assert '<a href="/privacy">Privacy policy</a>' in html


def test_policy_page_says_it_is_protected_and_shows_its_version_history(client, db):
    html = client.get("/privacy").content.decode()

    assert "This page is protected" in html
    assert 'id="versions"' in html


def test_the_cookie_statement_lists_every_cookie_candor_sets(client, db):
    html = client.get("/privacy/cookies").content.decode()

    for name in ("sessionid", "csrftoken", "messages"):
        assert f"<code>{name}</code>" in html
    assert "first-party" in html


def test_the_policy_ends_with_who_approved_it_and_when_it_took_effect(client, db):
    """C115: version 1 carries its approver and dates, installed by the migrations."""
    html = client.get("/privacy").content.decode()

    assert "This version was approved by Katherine Maher on May 17, 2018" in html
    assert "went into effect on May 24, 2018" in html
