"""Issue 18 (C33, C34, C55, C87, C88, C90, C48): temporary accounts for logged-out editors, as an operator's
choice. With CANDOR_LOGGED_OUT_ATTRIBUTION=temporary_account, a logged-out edit is published under an
automatic name bound to the browser by a declared cookie; the address stays private, revealed only to a
temporary-account viewer with a reason, a second factor and an entry on the privileged-access log."""

import gzip
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import get_resolver
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from candor.accounts import temporary
from candor.accounts.actions import AccountRefused, do_accept_access_policy, do_grant_role
from candor.accounts.models import Block, TemporaryAccount, User
from candor.privacy import access, audit, clock, cookies
from candor.privacy.models import PrivateEvent
from candor.privacy.roles import Role
from candor.wiki.models import Revision
from tests.privacy.test_canary_crawl import (
    CRAWLER_ADDRESS,
    Crawl,
    address_canary,
    api_urls,
    planted,  # noqa: F401 (the crawl's fixture, used by name)
    start_urls,
)
from tests.steps import PASSWORD, READER_ADDRESS, opened, revisions_of, save

NAME = re.compile(r"~\d{4}-\d{5}")
START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def temporary_mode(settings):
    settings.CANDOR_LOGGED_OUT_ATTRIBUTION = "temporary_account"


def _author(title: str) -> User:
    return revisions_of(title)[-1].user


@pytest.mark.ip_attribution
def test_by_default_a_logged_out_edit_is_signed_with_its_address_and_sets_no_cookie(reader):
    """C33: the 2018 policy's default stays the default."""
    form = reader.get("/wiki/Pier?action=edit").content.decode()
    assert 'id="ip-warning"' in form and "temporary-account-notice" not in form
    response = save(reader, "Pier", "Wooden.")
    (revision,) = revisions_of("Pier")
    assert revision.user is None and revision.ip == READER_ADDRESS
    assert temporary.COOKIE_NAME not in response.cookies


def test_the_edit_form_says_a_temporary_account_will_be_made_before_the_first_save(temporary_mode, reader):
    form = reader.get("/wiki/Pier?action=edit").content.decode()
    assert 'id="temporary-account-notice"' in form and 'id="ip-warning"' not in form
    assert READER_ADDRESS not in form


def test_a_first_logged_out_edit_creates_a_temporary_account_and_publishes_no_address(temporary_mode, reader):
    """C33 (its exception gone), C34, C55."""
    response = save(reader, "Pier", "Wooden.")
    assert response.status_code == 303
    (revision,) = revisions_of("Pier")
    assert revision.ip is None and NAME.fullmatch(revision.user.username)
    assert revision.user.username == f"~{clock.now().year}-00001"
    assert not revision.user.has_usable_password()
    cookie = response.cookies[temporary.COOKIE_NAME]
    assert cookie["httponly"] and 90 * 24 * 3600 - 60 < int(cookie["max-age"]) <= 90 * 24 * 3600
    assert temporary.COOKIE_NAME in cookies.DECLARED_NAMES
    # The address is in the private event only, sealed, with the temporary account as its actor.
    event = PrivateEvent.objects.get(target=f"revision:{revision.pk}")
    assert event.actor_id == revision.user.pk and opened(event).ip == READER_ADDRESS
    for url in ("/wiki/Pier?action=history", "/wiki/Special:RecentChanges", "/wiki/Special:Log"):
        html = reader.get(url).content.decode()
        assert READER_ADDRESS not in html and revision.user.username in html, url


def test_the_same_browser_keeps_its_name_across_two_addresses(temporary_mode, reader):
    save(reader, "Pier", "Wooden.")
    save(reader, "Pier", "Wooden, long.", REMOTE_ADDR="192.0.2.200")
    first, second = revisions_of("Pier")
    assert first.user == second.user and second.ip is None
    assert TemporaryAccount.objects.count() == 1


def test_two_browsers_on_one_address_get_two_names(temporary_mode, reader):
    other = Client(REMOTE_ADDR=READER_ADDRESS)
    save(reader, "Pier", "Wooden.")
    save(other, "Pier", "Wooden, long.")
    first, second = revisions_of("Pier")
    assert first.user != second.user
    assert {first.user.username, second.user.username} == {"~2026-00001", "~2026-00002"} or all(
        NAME.fullmatch(revision.user.username) for revision in (first, second)
    )


