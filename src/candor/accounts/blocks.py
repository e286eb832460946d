"""Blocks: administrators stop an account, an address or a range from editing (C48).

Two tables. `Block` holds what an administrator blocks by name: an account, an address, or a range (IPv4 up
to /16, IPv6 up to /32, as CheckUser limits them). These are public, as in MediaWiki: the block log
(Special:Log/block) shows who blocked what, until when and why, and the rows are kept as its record.
`Autoblock` holds what blocking an account "with autoblock" adds: the address the account last used,
blocked for 24 hours. That address is nonpublic, and stays so:

- `do_block` reads it from the account's newest private event (privacy.capture.unseal) and keeps only a
  keyed hash of it (HMAC-SHA256 under SECRET_KEY, in a domain of its own). The address is never stored,
  logged, shown or returned. A logged-out save is matched by hashing its own address the same way.
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
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import models, transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from candor.accounts import usernames
from candor.accounts.models import User
from candor.privacy import access, audit, capture, clock
from candor.privacy.capture import RequestMeta
from candor.privacy.datamap import REQUEST_METADATA
from candor.privacy.models import EventType, PrivateEvent
from candor.privacy.network import WIDEST_RANGE, IPAddress, normalise_address, parse_address
from candor.privacy.roles import Role
from candor.publiclog.models import LogType
from candor.publiclog.titles import Namespace, Title
from candor.wiki import actions as wiki_actions

AUTOBLOCK_DURATION = timedelta(hours=24)
AUTOBLOCK_REASON = "Your address was used by a blocked account."
MAX_REASON_CHARS = 300
# What the block form offers. An address or range is never blocked indefinitely: addresses change hands.
DURATIONS: dict[str, timedelta | None] = {
    "2 hours": timedelta(hours=2),
    "1 day": timedelta(days=1),
    "3 days": timedelta(days=3),
    "1 week": timedelta(weeks=1),
    "1 month": timedelta(days=31),
    "3 months": timedelta(days=92),
    "1 year": timedelta(days=365),
    "indefinitely": None,
}

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


# --- The tables ---------------------------------------------------------------------------------------------


class BlockQuerySet(models.QuerySet["Block"]):
    def in_effect(self, now: datetime) -> "BlockQuerySet":
        return self.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now), lifted_at__isnull=True)


class Block(models.Model):
    """A block of an account, an address or a range, made by an administrator. Public (the block log)."""

    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="blocks"
    )
    # An address ("203.0.113.5") or a range ("203.0.113.0/24"); empty for an account block.
    network = models.CharField(max_length=43, blank=True)
    # The range as fixed-width hex, so that a save's address is matched by one indexed comparison on any
    # database (an IPv6 address does not fit in a 64-bit integer).
    ip_version = models.PositiveSmallIntegerField(null=True, blank=True)
    range_start = models.CharField(max_length=32, blank=True)
    range_end = models.CharField(max_length=32, blank=True)
    performer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=MAX_REASON_CHARS)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)  # None: indefinitely (accounts only)
    autoblock = models.BooleanField(default=False)
    applies_to_accounts = models.BooleanField(default=False)  # an address block that stops accounts too
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = BlockQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(target_user__isnull=False, network="", ip_version__isnull=True)
                    | (
                        Q(target_user__isnull=True, ip_version__isnull=False, expires_at__isnull=False)
                        & ~Q(network="")
                    )
                ),
                name="block_has_one_target",
            )
        ]
        indexes = [models.Index(fields=["ip_version", "range_start"], name="block_by_range")]

    def __str__(self) -> str:
        return f"block {self.pk} of {self.target_label}"

    @property
    def target_label(self) -> str:
        return self.target_user.username if self.target_user_id else self.network

    @property
    def target_title(self) -> Title:
        """The user page the block log links to, as MediaWiki's does (User:Alice, User:203.0.113.0/24)."""
        return Title(Namespace.USER, self.target_label)


class Autoblock(models.Model):
    """The last address of an account blocked with autoblock, as a keyed hash only, for 24 hours."""

    block = models.ForeignKey(Block, on_delete=models.CASCADE, related_name="autoblocks")
    address_hash = models.CharField(max_length=64, blank=True, db_index=True)  # empty: no address known
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"Autoblock #{self.pk}"


