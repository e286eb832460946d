"""C87–C91, C99: privileged roles see recent nonpublic data only through every gate, with a reason, on the
record; everyone else cannot tell that the tool exists."""

import sys

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from candor.accounts.actions import do_accept_access_policy, do_grant_role
from candor.privacy import audit, clock, roles
from candor.privacy.keystore import keystore
from candor.publiclog.models import PublicLogEntry
from tests.steps import EDITOR_ADDRESS, EDITOR_AGENT, READER_ADDRESS, save


def _pass_second_factor(client: Client, user) -> None:
    client.get("/accounts/second-factor")
    device = TOTPDevice.objects.get(user=user)
    assert client.post("/accounts/second-factor", {"code": f"{totp(device.bin_key):06d}"}).status_code == 302


@pytest.fixture
def checkuser_account(make_account):
    dave = make_account("Dave")
    do_grant_role(target=dave, role=roles.Role.CHECKUSER, reason="Elected by the community")
    return dave


@pytest.fixture
def checkuser(checkuser_account) -> Client:
    """Dave: CheckUser, policy accepted, second factor passed in this session."""
    client = Client(REMOTE_ADDR="192.0.2.70")
    client.force_login(checkuser_account)
    do_accept_access_policy(checkuser_account)
    _pass_second_factor(client, checkuser_account)
    return client


def _lookup(client: Client, username: str, reason: str = "Sockpuppet investigation, case 12"):
    return client.post("/accounts/checkuser", {"username": username, "reason": reason})


def test_a_checkuser_sees_the_recent_addresses_of_an_account_and_the_lookup_is_logged(checkuser, editor):
    """C87, C88."""
    save(editor, "Dock", "Alice's edit.")

    response = _lookup(checkuser, "Alice")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>CheckUser — Candor</title>" in html
    main = html.split("<main>", 1)[1]
    assert (
        EDITOR_ADDRESS in main and EDITOR_AGENT in main and EDITOR_ADDRESS not in html.split("<main>", 1)[0]
    )
    entry = audit.AccessLogEntry.objects.get(event_type=audit.AccessEventType.LOOKUP_ACCOUNT)
    assert entry.reason == "Sockpuppet investigation, case 12" and entry.result_count >= 1
    assert EDITOR_ADDRESS not in entry.target + entry.reason  # the log never holds the revealed values


def test_an_account_seen_from_more_addresses_than_one_query_fetches_shows_them_all(
    checkuser, editor_account, monkeypatch
):
    """C87: the sealed samples of a lookup are read in several queries when there are many (SQLite takes at
    most 32,766 parameters in one); none is lost between them."""
    from candor.privacy import access

    monkeypatch.setattr(access, "SEALED_VALUES_PER_QUERY", 2)
    addresses = [f"203.0.113.{n}" for n in range(1, 6)]
    for number, address in enumerate(addresses):
        seen = Client(REMOTE_ADDR=address)
        seen.force_login(editor_account)
        save(seen, f"Dock {number}", "Alice's edit.")

    main = _lookup(checkuser, "Alice").content.decode().split("<main>", 1)[1]

    assert all(f"<td>{address}</td>" in main for address in addresses)


def test_a_lookup_without_a_real_reason_is_refused_and_shows_nothing(checkuser, editor):
    save(editor, "Dock", "Alice's edit.")

    response = _lookup(checkuser, "Alice", reason="x")

    assert response.status_code == 400 and EDITOR_ADDRESS not in response.content.decode()
    assert not audit.AccessLogEntry.objects.filter(event_type=audit.AccessEventType.LOOKUP_ACCOUNT).exists()


def test_when_the_log_cannot_be_written_nothing_is_shown(checkuser, editor, monkeypatch):
    """C88, fail closed."""
    save(editor, "Dock", "Alice's edit.")

    def broken(**kwargs):
        raise audit.AuditUnavailable("disk full")

    monkeypatch.setattr(audit, "append", broken)
    response = _lookup(checkuser, "Alice")

    assert response.status_code == 503
    assert EDITOR_ADDRESS not in response.content.decode()


def test_only_the_retention_window_is_visible(checkuser, editor):
    """C87: older rows were purged (or their keys destroyed) and are not returned."""
    with clock.frozen_at(clock.now() - __import__("datetime").timedelta(days=91)):
        save(editor, "Old", "An old edit.", HTTP_USER_AGENT="OldAgent/1")
    save(editor, "New", "A new edit.")

    html = _lookup(checkuser, "Alice").content.decode()

    assert EDITOR_AGENT in html and "OldAgent/1" not in html


