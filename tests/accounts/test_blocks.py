"""C48: administrators block accounts, addresses and ranges from editing; an autoblock stops the address a
blocked account last used without anyone seeing that address."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from candor.accounts.actions import do_accept_access_policy, do_block, do_grant_role, do_unblock
from candor.accounts.blocks import BlockRefused
from candor.accounts.models import Autoblock, Block, User
from candor.privacy import clock, retention
from candor.privacy.audit import AccessEventType, AccessLogEntry
from candor.privacy.roles import Role
from candor.publiclog.models import PublicLogEntry
from tests.steps import EDITOR_ADDRESS, READER_ADDRESS, revisions_of, save

ADMIN_ADDRESS = "192.0.2.60"


@pytest.fixture
def administrator_account(make_account):
    carol = make_account("Carol")
    do_grant_role(target=carol, role=Role.ADMINISTRATOR, reason="Elected by the community")
    return carol


@pytest.fixture
def administrator(administrator_account) -> Client:
    """Carol, an administrator: she may block; she sees no nonpublic data, so no second factor is asked."""
    client = Client(REMOTE_ADDR=ADMIN_ADDRESS)
    client.force_login(administrator_account)
    return client


def _with_every_gate(make_account, name: str, role: Role) -> Client:
    user = make_account(name)
    do_grant_role(target=user, role=role, reason="Elected by the community")
    do_accept_access_policy(user)
    client = Client(REMOTE_ADDR="192.0.2.61")
    client.force_login(user)
    client.get("/accounts/second-factor")
    device = TOTPDevice.objects.get(user=user)
    assert client.post("/accounts/second-factor", {"code": f"{totp(device.bin_key):06d}"}).status_code == 302
    return client


def _block(client: Client, target: str, reason: str = "Vandalism after warnings", duration: str = "1 week",
           **options: bool):  # fmt: skip
    data = {"form": "block", "target": target, "duration": duration, "reason": reason}
    data |= {name: "on" for name, chosen in options.items() if chosen}
    return client.post("/accounts/block", data)


def _unblock(client: Client, target: str, reason: str = "Agreed to stop"):
    return client.post(
        "/accounts/block", {"form": "unblock", "unblock-target": target, "unblock-reason": reason}
    )


def _block_log(client: Client) -> str:
    response = client.get("/wiki/Special:Log/block")
    assert response.status_code == 200
    return response.content.decode()


def test_an_autoblock_stops_logged_out_edits_from_the_accounts_last_address_without_showing_it(
    administrator, editor, reader
):
    """C48 verify: block Alice with autoblock; her address (198.51.100.77) cannot edit logged out; the
    public block log and the administrator's view show an autoblock id, never the address."""
    assert save(editor, "Dock", "Alice's dock.").status_code == 303  # from EDITOR_ADDRESS

    blocked = _block(administrator, "Alice", reason="Vandalism of Dock", autoblock=True)
    confirmation = administrator.get(blocked["Location"])
    autoblock_id = re.search(r"Autoblock #(\d+)", confirmation.content.decode()).group(1)

    logged_out_alice = Client(REMOTE_ADDR=EDITOR_ADDRESS)
    refused = save(logged_out_alice, "Dock", "Alice's dock, vandalised.")
    refused_html = refused.content.decode()
    assert blocked.status_code == 303
    assert refused.status_code == 403
    assert "Alice&#x27;s dock, vandalised." in refused_html  # the text is kept for its author
    assert f"Autoblock #{autoblock_id}" in refused_html
    assert "Your address was used by a blocked account." in refused_html
    assert "Carol" in refused_html  # who blocked
    assert "Alice" not in refused_html.replace("Alice&#x27;s dock", "")  # never which account
    assert "Vandalism of Dock" not in refused_html  # the account block's reason could name it
    assert [r.text for r in revisions_of("Dock")] == ["Alice's dock."]

    assert save(reader, "Dock", "A reader's dock.").status_code == 303  # another address can

    public_log, admin_view = _block_log(Client()), administrator.get("/accounts/block").content.decode()
    for page in (public_log, admin_view, confirmation.content.decode()):
        assert f"Autoblock #{autoblock_id}" in page
        assert EDITOR_ADDRESS not in page
    assert "Vandalism of Dock" in public_log and "Carol" in public_log and "User:Alice" in public_log
    stored = repr([*Block.objects.values_list(), *Autoblock.objects.values_list(),
                   *PublicLogEntry.objects.values_list()])  # fmt: skip
    assert EDITOR_ADDRESS not in stored
    # C88: reading her last address, even unseen, is on the privileged-access log, without the address.
    entry = AccessLogEntry.objects.get(event_type=AccessEventType.AUTOBLOCK)
    assert entry.actor.username == "Carol" and entry.target == f"user:{User.objects.get(username='Alice').pk}"
    assert entry.result_count == 1 and EDITOR_ADDRESS not in repr(AccessLogEntry.objects.values_list())


