"""C31–C34: a permanent public history that names the account, or the IP of a logged-out edit, and
never the IP or user agent of a logged-in editor. C07: the same in every namespace, a user talk page and a
noticeboard of the project namespace included."""

import ipaddress

import pytest
from django.test import Client

from candor.publiclog.titles import parse
from candor.wiki.models import ImmutableError
from tests.steps import EDITOR_ADDRESS, EDITOR_AGENT, READER_ADDRESS, revisions_of, save


def test_history_lists_every_edit_including_a_blanking_and_each_diff_can_be_viewed(reader, editor):
    """C31: three edits, one of which blanks the page, are three revisions, each with a diff."""
    save(editor, "Quay", "Stone quay.")
    save(reader, "Quay", "Stone quay, rebuilt.")
    save(editor, "Quay", "", "blanked")

    revisions = revisions_of("Quay")
    history = reader.get("/wiki/Quay?action=history").content.decode()

    assert [r.text for r in revisions] == ["Stone quay.", "Stone quay, rebuilt.", ""]
    for revision in revisions:
        assert f"oldid={revision.id}" in history
        diff = reader.get(f"/wiki/Quay?diff={revision.id}")
        assert diff.status_code == 200
    assert "blanked" in history


# An article, a user talk page and a noticeboard (C07).
EVERY_KIND_OF_PAGE = ["Quay", "User talk:Bob", "Project:Noticeboard"]


@pytest.mark.ip_attribution
@pytest.mark.parametrize("title", EVERY_KIND_OF_PAGE)
def test_history_shows_the_time_and_the_username_or_the_ip(reader, editor, title):
    """C32, C07: Alice's edit shows "Alice"; the logged-out edit shows its IP; both with a timestamp."""
    save(editor, title, "Stone quay.")
    save(reader, title, "Stone quay, rebuilt.")
    alice, logged_out = revisions_of(title)

    history = reader.get(f"{parse(title).url}?action=history").content.decode()

    assert '<a href="/wiki/User:Alice">Alice</a>' in history
    assert f'<a href="/wiki/Special:Contributions/{READER_ADDRESS}">{READER_ADDRESS}</a>' in history
    for revision in (alice, logged_out):
        assert revision.timestamp.strftime("%Y-%m-%d %H:%M") in history


@pytest.mark.ip_attribution
@pytest.mark.parametrize("url_template", ["/wiki/Special:RecentChanges", "/wiki/Special:Contributions/{ip}"])
def test_recent_changes_and_contributions_attribute_logged_out_edits_to_the_ip(reader, url_template):
    save(reader, "Quay", "Stone quay.")

    html = reader.get(url_template.format(ip=READER_ADDRESS)).content.decode()

    assert READER_ADDRESS in html and "Quay" in html


@pytest.mark.ip_attribution
def test_a_trusted_proxy_passes_on_the_readers_address(settings, db):
    """C33: behind a listed proxy, the edit is attributed to the client in X-Forwarded-For."""
    settings.CANDOR_TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.0/8")]
    proxied = Client(REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="198.51.100.200, 203.0.113.9")

    save(proxied, "Quay", "Via the proxy.")

    assert revisions_of("Quay")[0].ip == "203.0.113.9"


@pytest.mark.ip_attribution
def test_a_forged_forwarded_for_header_from_an_untrusted_peer_is_ignored(settings, db):
    """C33: a client cannot choose the address its edit is attributed to."""
    settings.CANDOR_TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.0/8")]
    forger = Client(REMOTE_ADDR="192.0.2.66", HTTP_X_FORWARDED_FOR="203.0.113.1")

    save(forger, "Quay", "Forged.")

    assert revisions_of("Quay")[0].ip == "192.0.2.66"


@pytest.mark.ip_attribution
def test_ipv6_addresses_are_stored_and_shown_normalised(db):
    client = Client(REMOTE_ADDR="2001:DB8:0:0:0:0:0:7")

    save(client, "Quay", "From IPv6.")

    assert revisions_of("Quay")[0].ip == "2001:db8::7"
    assert "2001:db8::7" in client.get("/wiki/Quay?action=history").content.decode()


@pytest.mark.parametrize("title", EVERY_KIND_OF_PAGE)
def test_logged_in_ip_and_user_agent_never_reach_any_public_view(reader, editor, outsider, title):
    """C34, C07: Alice edits from 198.51.100.77 with "TestUA/1.0" → no public view shows either."""
    save(editor, title, "Alice's quay.", "first")
    save(editor, title, "Alice's quay, longer.", "second")
    first, second = revisions_of(title)
    url = parse(title).url
    urls = [
        url,
        f"{url}?action=history",
        f"{url}?action=raw",
        f"{url}?oldid={first.id}",
        f"{url}?diff={second.id}&oldid={first.id}",
        "/wiki/Special:RecentChanges",
        "/wiki/Special:Contributions/Alice",
        "/wiki/Special:Search?q=quay",
        "/wiki/Special:Log",
        "/wiki/Special:Log/newusers",
    ]
    for client in (reader, outsider):
        for url in urls:
            body = client.get(url).content.decode()
            assert EDITOR_ADDRESS not in body, url
            assert EDITOR_AGENT not in body, url
    assert all(revision.ip is None for revision in (first, second))


def test_contributions_of_the_ip_a_logged_in_editor_used_show_nothing(reader, editor):
    save(editor, "Quay", "Alice's quay.")

    html = reader.get(f"/wiki/Special:Contributions/{EDITOR_ADDRESS}").content.decode()

    assert "Quay" not in html
    assert "Nothing here." in html


def test_revisions_cannot_be_changed_or_deleted(reader):
    save(reader, "Quay", "Permanent.")
    revision = revisions_of("Quay")[0]

    revision.text = "Rewritten."
    with pytest.raises(ImmutableError):
        revision.save()
    with pytest.raises(ImmutableError):
        revision.delete()
    assert revisions_of("Quay")[0].text == "Permanent."


def test_history_pages_back_through_a_long_history(reader):
    for number in range(7):
        save(reader, "Quay", f"Version {number}.")
    ids = [revision.id for revision in revisions_of("Quay")]

    first_page = reader.get("/wiki/Quay?action=history&limit=3").content.decode()
    second_page = reader.get(f"/wiki/Quay?action=history&limit=3&before={ids[4]}").content.decode()
    newer_page = reader.get(f"/wiki/Quay?action=history&limit=3&after={ids[3]}").content.decode()

    assert all(f'?oldid={i}"' in first_page for i in ids[4:])
    assert f'?oldid={ids[3]}"' not in first_page
    assert f"before={ids[4]}" in first_page
    assert all(f'?oldid={i}"' in second_page for i in ids[1:4])
    assert all(f'?oldid={i}"' in newer_page for i in ids[4:])


@pytest.mark.parametrize("query", ["limit=abc", "before=-3", "after=x"])
def test_a_malformed_paging_request_is_a_clear_error(reader, query):
    save(reader, "Quay", "Text.")

    response = reader.get(f"/wiki/Quay?action=history&{query}")

    assert response.status_code == 400
    assert "must be" in response.content.decode()