# --- Reading a target ---------------------------------------------------------------------------------------


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
            f"The range {network.compressed} is too wide to block. A range can be at most a /16 for IPv4 "
            f"(65,536 addresses) or a /32 for IPv6; block narrower ranges instead.",
        )
    return network


def _network_label(network: Network) -> str:
    if network.prefixlen == network.max_prefixlen:
        return network.network_address.compressed
    return network.compressed


def _number(address: IPAddress) -> str:
    return f"{int(address):032x}"


def _target(text: str) -> User | Network:
    network = parse_network(text)
    if network is not None:
        return network
    user = User.objects.filter(username=usernames.canonical(text)).first()
    if user is None:
        raise BlockRefused(
            "target",
            f"“{text.strip()}” is not an account, an IP address or a range (such as 203.0.113.0/24).",
        )
    return user


def _blocks_of(target: User | Network, now: datetime) -> BlockQuerySet:
    """The blocks in effect on exactly this account, address or range."""
    in_effect = Block.objects.in_effect(now)
    if isinstance(target, User):
        return in_effect.filter(target_user=target)
    return in_effect.filter(
        ip_version=target.version,
        range_start=_number(target.network_address),
        range_end=_number(target.broadcast_address),
    )


def _address_hash(address: str) -> str:
    """The autoblock hash of an address: HMAC-SHA256 under SECRET_KEY, in its own domain, so that it equals
    no other keyed hash Candor makes (such as the login throttle's)."""
    message = f"candor.accounts.blocks.autoblock:{normalise_address(address) or address}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


# --- Actions ------------------------------------------------------------------------------------------------


def _check_reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if not reason:
        raise BlockRefused("reason", "Give a reason: it is shown in the public block log and to the blocked.")
    if len(reason) > MAX_REASON_CHARS:
        raise BlockRefused("reason", f"The reason can be at most {MAX_REASON_CHARS} characters long.")
    return reason


def account_is_blocked(user: User) -> bool:
    """A gate of the privileged tools (privacy.access.add_gate): a blocked account uses none of them."""
    return Block.objects.in_effect(clock.now()).filter(target_user=user).exists()


def _refuse_if_blocked(performer: User, now: datetime) -> None:
    if Block.objects.in_effect(now).filter(target_user=performer).exists():
        raise BlockRefused(
            None, "Your account is blocked, so you cannot block or unblock. Ask another administrator."
        )


def do_block(
    *,
    performer: User,
    target: str,
    duration: timedelta | None,
    reason: str,
    autoblock: bool = False,
    applies_to_accounts: bool = False,
) -> Block:
    """Block `target` (a username, an address or a range) from editing for `duration` (None: indefinitely,
    accounts only), on the public block log. `autoblock` (accounts): also block, for 24 hours, the last
    address the account used, without anyone seeing it. `applies_to_accounts` (addresses and ranges): stop
    logged-in accounts editing from there too, not only logged-out edits."""
    reason = _check_reason(reason)
    found = _target(target)
    now = clock.now()
    _refuse_if_blocked(performer, now)
    if duration is not None and duration <= timedelta(0):
        raise BlockRefused("duration", "A block must last a while.")
    fields: dict = {"performer": performer, "reason": reason, "created_at": now}
    fields["expires_at"] = None if duration is None else now + duration
    if isinstance(found, User):
        if applies_to_accounts:
            raise BlockRefused(
                "applies_to_accounts", "“Also logged-in accounts” is for address and range blocks only."
            )
        fields.update(target_user=found, autoblock=autoblock)
    else:
        if duration is None:
            raise BlockRefused(
                "duration",
                "An address or range can be blocked only for a limited time: addresses change hands, and an "
                "indefinite block would fall on whoever has the address next.",
            )
        if autoblock:
            raise BlockRefused("autoblock", "Autoblock is for account blocks only.")
        fields.update(
            network=_network_label(found),
            ip_version=found.version,
            range_start=_number(found.network_address),
            range_end=_number(found.broadcast_address),
            applies_to_accounts=applies_to_accounts,
        )
    with transaction.atomic():
        existing = _blocks_of(found, now).first()
        if existing is not None:
            raise BlockRefused("target", f"{existing.target_label} is already blocked ({existing.reason}). "
                               "Unblock first to change the block.")  # fmt: skip
        block = Block.objects.create(**fields)
        made = _make_autoblock(block, now) if autoblock else None
        wiki_actions.record_public_log(
            log_type=LogType.BLOCK,
            action="blocked",
            performer=performer,
            target=block.target_title,
            comment=_log_comment(block, made),
        )
    return block