@pytest.mark.parametrize("persona", ["client", "editor", "outsider"])
def test_without_the_role_the_tools_answer_404_like_a_missing_page(request, db, persona):
    """C99, STYLE 3: same answer as for a page that does not exist."""
    client = request.getfixturevalue(persona)
    for url in ("/accounts/checkuser", "/accounts/second-factor", "/accounts/access-policy"):
        response = client.get(url)
        assert response.status_code in {404, 302}, url  # anonymous: sent to log in, like any private page
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login")
    assert client.post(
        "/accounts/checkuser", {"username": "Alice", "reason": "just curious about her"}
    ).status_code in {
        404,
        302,
    }


def test_the_role_takes_effect_only_after_the_policy_is_accepted_and_the_second_factor_passed(
    checkuser_account,
):
    """C90."""
    client = Client()
    client.force_login(checkuser_account)

    before_policy = client.get("/accounts/checkuser")
    client.post("/accounts/access-policy")
    before_second_factor = client.get("/accounts/checkuser")
    _pass_second_factor(client, checkuser_account)
    after = client.get("/accounts/checkuser")

    assert before_policy.status_code == 403 and "Accept the access policy" in before_policy.content.decode()
    assert (
        before_second_factor.status_code == 403 and "second factor" in before_second_factor.content.decode()
    )
    assert after.status_code == 200


def _publish_access_policy_version(monkeypatch, version: int) -> None:
    """A new version of the access policy, as a release would ship it: every module that reads the version
    sees the new one."""
    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith("candor.") and hasattr(module, "ACCESS_POLICY_VERSION"):
            monkeypatch.setattr(module, "ACCESS_POLICY_VERSION", version)


def test_a_new_access_policy_suspends_access_until_it_is_accepted_again(
    checkuser, checkuser_account, editor, monkeypatch
):
    """C90: Dave's access works under version 1; a new version closes it (403, asked to accept) until he
    reads and accepts it, and then it works again; both acceptances and the new one's log entry remain."""
    assert checkuser.get("/accounts/checkuser").status_code == 200
    current = roles.ACCESS_POLICY_VERSION

    _publish_access_policy_version(monkeypatch, current + 1)

    closed = checkuser.get("/accounts/checkuser")
    assert closed.status_code == 403 and "Accept the access policy" in closed.content.decode()
    assert _lookup(checkuser, "Alice").status_code == 403
    policy_page = checkuser.get("/accounts/access-policy")
    assert f"version {current + 1}" in policy_page.content.decode()
    assert "I accept this policy" in policy_page.content.decode()

    accepted = checkuser.post("/accounts/access-policy?next=/accounts/checkuser")

    assert accepted.status_code == 302 and accepted["Location"] == "/accounts/checkuser"
    assert checkuser.get("/accounts/checkuser").status_code == 200
    assert _lookup(checkuser, "Alice").status_code == 200
    assert set(
        roles.AccessPolicyAcceptance.objects.filter(user=checkuser_account).values_list("version", flat=True)
    ) == {current, current + 1}
    assert audit.AccessLogEntry.objects.filter(
        actor=checkuser_account,
        event_type=audit.AccessEventType.POLICY_ACCEPTED,
        target=f"policy:{current + 1}",
    ).exists()


def test_a_wrong_code_is_refused(checkuser_account):
    client = Client()
    client.force_login(checkuser_account)
    client.get("/accounts/second-factor")

    response = client.post("/accounts/second-factor", {"code": "000000"})

    assert response.status_code == 400 and "not right" in response.content.decode()


def test_granting_a_role_is_on_the_public_rights_log_without_any_address(checkuser_account):
    """C89, C91: who, whom, which role, when, the public reason; no address, no legal name."""
    entry = PublicLogEntry.objects.get(log_type="rights")

    html = Client().get("/wiki/Special:Log/rights").content.decode()

    assert "granted CheckUser" in html and "Dave" in html and "Elected by the community" in html
    assert entry.performer is None and "The operator" in html
    field_names = {field.name for field in roles.RoleAssignment._meta.get_fields()}
    assert not field_names & {"legal_name", "real_name", "id_document", "passport"}


def test_the_log_records_policy_acceptance_and_second_factor(checkuser, checkuser_account):
    kinds = set(
        audit.AccessLogEntry.objects.filter(actor=checkuser_account).values_list("event_type", flat=True)
    )

    assert {audit.AccessEventType.POLICY_ACCEPTED, audit.AccessEventType.SECOND_FACTOR} <= kinds


