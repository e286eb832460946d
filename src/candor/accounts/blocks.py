"""Blocks: administrators stop an account, an address or a range from editing (C48).

This module holds the rules and the reads: what a target is, the check on every save, the blocks in
effect. The tables are in models.py, the writes (`do_block`, `do_unblock`) in actions.py.

Two tables. `Block` holds what an administrator blocks by name: an account, an address, or a range (IPv4 up
to /16, IPv6 up to /32, as CheckUser limits them). These are public, as in MediaWiki: the block log
(Special:Log/block) shows who blocked what, until when and why, and the rows are kept as its record.
`Autoblock` holds what blocking an account "with autoblock" adds: the address the account last used,
blocked for 24 hours. That address is nonpublic, and stays so:

- `do_block` (accounts/actions.py) has privacy.access read it from the account's newest private event,
  on the record, and gets back only a keyed hash of it (HMAC-SHA256 under SECRET_KEY, in a domain of its
  own). The address is never stored, logged, shown or returned. A logged-out save is matched by hashing
  its own address the same way.
- The administrator, the public block log and the person stopped see "Autoblock #<id>". The person stopped
  is told that their address was used by a blocked account: never which one, nor the account block's
  reason, which may name it.
- An autoblock is made even when the account has no address within the retention window (its hash is then
  empty, and matches nothing), so that whether one exists says nothing of the account's recent use (C50).
- Autoblocks are never merged, even for one address: saying so would tell the administrator that two
  accounts shared an address, which only a CheckUser may learn, on the record.
- The hash is pseudonymous, not anonymous (with SECRET_KEY, all of IPv4 can be tried), so it is SECRET in
  the data map and lives no longer than the autoblock: the retention purge deletes expired rows, and
  lifting a block deletes its autoblocks at once.

An address or range block stops logged-out saves only, unless it says it also stops logged-in accounts:
an account's edits are attributed to the account, not the address, and a shared address (a school, a
mobile carrier) should not lock out everyone's account by default. Autoblocks stop logged-out saves only.
"""

import hashlib
import hmac
import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from candor.accounts import usernames
from candor.accounts.models import Autoblock, Block, BlockQuerySet, User
from candor.privacy import clock
from candor.privacy.capture import RequestMeta
from candor.privacy.network import WIDEST_RANGE, IPAddress, normalise_address, parse_address