def test_a_temporary_account_expires_on_day_90_and_not_on_day_89(temporary_mode, reader):
    with clock.frozen_at(START):
        save(reader, "Pier", "One.")
    with clock.frozen_at(START + timedelta(days=89, hours=23)):
        save(reader, "Pier", "Two.")
    with clock.frozen_at(START + timedelta(days=90)):
        response = save(reader, "Pier", "Three.")
    first, second, third = revisions_of("Pier")
    assert first.user == second.user != third.user
    assert first.user.username == "~2026-00001" and third.user.username == "~2026-00002"
    assert revisions_of("Pier")[0].user.username == "~2026-00001"  # its edits keep its name forever
    assert int(response.cookies[temporary.COOKIE_NAME]["max-age"]) == 90 * 24 * 3600


def test_a_shorter_lifetime_is_allowed_and_a_longer_one_stops_start_up(temporary_mode, reader, settings):
    settings.CANDOR_TEMPORARY_ACCOUNT_DAYS = 30
    with clock.frozen_at(START):
        response = save(reader, "Pier", "One.")
    assert int(response.cookies[temporary.COOKIE_NAME]["max-age"]) == 30 * 24 * 3600
    from django.core.exceptions import ImproperlyConfigured

    from candor.settings import env_int

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CANDOR_TEMPORARY_ACCOUNT_DAYS", "91")
        with pytest.raises(ImproperlyConfigured):
            env_int("CANDOR_TEMPORARY_ACCOUNT_DAYS", 90, minimum=1, maximum=90)