def test_an_address_lookup_finds_the_accounts_and_logged_out_actions_from_it(checkuser, editor, reader):
    """C87: through the blind index; logged with the address as its target, before anything is read."""
    save(editor, "Dock", "Alice's edit.")
    save(reader, "Dock", "A reader's edit.")

    html = checkuser.post(
        "/accounts/checkuser", {"address": EDITOR_ADDRESS, "reason": "Vandalism from this address, case 3"}
    ).content.decode()

    assert "Alice" in html and EDITOR_AGENT in html
    assert READER_ADDRESS not in html
    entry = audit.AccessLogEntry.objects.get(event_type=audit.AccessEventType.LOOKUP_ADDRESS)
    assert entry.target == f"ip:{EDITOR_ADDRESS}" and entry.result_count >= 1


@pytest.mark.parametrize(
    ("query", "found"), [("198.51.100.0/24", True), ("198.51.96.0/20", True), ("192.0.2.0/24", False)]
)
def test_a_range_lookup_finds_what_falls_inside_it(checkuser, editor, query, found):
    save(editor, "Dock", "Alice's edit.")

    html = checkuser.post(
        "/accounts/checkuser", {"address": query, "reason": "Range check for a vandal"}
    ).content.decode()

    assert (EDITOR_ADDRESS in html) is found
    assert audit.AccessLogEntry.objects.filter(event_type=audit.AccessEventType.LOOKUP_RANGE).count() == 1


IPV6_EDITOR = "2001:db8:4:5:6:7:8:9"


@pytest.mark.parametrize(
    ("query", "found"),
    [
        (IPV6_EDITOR, True),
        ("2001:db8:4:5::/64", True),
        ("2001:db8:4::/56", True),  # between indexed lengths: the /48 is searched, then filtered
        ("2001:db8:4::/48", True),
        ("2001:db8::/32", True),
        ("2001:db8:4:6::/64", False),
        ("2001:db8:5::/48", False),
        ("2001:db8:4:5:6:7:8:a", False),
    ],
)
def test_an_ipv6_lookup_finds_the_edit_at_every_indexed_length(checkuser, query, found):
    """C87: one blind-index key serves every network length; a lookup uses the tightest that fits."""
    save(Client(REMOTE_ADDR=IPV6_EDITOR), "Dock", "An edit from IPv6.")

    html = checkuser.post(
        "/accounts/checkuser", {"address": query, "reason": "Range check for a vandal"}
    ).content.decode()

    activity = html[html.index('id="checkuser-activity"') :]
    assert (f"<td>{IPV6_EDITOR}</td>" in activity) is found


@pytest.mark.parametrize("query", ["10.0.0.0/8", "2001:db8::/16", "not-an-address"])
def test_too_wide_or_malformed_ranges_are_refused(checkuser, query):
    response = checkuser.post("/accounts/checkuser", {"address": query, "reason": "Range check for a vandal"})

    assert response.status_code == 400
    assert not audit.AccessLogEntry.objects.filter(event_type__startswith="lookup").exists()


def test_once_the_day_key_is_destroyed_the_address_cannot_be_found(checkuser, editor):
    """The blind index dies with the key: a lookup by address finds nothing, even before rows are deleted."""
    save(editor, "Dock", "Alice's edit.")
    for day in keystore().days():
        keystore().destroy(day)

    html = checkuser.post(
        "/accounts/checkuser", {"address": EDITOR_ADDRESS, "reason": "Vandalism from this address, case 3"}
    ).content.decode()

    assert "Nothing recorded within the retention window" in html


@pytest.fixture
def steward(make_account) -> Client:
    stella = make_account("Stella")
    do_grant_role(target=stella, role=roles.Role.STEWARD, reason="Elected by the community")
    client = Client()
    client.force_login(stella)
    do_accept_access_policy(stella)
    _pass_second_factor(client, stella)
    return client


def test_a_steward_grants_and_removes_a_role_on_the_public_rights_log(steward, make_account):
    """C89: by an authorised user, publicly logged, and on the privileged-access log."""
    make_account("Erin")

    granted = steward.post(
        "/accounts/rights",
        {"username": "Erin", "role": "checkuser", "change": "grant", "reason": "Community vote"},
    )
    removed = steward.post(
        "/accounts/rights",
        {"username": "Erin", "role": "checkuser", "change": "remove", "reason": "Term ended"},
    )
    again = steward.post(
        "/accounts/rights",
        {"username": "Erin", "role": "checkuser", "change": "remove", "reason": "Term ended"},
    )

    assert granted.status_code == removed.status_code == 302 and again.status_code == 400
    log = Client().get("/wiki/Special:Log/rights").content.decode()
    assert "Stella</a> granted CheckUser" in log and "Stella</a> removed CheckUser" in log
    kinds = list(
        audit.AccessLogEntry.objects.filter(event_type__startswith="role").values_list(
            "event_type", flat=True
        )
    )
    assert kinds == ["role_granted", "role_removed"]