AUTOBLOCK_DURATION = timedelta(hours=24)
AUTOBLOCK_REASON = gettext_noop("Your address was used by a blocked account.")  # translated where shown
# What the block form offers (its labels translated where shown). An address or range is never blocked
# indefinitely: addresses change hands.
DURATIONS: dict[str, timedelta | None] = {
    gettext_noop("2 hours"): timedelta(hours=2),
    gettext_noop("1 day"): timedelta(days=1),
    gettext_noop("3 days"): timedelta(days=3),
    gettext_noop("1 week"): timedelta(weeks=1),
    gettext_noop("1 month"): timedelta(days=31),
    gettext_noop("3 months"): timedelta(days=92),
    gettext_noop("1 year"): timedelta(days=365),
    gettext_noop("indefinitely"): None,
}

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class BlockRefused(ValueError):
    """The block or unblock cannot be made; `field` names the input at fault (None: the whole form)."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field


def parse_network(text: str) -> Network | None:
    """The address or range written in `text` (host bits cleared), or None when it is neither.

    BlockRefused when it is a range wider than WIDEST_RANGE.
    """
    try:
        network = ipaddress.ip_network(text.strip().strip("[]"), strict=False)
    except ValueError:
        return None
    if isinstance(network, ipaddress.IPv6Network) and network.prefixlen >= 96:
        mapped = network.network_address.ipv4_mapped
        if mapped is not None:  # ::ffff:203.0.113.0/120 is 203.0.113.0/24, as saves see it
            network = ipaddress.IPv4Network(f"{mapped}/{network.prefixlen - 96}")
    widest = WIDEST_RANGE[network.version]
    if network.prefixlen < widest:
        raise BlockRefused(
            "target",
            _(
                "The range %(range)s is too wide to block. A range can be at most a /16 for IPv4 (65,536 "
                "addresses) or a /32 for IPv6; block narrower ranges instead."
            )
            % {"range": network.compressed},
        )
    return network


def network_label(network: Network) -> str:
    if network.prefixlen == network.max_prefixlen:
        return network.network_address.compressed
    return network.compressed


def range_number(address: IPAddress) -> str:
    return f"{int(address):032x}"


def find_target(text: str) -> User | Network:
    network = parse_network(text)
    if network is not None:
        return network
    user = User.objects.filter(username=usernames.canonical(text)).first()
    if user is None:
        raise BlockRefused(
            "target",
            _("“%(target)s” is not an account, an IP address or a range (such as 203.0.113.0/24).")
            % {"target": text.strip()},
        )
    return user


def blocks_of(target: User | Network, now: datetime) -> BlockQuerySet:
    """The blocks in effect on exactly this account, address or range."""
    in_effect = Block.objects.in_effect(now)
    if isinstance(target, User):
        return in_effect.filter(target_user=target)
    return in_effect.filter(
        ip_version=target.version,
        range_start=range_number(target.network_address),
        range_end=range_number(target.broadcast_address),
    )


def address_hash(address: str) -> str:
    """The autoblock hash of an address: HMAC-SHA256 under SECRET_KEY, in its own domain, so that it equals
    no other keyed hash Candor makes (such as the login throttle's)."""
    message = f"candor.accounts.blocks.autoblock:{normalise_address(address) or address}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def account_is_blocked(user: User) -> bool:
    """A gate of the privileged tools (privacy.access.add_gate): a blocked account uses none of them."""
    return Block.objects.in_effect(clock.now()).filter(target_user=user).exists()


# --- The check on every save --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BlockNotice:
    """What a person stopped by a block is told: which block, why, by whom, until when."""

    reference: str  # "Block #5", "Autoblock #12": what to quote when asking for it to be lifted
    kind: str  # what is blocked: "account", "address" (theirs) or "range" (one that holds theirs)
    reason: str
    blocked_by: str  # the administrator's username
    until: datetime | None  # None: indefinitely
    network: str = ""  # the range, when `kind` is "range"

    @property
    def what(self) -> str:
        """What is blocked, in English, for the Action API's info text (the page words it in the reader's)."""
        if self.kind == "range":
            return f"The address range {self.network}, which has your address,"
        return "Your account" if self.kind == "account" else "Your IP address"


def edit_block(user: User | None, meta: RequestMeta) -> BlockNotice | None:
    """The block that stops this save now, as its author may see it; None when nothing does.

    `user` is the logged-in author (None: a logged-out save from `meta.ip`). A block whose expiry has passed
    (by clock.now()) no longer applies. Every save asks, and almost always nothing applies: each query asks
    for an id only, and a block and its performer are loaded only when one is found.
    """
    now = clock.now()
    in_effect = Block.objects.in_effect(now)
    if user is not None:
        block_id = in_effect.filter(target_user=user).values_list("pk", flat=True).first()
        if block_id is not None:
            block = Block.objects.select_related("performer").get(pk=block_id)
            return BlockNotice(
                f"Block #{block.pk}", "account", block.reason, block.performer.username, block.expires_at
            )
    address = parse_address(meta.ip)
    if address is None:
        return None
    covering = in_effect.filter(
        ip_version=address.version,
        range_start__lte=range_number(address),
        range_end__gte=range_number(address),
    )
    if user is not None:
        covering = covering.filter(applies_to_accounts=True)
    block_id = covering.order_by("-expires_at", "-id").values_list("pk", flat=True).first()
    if block_id is not None:
        block = Block.objects.select_related("performer").get(pk=block_id)
        single = block.range_start == block.range_end
        return BlockNotice(
            f"Block #{block.pk}",
            "address" if single else "range",
            block.reason,
            block.performer.username,
            block.expires_at,
            network="" if single else block.network,
        )
    if user is None:
        autoblocks = Autoblock.objects.filter(
            address_hash=address_hash(address.compressed), expires_at__gt=now
        )
        autoblock_id = autoblocks.order_by("-expires_at", "-id").values_list("pk", flat=True).first()
        if autoblock_id is not None:
            autoblock = Autoblock.objects.select_related("block__performer").get(pk=autoblock_id)
            return BlockNotice(
                f"Autoblock #{autoblock.pk}",
                "address",
                _(AUTOBLOCK_REASON),
                autoblock.block.performer.username,
                autoblock.expires_at,
            )
    return None


# --- The blocks in effect -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BlockRow:
    """A block in effect, as the administrators' page lists it: an autoblock by its number only."""

    reference: str
    target: str
    unblock_target: str  # what the unblock form takes for it
    blocked_by: str
    since: datetime
    until: datetime | None
    reason: str


def blocks_in_effect(now: datetime, limit: int = 500) -> list[BlockRow]:
    users = ("target_user__username", "performer__username")
    blocks = (
        Block.objects.in_effect(now)
        .select_related("target_user", "performer")
        .only("id", "network", "reason", "created_at", "expires_at", "target_user", "performer", *users)
        .order_by("-id")[:limit]
    )
    autoblocks = (
        Autoblock.objects.filter(expires_at__gt=now)
        .select_related("block__target_user", "block__performer")
        .only("id", "created_at", "expires_at", "block", "block__target_user", "block__performer",
              *(f"block__{name}" for name in users))
        .order_by("-id")[:limit]
    )  # fmt: skip
    rows = [
        BlockRow(f"Block #{b.pk}", b.target_label, b.target_label, b.performer.username, b.created_at,
                 b.expires_at, b.reason)
        for b in blocks
    ]  # fmt: skip
    rows += [
        BlockRow(f"Autoblock #{a.pk}",
                 _("Autoblock #%(number)s (of the block of %(target)s)") % {"number": a.pk,
                                                                         "target": a.block.target_label},
                 f"#{a.pk}", a.block.performer.username, a.created_at, a.expires_at, _(AUTOBLOCK_REASON))
        for a in autoblocks
    ]  # fmt: skip
    return sorted(rows, key=lambda row: row.since, reverse=True)