def test_nobody_can_choose_a_temporary_name_or_log_in_as_one(temporary_mode, reader):
    save(reader, "Pier", "Wooden.")
    name = _author("Pier").username
    signup = Client().post(
        "/accounts/signup", {"username": "~2026-00099", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert not User.objects.filter(username="~2026-00099").exists() and signup.status_code != 302
    login = Client().post("/accounts/login", {"username": name, "password": ""})
    assert "_auth_user_id" not in login.client.session


def test_an_address_block_stops_a_temporary_account_and_an_account_block_too(
    temporary_mode, reader, make_account
):
    """C48: blocks work with temporary accounts."""
    save(reader, "Pier", "Wooden.")
    admin = make_account("Ada")
    now = clock.now()
    block = Block.objects.create(
        target_user=_author("Pier"), performer=admin, reason="Vandalism only", created_at=now
    )
    assert save(reader, "Pier", "Vandal.").status_code == 403
    block.delete()
    assert save(reader, "Pier", "Wooden, longer.").status_code == 303


def test_a_role_cannot_go_to_a_temporary_account(temporary_mode, reader):
    save(reader, "Pier", "Wooden.")
    with pytest.raises(AccountRefused):
        do_grant_role(target=_author("Pier"), role=Role.CHECKUSER, reason="Not possible at all")


def test_an_api_edit_logged_out_gets_the_same_treatment_and_keeps_the_cookie(temporary_mode, reader):
    """C33 through the Action API: the cookie of the form's temporary account, when the client sends it."""
    save(reader, "Pier", "Wooden.")
    data = {"action": "edit", "format": "json", "title": "Pier", "text": "By the API.", "token": "+\\"}
    answer = reader.post("/w/api.php", data)
    assert answer.json()["edit"]["result"] == "Success"
    first, second = revisions_of("Pier")
    assert second.ip is None and second.user == first.user
    cookieless = Client(REMOTE_ADDR=READER_ADDRESS).post("/w/api.php", {**data, "text": "Another."})
    assert temporary.COOKIE_NAME in cookieless.cookies
    third = revisions_of("Pier")[-1]
    assert third.ip is None and third.user not in (first.user, None)
    listing = reader.get("/w/api.php", {"action": "query", "list": "recentchanges", "format": "json"})
    assert READER_ADDRESS not in listing.content.decode()


@pytest.mark.parametrize("statement", ["/privacy/data", "/privacy/cookies"])
def test_the_data_page_and_the_cookie_statement_describe_the_mode_in_force(settings, reader, statement):
    """Issue 18: whichever way this wiki signs edits made without an account, these pages say it. (Not named
    `page`: that is Playwright's fixture, and a test using it is moved among the browser tests.)"""
    section = re.compile(r'<section id="logged-out-signature">(.*?)</section>', re.S)
    settings.CANDOR_LOGGED_OUT_ATTRIBUTION = "ip"
    by_address = section.search(reader.get(statement).content.decode()).group(1)
    settings.CANDOR_LOGGED_OUT_ATTRIBUTION = "temporary_account"
    settings.CANDOR_TEMPORARY_ACCOUNT_DAYS = 30
    by_name = section.search(reader.get(statement).content.decode()).group(1)
    assert "signed with the <strong>IP address</strong>" in by_address and "temporary" not in by_address
    assert "<strong>temporary account</strong>" in by_name and "valid for 30 days" in by_name
    assert "IP address is not published" in by_name


def test_the_action_api_marks_a_temporary_account_as_mediawiki_does(temporary_mode, reader, editor):
    """`temp` in list=users and in meta=userinfo for the browser that holds one (MediaWiki's flag)."""
    save(reader, "Pier", "Wooden.")
    save(editor, "Dock", "Alice's edit.")
    name = _author("Pier").username
    query = {"action": "query", "format": "json", "formatversion": "2"}
    users = reader.get(
        "/w/api.php", {**query, "list": "users", "ususers": f"{name}|Alice", "usprop": "groups"}
    )
    temporary_item, alice = users.json()["query"]["users"]
    assert temporary_item["name"] == name and temporary_item["temp"] is True
    assert temporary_item["groups"] == ["*", "temp"]
    assert "temp" not in alice and alice["groups"] == ["*", "user"]
    me = reader.get("/w/api.php", {**query, "meta": "userinfo"}).json()["query"]["userinfo"]
    assert me["name"] == name and me["temp"] is True and "anon" not in me
    stranger = Client(REMOTE_ADDR=READER_ADDRESS).get("/w/api.php", {**query, "meta": "userinfo"})
    assert stranger.json()["query"]["userinfo"]["anon"] is True


def _pass_second_factor(client: Client, user) -> None:
    client.get("/accounts/second-factor")
    device = TOTPDevice.objects.get(user=user)
    assert client.post("/accounts/second-factor", {"code": f"{totp(device.bin_key):06d}"}).status_code == 302


@pytest.fixture
def viewer_account(make_account):
    vera = make_account("Vera")
    do_grant_role(target=vera, role=Role.TEMPORARY_ACCOUNT_VIEWER, reason="Granted by a steward")
    return vera


@pytest.fixture
def viewer(viewer_account) -> Client:
    client = Client(REMOTE_ADDR="192.0.2.71")
    client.force_login(viewer_account)
    do_accept_access_policy(viewer_account)
    _pass_second_factor(client, viewer_account)
    return client


REVEAL = "/accounts/temporary-account-reveal"


def test_a_viewer_reveals_the_address_with_a_reason_on_the_access_log(temporary_mode, reader, viewer):
    """C87, C88, C90."""
    save(reader, "Pier", "Wooden.")
    name = _author("Pier").username
    response = viewer.post(REVEAL, {"username": name, "reason": "Repeated vandalism on Pier"})
    assert response.status_code == 200 and f"<td>{READER_ADDRESS}</td>" in response.content.decode()
    entry = audit.AccessLogEntry.objects.get(event_type=audit.AccessEventType.REVEAL_TEMPORARY_ACCOUNT)
    assert entry.reason == "Repeated vandalism on Pier" and READER_ADDRESS not in entry.target


def test_a_viewer_learns_whether_two_accounts_share_a_network_without_seeing_an_address(
    temporary_mode, reader, viewer, outsider
):
    """Issue 18, C87, C88: MediaWiki's "same network" answer, offered before the address and on the log."""
    neighbour = Client(REMOTE_ADDR="203.0.113.200")  # the reader's /24
    stranger = Client(REMOTE_ADDR="192.0.2.14")
    for client, title in ((reader, "Pier"), (neighbour, "Dock"), (stranger, "Quay")):
        save(client, title, "Wooden.")
    first, second, third = (_author(title).username for title in ("Pier", "Dock", "Quay"))
    page = viewer.get(REVEAL).content.decode()
    assert page.index('id="compare-networks"') < page.index('id="reveal-address"')

    def compare(one: str, other: str):
        return viewer.post(
            REVEAL, {"compare": "1", "first": one, "second": other, "reason": "Two vandals or one?"}
        )

    same, different = compare(first, second), compare(first, third)
    assert same.status_code == different.status_code == 200
    assert "the same network" in same.content.decode()
    assert "not the same network" in different.content.decode()
    for answer in (same, different):
        body = answer.content.decode()
        assert not any(
            address in body for address in (READER_ADDRESS, "203.0.113.200", "192.0.2.14", "203.0.113")
        )
    entries = audit.AccessLogEntry.objects.filter(event_type=audit.AccessEventType.COMPARE_NETWORKS)
    assert entries.count() == 2 and {entry.reason for entry in entries} == {"Two vandals or one?"}
    unlogged = outsider.post(
        REVEAL, {"compare": "1", "first": first, "second": second, "reason": "Just curious, honestly"}
    )
    assert unlogged.status_code == 404 and entries.count() == 2
    missing = compare(first, "~2026-99999")
    assert missing.status_code == 400 and entries.count() == 2


def test_a_reveal_without_the_role_without_a_reason_or_without_the_log_shows_nothing(
    temporary_mode, reader, viewer, outsider, editor, monkeypatch
):
    save(reader, "Pier", "Wooden.")
    name = _author("Pier").username
    assert outsider.post(REVEAL, {"username": name, "reason": "Just curious, honestly"}).status_code == 404
    short = viewer.post(REVEAL, {"username": name, "reason": "curious"})
    assert short.status_code == 400 and READER_ADDRESS not in short.content.decode()
    save(editor, "Dock", "Alice's edit.")
    real = viewer.post(REVEAL, {"username": "Alice", "reason": "Not a temporary account"})
    assert real.status_code == 400 and "198.51.100.77" not in real.content.decode()

    def unavailable(**kwargs):
        raise audit.AuditUnavailable("the log is down")

    monkeypatch.setattr(audit, "append", unavailable)
    down = viewer.post(REVEAL, {"username": name, "reason": "Repeated vandalism on Pier"})
    assert down.status_code == 503 and READER_ADDRESS not in down.content.decode()
    assert not audit.AccessLogEntry.objects.filter(
        event_type=audit.AccessEventType.REVEAL_TEMPORARY_ACCOUNT
    ).exists()


def test_a_viewer_without_a_second_factor_is_stopped_at_the_gate(temporary_mode, reader, viewer_account):
    save(reader, "Pier", "Wooden.")
    client = Client()
    client.force_login(viewer_account)
    do_accept_access_policy(viewer_account)
    response = client.post(
        REVEAL, {"username": _author("Pier").username, "reason": "Repeated vandalism here"}
    )
    assert response.status_code == 403 and READER_ADDRESS not in response.content.decode()
    assert access.roles_of(viewer_account) == {Role.TEMPORARY_ACCOUNT_VIEWER}


# The canary crawl's twin (C33, C34): with temporary accounts, the one allowed exception disappears.


@pytest.mark.parametrize("persona", ["anonymous", "bob"])
def test_with_temporary_accounts_no_address_of_any_editor_reaches_any_public_response(
    settings, persona, request
):
    """C33 with CANDOR_LOGGED_OUT_ATTRIBUTION=temporary_account: the canary crawl of
    tests/privacy/test_canary_crawl.py, the logged-out reader's address a canary like every other."""
    settings.CANDOR_LOGGED_OUT_ATTRIBUTION = "temporary_account"
    planted_traces = request.getfixturevalue("planted")
    reader_revision = Revision.objects.get(pk=planted_traces.reader_revision_id)
    assert reader_revision.ip is None and reader_revision.user.is_temporary
    client = (
        Client(REMOTE_ADDR=CRAWLER_ADDRESS) if persona == "anonymous" else request.getfixturevalue("outsider")
    )
    canaries = [*planted_traces.canaries(), address_canary("the logged-out reader's address", READER_ADDRESS)]
    crawl = Crawl(client, canaries)
    patterns = get_resolver().url_patterns
    crawl.run([*start_urls(patterns, planted_traces), *api_urls(planted_traces)])
    assert not crawl.bound_reached and len(crawl.fetched) > 100
    history = crawl.page("/wiki/Harbour?action=history")
    assert history is not None and reader_revision.user.username.lower() in history.body
    # The schema's documentation example of a contributor names the same documentation address.
    schema_example = "/api/openapi.json: the logged-out reader's address"
    problems = [problem for problem in crawl.problems if not problem.startswith(schema_example)]
    assert not problems, f"as {persona}, {len(crawl.problems)} problems:\n" + "\n".join(crawl.problems[:60])


def test_with_temporary_accounts_the_dump_and_the_exports_name_no_address(db, settings, request, tmp_path):
    """C33, C95 with CANDOR_LOGGED_OUT_ATTRIBUTION=temporary_account: the public dump, `candor export_dump`
    and Special:Export carry the temporary account's name for the logged-out edit, and no editor's address."""
    settings.CANDOR_LOGGED_OUT_ATTRIBUTION = "temporary_account"
    planted_traces = request.getfixturevalue("planted")
    name = Revision.objects.get(pk=planted_traces.reader_revision_id).user.username
    canaries = [*planted_traces.canaries(), address_canary("the logged-out reader's address", READER_ADDRESS)]
    call_command("dump", str(tmp_path / "dump.jsonl.gz"))
    call_command("export_dump", str(tmp_path / "export.xml.gz"))
    published = {
        "candor dump": gzip.decompress((tmp_path / "dump.jsonl.gz").read_bytes()).decode(),
        "candor export_dump": gzip.decompress((tmp_path / "export.xml.gz").read_bytes()).decode(),
        "Special:Export": Client().get("/wiki/Special:Export/Harbour?history=1").content.decode(),
    }

    for where, text in published.items():
        assert name in text, where
        assert [canary.what for canary in canaries if canary.found_in(text.lower())] == [], where