def _make_autoblock(block: Block, now: datetime) -> Autoblock:
    expires_at = now + AUTOBLOCK_DURATION
    if block.expires_at is not None:
        expires_at = min(expires_at, block.expires_at)
    address = _last_address(block.target_user, now)
    autoblock = Autoblock.objects.create(
        block=block,
        address_hash=_address_hash(address) if address else "",
        created_at=now,
        expires_at=expires_at,
    )
    # The address was read for the administrator, though never shown: the read is on the record (C88).
    audit.append(
        event_type=audit.AccessEventType.AUTOBLOCK,
        actor=block.performer,
        target=f"user:{block.target_user_id}",
        reason=block.reason,
        result_count=1 if address else 0,
    )
    return autoblock


def _last_address(user: User, now: datetime) -> str | None:
    """The address `user` last acted from, within the retention window; for hashing, never for showing.

    A failed login is not the account's own doing (anyone can type its name), so it does not count.
    """
    event = (
        PrivateEvent.objects.filter(actor=user, at__gte=now - REQUEST_METADATA.window)
        .exclude(event_type=EventType.LOGIN_FAILED)
        .only("sealed", "sealed_on")
        .order_by("-at", "-id")
        .first()
    )
    meta = capture.unseal(event) if event is not None else None
    return meta.ip if meta is not None else None


def _log_comment(block: Block, autoblock: Autoblock | None) -> str:
    if block.expires_at is None:
        terms = ["indefinitely"]
    else:
        terms = [f"until {block.expires_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"]
    if autoblock is not None:
        terms.append(f"with Autoblock #{autoblock.pk}")
    if block.network:
        terms.append("also logged-in accounts" if block.applies_to_accounts else "logged-out edits only")
    return f"{', '.join(terms)}: {block.reason}"


_AUTOBLOCK_REFERENCE = re.compile(r"^(?:autoblock\s*)?#(\d+)$", re.IGNORECASE)


def do_unblock(*, performer: User, target: str, reason: str) -> None:
    """Lift the block in effect on `target` (a username, an address, a range), with its autoblocks; or,
    for "#<id>", that autoblock alone (for someone else caught at the address). On the public block log."""
    reason = _check_reason(reason)
    now = clock.now()
    _refuse_if_blocked(performer, now)
    reference = _AUTOBLOCK_REFERENCE.match(target.strip())
    with transaction.atomic():
        if reference is not None:
            autoblock = (
                Autoblock.objects.select_related("block__target_user")
                .filter(pk=int(reference.group(1)), expires_at__gt=now)
                .first()
            )
            if autoblock is None:
                raise BlockRefused("target", f"There is no Autoblock #{reference.group(1)} in effect.")
            autoblock.delete()
            wiki_actions.record_public_log(
                log_type=LogType.BLOCK,
                action=f"lifted Autoblock #{reference.group(1)} of",
                performer=performer,
                target=autoblock.block.target_title,
                comment=reason,
            )
            return
        found = _target(target)
        block = _blocks_of(found, now).select_related("target_user").first()
        if block is None:
            label = found.username if isinstance(found, User) else _network_label(found)
            raise BlockRefused("target", f"{label} is not blocked.")
        block.lifted_at, block.lifted_by = now, performer
        block.save(update_fields=["lifted_at", "lifted_by"])
        block.autoblocks.all().delete()
        wiki_actions.record_public_log(
            log_type=LogType.BLOCK, action="unblocked", performer=performer, target=block.target_title,
            comment=reason,
        )  # fmt: skip