def test_an_autoblock_uses_the_accounts_own_last_address_not_a_failed_login_by_someone_else(
    administrator, editor
):
    """C48: anyone can type Alice's name into the login form; that address is not hers to autoblock."""
    save(editor, "Dock", "Alice's dock.")
    stranger = Client(REMOTE_ADDR="192.0.2.99")
    assert stranger.post("/accounts/login", {"username": "Alice", "password": "not hers"}).status_code == 400

    _block(administrator, "Alice", autoblock=True)

    assert save(Client(REMOTE_ADDR=EDITOR_ADDRESS), "Dock", "Logged out.").status_code == 403
    assert save(stranger, "Dock", "The stranger's edit.").status_code == 303


def test_an_autoblock_stops_logged_out_edits_only_and_can_be_lifted_alone(
    administrator, editor, make_account
):
    """C48, decision: an autoblock does not stop other accounts at the address (a shared address is not
    everyone's fault); lifting the autoblock alone frees the address, and Alice stays blocked."""
    save(editor, "Dock", "Alice's dock.")
    _block(administrator, "Alice", autoblock=True)
    bob_at_the_same_address = Client(REMOTE_ADDR=EDITOR_ADDRESS)
    bob_at_the_same_address.force_login(make_account("Bob"))
    autoblock_id = re.search(r"Autoblock #(\d+)", _block_log(Client())).group(1)

    assert save(bob_at_the_same_address, "Dock", "Bob's dock.").status_code == 303
    lifted = _unblock(administrator, f"#{autoblock_id}", reason="Collateral: a shared address")
    assert lifted.status_code == 303
    assert save(Client(REMOTE_ADDR=EDITOR_ADDRESS), "Dock", "Logged out.").status_code == 303
    assert save(editor, "Dock", "Alice again.").status_code == 403
    assert f"lifted Autoblock #{autoblock_id} of" in _block_log(Client())


def test_an_autoblock_is_made_and_shown_even_without_a_recent_address(administrator, make_account):
    """C48, C50: whether an account was used lately is not told by whether its autoblock exists."""
    with clock.frozen_at(clock.now() - timedelta(days=120)):
        make_account("Eve")  # her only recorded address is past the retention window

    confirmation = administrator.get(_block(administrator, "Eve", autoblock=True)["Location"])

    assert re.search(r"Autoblock #\d+", confirmation.content.decode())
    assert re.search(r"with Autoblock #\d+", _block_log(Client()))


def test_a_blocked_account_cannot_save_until_it_is_unblocked(administrator, editor):
    """C48: the blocked person sees why, by whom and until when; their text is kept."""
    assert _block(administrator, "Alice", reason="Edit warring on Dock", duration="1 day").status_code == 303

    refused = save(editor, "Dock", "Alice's dock.", "my summary")
    html = refused.content.decode()
    assert refused.status_code == 403
    assert "Your account" in html and "Edit warring on Dock" in html and "Carol" in html and "until" in html
    assert "Alice&#x27;s dock." in html and "my summary" in html
    assert revisions_of("Dock") == []

    assert _unblock(administrator, "Alice").status_code == 303
    assert save(editor, "Dock", "Alice's dock.").status_code == 303
    log = _block_log(Client())
    assert "blocked" in log and "unblocked" in log and "Agreed to stop" in log


def test_an_expired_block_no_longer_applies(administrator_account, editor_account, editor):
    """C48: expiry is compared with the clock; nothing has to lift the block."""
    do_block(performer=administrator_account, target="Alice", duration=timedelta(days=1), reason="Cool down")
    started = clock.now()

    with clock.frozen_at(started + timedelta(hours=23)):
        assert save(editor, "Dock", "Too early.").status_code == 403
    with clock.frozen_at(started + timedelta(days=1, minutes=1)):
        assert save(editor, "Dock", "After the block.").status_code == 303


def test_an_address_block_stops_logged_out_edits_from_that_address_only(administrator, reader, outsider):
    """C48: public, as a logged-out edit's address is; logged-in accounts there are not stopped unless the
    block says so."""
    assert _block(administrator, READER_ADDRESS, reason="Open proxy").status_code == 303

    refused = save(reader, "Dock", "From the proxy.")
    assert refused.status_code == 403 and "Open proxy" in refused.content.decode()
    assert save(Client(REMOTE_ADDR="203.0.113.10"), "Dock", "Next door.").status_code == 303
    outsider.defaults["REMOTE_ADDR"] = READER_ADDRESS
    assert save(outsider, "Dock", "Bob, logged in, at the proxy.").status_code == 303
    assert f"User:{READER_ADDRESS}" in _block_log(Client())


def test_a_range_block_stops_logged_out_edits_inside_the_range_and_not_outside(administrator, outsider):
    """C48: 203.0.113.0/24; and with "also logged-in accounts", Bob inside the range too."""
    assert _block(administrator, "203.0.113.0/24", reason="School range").status_code == 303
    hardblock = _block(administrator, "198.51.100.0/24", reason="Hardblock", applies_to_accounts=True)
    assert hardblock.status_code == 303
    assert _block(administrator, "2001:db8:1::/48", reason="IPv6 range").status_code == 303

    inside = save(Client(REMOTE_ADDR="203.0.113.200"), "Dock", "Inside.")
    assert inside.status_code == 403 and "203.0.113.0/24" in inside.content.decode()
    assert save(Client(REMOTE_ADDR="203.0.114.1"), "Dock", "Outside.").status_code == 303
    assert save(Client(REMOTE_ADDR="2001:db8:1::9"), "Dock", "Inside, IPv6.").status_code == 403
    assert save(Client(REMOTE_ADDR="2001:db8:2::9"), "Dock", "Outside, IPv6.").status_code == 303
    outsider.defaults["REMOTE_ADDR"] = "198.51.100.5"
    assert save(outsider, "Dock", "Bob inside a hardblocked range.").status_code == 403
    outsider.defaults["REMOTE_ADDR"] = "203.0.113.5"
    assert save(outsider, "Dock", "Bob inside a range of logged-out edits only.").status_code == 303


@pytest.mark.parametrize("too_wide", ["10.0.0.0/15", "2001:db8::/31"])
def test_ranges_wider_than_a_slash_16_or_slash_32_are_refused_with_a_clear_error(administrator, too_wide):
    """C48, as CheckUser limits ranges: IPv4 at most /16, IPv6 at most /32."""
    refused = _block(administrator, too_wide)

    assert refused.status_code == 400
    assert "too wide to block" in refused.content.decode()
    assert not Block.objects.exists()


@pytest.mark.parametrize("widest", ["10.0.0.0/16", "2001:db8::/32"])
def test_the_widest_allowed_ranges_can_be_blocked(administrator, widest):
    assert _block(administrator, widest).status_code == 303


def test_an_address_cannot_be_blocked_indefinitely_and_an_account_can(administrator, editor_account):
    """C48: addresses change hands."""
    refused = _block(administrator, "192.0.2.5", duration="indefinitely")

    assert refused.status_code == 400 and "limited time" in refused.content.decode()
    assert _block(administrator, "Alice", duration="indefinitely").status_code == 303
    assert "indefinitely" in _block_log(Client())