# --- The check on every save --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BlockNotice:
    """What a person stopped by a block is told: which block, why, by whom, until when."""

    reference: str  # "Block #5", "Autoblock #12": what to quote when asking for it to be lifted
    what: str  # what is blocked, in words for the person stopped
    reason: str
    blocked_by: str  # the administrator's username
    until: datetime | None  # None: indefinitely


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
                f"Block #{block.pk}", "Your account", block.reason, block.performer.username, block.expires_at
            )
    address = parse_address(meta.ip)
    if address is None:
        return None
    covering = in_effect.filter(
        ip_version=address.version, range_start__lte=_number(address), range_end__gte=_number(address)
    )
    if user is not None:
        covering = covering.filter(applies_to_accounts=True)
    block_id = covering.order_by("-expires_at", "-id").values_list("pk", flat=True).first()
    if block_id is not None:
        block = Block.objects.select_related("performer").get(pk=block_id)
        single = block.range_start == block.range_end
        what = "Your IP address" if single else f"The address range {block.network}, which has your address,"
        return BlockNotice(
            f"Block #{block.pk}", what, block.reason, block.performer.username, block.expires_at
        )
    if user is None:
        autoblocks = Autoblock.objects.filter(
            address_hash=_address_hash(address.compressed), expires_at__gt=now
        )
        autoblock_id = autoblocks.order_by("-expires_at", "-id").values_list("pk", flat=True).first()
        if autoblock_id is not None:
            autoblock = Autoblock.objects.select_related("block__performer").get(pk=autoblock_id)
            return BlockNotice(
                f"Autoblock #{autoblock.pk}",
                "Your IP address",
                AUTOBLOCK_REASON,
                autoblock.block.performer.username,
                autoblock.expires_at,
            )
    return None


# --- The administrators' page -------------------------------------------------------------------------------


class BlockForm(forms.Form):
    target = forms.CharField(
        max_length=200,
        label="Account, IP address or range",
        help_text="A username, an address such as 203.0.113.5, or a range such as 203.0.113.0/24 "
        "(at most /16 for IPv4, /32 for IPv6).",
    )
    duration = forms.ChoiceField(
        choices=[(name, name) for name in DURATIONS],
        initial="1 day",
        label="For",
        help_text="Addresses and ranges: a limited time only.",
    )
    reason = forms.CharField(max_length=MAX_REASON_CHARS, label="Reason (public: in the block log)")
    autoblock = forms.BooleanField(
        required=False,
        label="Autoblock: also block, for 24 hours, the last IP address this account used (you will not "
        "see it; it is shown as an autoblock number)",
    )
    applies_to_accounts = forms.BooleanField(
        required=False,
        label="Address or range: also stop logged-in accounts editing from it (otherwise: logged-out "
        "edits only)",
    )


class UnblockForm(forms.Form):
    target = forms.CharField(max_length=200, label="Account, IP address, range, or autoblock (#number)")
    reason = forms.CharField(max_length=MAX_REASON_CHARS, label="Reason (public: in the block log)")


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
        BlockRow(f"Autoblock #{a.pk}", f"Autoblock #{a.pk} (of the block of {a.block.target_label})",
                 f"#{a.pk}", a.block.performer.username, a.created_at, a.expires_at, AUTOBLOCK_REASON)
        for a in autoblocks
    ]  # fmt: skip
    return sorted(rows, key=lambda row: row.since, reverse=True)


@access.privileged(Role.ADMINISTRATOR, Role.STEWARD)
def block_page(request: HttpRequest) -> HttpResponse:
    """Block and unblock (C48), and the blocks in effect."""
    which = request.POST.get("form", "block") if request.method == "POST" else None
    block_form = BlockForm(request.POST if which == "block" else None)
    unblock_form = UnblockForm(request.POST if which == "unblock" else None, prefix="unblock")
    status = 200
    if which is not None:
        form = {"block": block_form, "unblock": unblock_form}.get(which)
        if form is None:
            return HttpResponse("Unknown form.", status=400, content_type="text/plain")
        if form.is_valid():
            try:
                done = _apply(which, request.user, form.cleaned_data)
            except BlockRefused as refusal:
                form.add_error(refusal.field, str(refusal))
            else:
                messages.success(request, done)
                return HttpResponseRedirect("/accounts/block", status=303)
        status = 400
    context = {"block_form": block_form, "unblock_form": unblock_form, "rows": blocks_in_effect(clock.now())}
    return render(request, "accounts/block.html", context, status=status)


def _apply(which: str, performer: User, data: dict) -> str:
    if which == "unblock":
        do_unblock(performer=performer, target=data["target"], reason=data["reason"])
        return f"Unblocked {data['target'].strip()}."
    block = do_block(
        performer=performer,
        target=data["target"],
        duration=DURATIONS[data["duration"]],
        reason=data["reason"],
        autoblock=data["autoblock"],
        applies_to_accounts=data["applies_to_accounts"],
    )
    autoblock_id = block.autoblocks.values_list("pk", flat=True).first()
    if autoblock_id is None:
        return f"Blocked {block.target_label}."
    return f"Blocked {block.target_label}. Autoblock #{autoblock_id} also blocks the last address it used."