def test_blocking_twice_or_unblocking_what_is_not_blocked_is_refused(administrator_account, editor_account):
    do_block(performer=administrator_account, target="Alice", duration=None, reason="Sockpuppetry")

    with pytest.raises(BlockRefused, match="already blocked"):
        do_block(performer=administrator_account, target="alice", duration=None, reason="Again")
    with pytest.raises(BlockRefused, match="not blocked"):
        do_unblock(performer=administrator_account, target="192.0.2.5", reason="Nothing there")
    with pytest.raises(BlockRefused, match="not an account"):
        do_block(performer=administrator_account, target="Nobody", duration=None, reason="No such one")


def test_a_blocked_administrator_cannot_block_or_unblock(administrator_account, make_account, editor_account):
    """C48: a blocked account, privileged or not, cannot use the block tool, nor lift its own block."""
    other = make_account("Oscar")
    do_grant_role(target=other, role=Role.ADMINISTRATOR, reason="Elected")
    do_block(performer=other, target="Carol", duration=timedelta(days=1), reason="Compromised account")

    with pytest.raises(BlockRefused, match="Your account is blocked"):
        do_unblock(performer=administrator_account, target="Carol", reason="Let me out")
    with pytest.raises(BlockRefused, match="Your account is blocked"):
        do_block(performer=administrator_account, target="Alice", duration=None, reason="Revenge")


@pytest.mark.parametrize("persona", ["reader", "editor", "outsider", "checkuser"])
def test_only_administrators_and_stewards_can_block(request, make_account, persona):
    """C48, C99: everyone else gets 404 (the anonymous, the login form), as for a page that does not exist."""
    if persona == "checkuser":
        client = _with_every_gate(make_account, "Dave", Role.CHECKUSER)
    else:
        client = request.getfixturevalue(persona)

    for response in (client.get("/accounts/block"), _block(client, "192.0.2.5")):
        if persona == "reader":
            assert response.status_code == 302 and response["Location"].startswith("/accounts/login")
        else:
            assert response.status_code == 404
    assert not Block.objects.exists()


def test_administrators_and_stewards_can_block(administrator, make_account):
    steward = _with_every_gate(make_account, "Stella", Role.STEWARD)

    assert administrator.get("/accounts/block").status_code == 200
    assert steward.get("/accounts/block").status_code == 200
    assert _block(steward, "192.0.2.5").status_code == 303


def test_the_purge_deletes_expired_autoblocks_and_keeps_explicit_blocks(administrator_account, editor):
    """C48, C104: an autoblock's address hash lives 24 hours; the public block record stays."""
    save(editor, "Dock", "Alice's dock.")
    do_block(performer=administrator_account, target="Alice", duration=timedelta(days=7), reason="Spam",
             autoblock=True)  # fmt: skip
    do_block(performer=administrator_account, target="203.0.113.0/24", duration=timedelta(hours=2),
             reason="Spam")  # fmt: skip
    now = clock.now()

    retention.purge(as_of=now + timedelta(hours=23))
    assert Autoblock.objects.count() == 1
    with clock.frozen_at(now + timedelta(hours=25)):
        retention.purge()

    assert not Autoblock.objects.exists()
    assert Block.objects.count() == 2  # expired or not, an explicit block is the block log's record


def test_a_blocked_checkuser_cannot_use_the_privileged_tools(make_account):
    """Issue 5, gate 2: not blocked."""
    dave, steward = make_account("Dave"), make_account("Stella")
    do_grant_role(target=dave, role=Role.CHECKUSER, reason="Elected by the community")
    do_grant_role(target=steward, role=Role.STEWARD, reason="Elected by the community")
    do_accept_access_policy(dave)
    client = Client()
    client.force_login(dave)
    client.get("/accounts/second-factor")
    client.post("/accounts/second-factor", {"code": f"{totp(TOTPDevice.objects.get(user=dave).bin_key):06d}"})
    assert client.get("/accounts/checkuser").status_code == 200

    do_block(performer=steward, target="Dave", duration=None, reason="Misuse of the tool")

    response = client.get("/accounts/checkuser")
    assert response.status_code == 403 and "Your account is blocked" in response.content.decode()
