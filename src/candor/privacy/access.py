"""The one door to nonpublic data (DESIGN.md, privacy engine point 4; C87, C88, C90, C99).

`gate(request, roles)` lets a request through only when every condition holds: the user has one of
`roles`; for a role that sees nonpublic information, they have accepted the current access policy and
passed their second factor in this session within CANDOR_SECOND_FACTOR_MINUTES; and no gate another app
added refuses them (the accounts app adds "not blocked", `add_gate`). Anyone without the role
gets a 404, the same answer as for a page that does not exist (STYLE.md 3). A role holder who lacks a
gate gets a page that says which one (they know the tool exists; telling them leaks nothing).

`reveal_account_addresses` and `reveal_address_activity` are lookups: each writes the privileged-access log
entry first (who, whom or what, why) and shows nothing if that write fails (fail closed); the revealed
values never enter the log.
"""

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import reduce, wraps
from operator import or_

from django.conf import settings
from django.db import connection
from django.db.models import CharField, Count, Max, Min, Q
from django.db.models.functions import Cast
from django.http import Http404, HttpRequest
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from candor.privacy import audit, blind_index, clock, sealing
from candor.privacy.capture import unseal
from candor.privacy.datamap import REQUEST_METADATA
from candor.privacy.models import EventType, PrivateEvent
from candor.privacy.network import WIDEST_RANGE
from candor.privacy.pages import private_page
from candor.privacy.roles import (
    ACCESS_POLICY_VERSION,
    NONPUBLIC_ROLES,
    AccessPolicyAcceptance,
    Role,
    RoleAssignment,
)

SECOND_FACTOR_SESSION_KEY = "candor_second_factor_at"
MIN_REASON_WORDS = 3


class GateClosed(Exception):
    """A role holder lacks a gate; `missing` says which: "policy", "second_factor" or an added one."""

    def __init__(self, missing: str):
        super().__init__(missing)
        self.missing = missing


# Further gates that other apps add (the accounts app: "not blocked"), so that the engine needs to import
# none of them: each is a name for the page that explains it, and a check that answers True to refuse.
_EXTRA_GATES: list[tuple[str, Callable[[object], bool]]] = []


def add_gate(name: str, refuses: Callable[[object], bool]) -> None:
    if name not in {existing for existing, _ in _EXTRA_GATES}:
        _EXTRA_GATES.append((name, refuses))


def roles_of(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    return set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))


def has_accepted_current_policy(user) -> bool:
    return AccessPolicyAcceptance.objects.filter(user=user, version=ACCESS_POLICY_VERSION).exists()


def second_factor_is_fresh(request: HttpRequest) -> bool:
    passed = request.session.get(SECOND_FACTOR_SESSION_KEY)
    if not passed or not getattr(request.user, "is_verified", lambda: False)():
        return False
    age = clock.now() - datetime.fromisoformat(passed)
    return age <= timedelta(minutes=settings.CANDOR_SECOND_FACTOR_MINUTES)


def privileged(*roles: Role):
    """Decorate a view that shows nonpublic data to `roles`: login required, never cached or indexed, 404
    for anyone without the role, and a page naming the missing gate for a role holder who lacks one. The
    view is tagged (`candor_roles`), so the access-matrix test finds every privileged route by itself."""

    def decorate(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            try:
                gate(request, set(roles))
            except GateClosed as closed:
                return render(request, "privacy/gate_closed.html", {"missing": closed.missing}, status=403)
            return view(request, *args, **kwargs)

        wrapped = private_page(guarded)
        wrapped.candor_roles = frozenset(roles)
        return wrapped

    return decorate


def gate(request: HttpRequest, roles: set[Role]) -> set[str]:
    """The caller's roles among `roles`, if every gate is open; Http404 or GateClosed otherwise."""
    held = roles_of(request.user) & {str(role) for role in roles}
    if not held:
        raise Http404
    for name, refuses in _EXTRA_GATES:
        if refuses(request.user):
            raise GateClosed(name)
    if held & NONPUBLIC_ROLES:
        if not has_accepted_current_policy(request.user):
            raise GateClosed("policy")
        if not second_factor_is_fresh(request):
            raise GateClosed("second_factor")
    return held


@dataclass(frozen=True)
class AddressSeen:
    ip: str
    user_agent: str
    first_seen: datetime
    last_seen: datetime
    actions: int


def check_reason(
    reason: str | None,
    *,
    min_words: int = MIN_REASON_WORDS,
    max_chars: int | None = None,
    too_short: str | None = None,
) -> str:
    """The one rule for every reason Candor asks for (a lookup, a block, a governance move): spaces
    collapsed, at least `min_words` words, at most `max_chars` characters. ValueError says what is wrong,
    with `too_short` as the message for a reason that is missing or too short."""
    reason = " ".join((reason or "").split())
    if len(reason.split()) < min_words:
        raise ValueError(
            too_short
            or ngettext(
                "Give a reason of at least %(words)s word for this lookup.",
                "Give a reason of at least %(words)s words for this lookup.",
                min_words,
            )
            % {"words": min_words}
        )
    if max_chars is not None and len(reason) > max_chars:
        raise ValueError(_("The reason can be at most %(most)s characters long.") % {"most": max_chars})
    return reason


def digest_last_address(actor, target, *, reason: str, digest: Callable[[str], str]) -> str:
    """`digest` of the address `target` last acted from, within the retention window, for an autoblock
    (C48); "" when none is known. The address itself never leaves this module: the caller gets only the
    keyed digest it asked for, and no one sees the address.

    The read is on the privileged-access log (AUTOBLOCK, C88) before anything is unsealed, with 1 for an
    event found; audit.AuditUnavailable propagates and nothing is read. A failed login is not the
    account's own doing (anyone can type its name), so it does not count.
    """
    window_start = clock.now() - REQUEST_METADATA.window
    event = (
        PrivateEvent.objects.filter(actor=target, at__gte=window_start)
        .exclude(event_type=EventType.LOGIN_FAILED)
        .only("sealed", "sealed_on")
        .order_by("-at", "-id")
        .first()
    )
    audit.append(
        event_type=audit.AccessEventType.AUTOBLOCK,
        actor=actor,
        target=f"user:{target.pk}",
        reason=reason,
        result_count=1 if event is not None else 0,
    )
    meta = unseal(event) if event is not None else None
    return digest(meta.ip) if meta is not None and meta.ip else ""


def open_own_sealed() -> Callable[[bytes, date], dict[str, str] | None]:
    """The opener of a person's own sealed values, for their copy of their data (C109): the caller hands
    it only rows about that person (privacy.register.rows_about). A value whose day key the purge destroyed
    opens as None. One opener per copy, so a key destroyed meanwhile is not kept usable beyond it.

    Not on the privileged-access log, which records reads of other people's data: the copy is the
    owner's own request, recorded as such by the data request that asked for it (yourdata)."""
    return sealing.Unsealer().open


def _address_groups(target, window_start: datetime) -> list[tuple[date, str, str, int, int]]:
    """One group per (day, address and browser pair) of `target`'s events since `window_start`, from
    digests alone: (day, first time, last time, actions, one sample event's id). Nothing is unsealed."""
    in_window = PrivateEvent.objects.filter(
        actor=target, sealed_on__gte=window_start.date(), at__gte=window_start
    )
    return list(
        in_window.values("sealed_on", "pair_digest")
        # Times as text: ISO text orders like the times do, and only the few merged rows get parsed.
        .annotate(first=Min(Cast("at", CharField())), last=Max(Cast("at", CharField())), actions=Count("id"))
        .annotate(sample=Min("id"))
        .values_list("sealed_on", "first", "last", "actions", "sample")  # tuples: thousands of groups
        .order_by()
    )


def _addresses_seen(groups: list[tuple[date, str, str, int, int]]) -> list[AddressSeen]:
    """The groups' addresses and user agents, unsealed from one sample each; a day whose key is gone has
    no value any more and is left out. Call only once the read is on the log."""
    samples = _sealed_values([sample for *_, sample in groups])
    merged: dict[tuple[str, str], tuple[str, str, int]] = {}
    unsealer = sealing.Unsealer()
    for day, first, last, actions, sample in groups:
        meta = unsealer.open(samples[sample], day)
        if meta is None:
            continue  # its day key is gone: the value no longer exists
        key = (meta["ip"], meta["user_agent"])
        earlier = merged.get(key)
        merged[key] = (
            min(first, earlier[0]) if earlier else first,
            max(last, earlier[1]) if earlier else last,
            actions + (earlier[2] if earlier else 0),
        )
    rows = [
        AddressSeen(ip, agent, _parse_time(first), _parse_time(last), actions)
        for (ip, agent), (first, last, actions) in merged.items()
    ]
    return sorted(rows, key=lambda row: row.last_seen, reverse=True)


def reveal_account_addresses(
    actor, target, *, reason: str, event_type: str = audit.AccessEventType.LOOKUP_ACCOUNT
) -> list[AddressSeen]:
    """The addresses and user agents `target` used, within the retention window (C87).

    Logged before anything is read (C88), as `event_type` (the reveal of a temporary account's address,
    issue 18, is its own entry); audit.AuditUnavailable propagates and nothing is shown.
    """
    reason = check_reason(reason)
    groups = _address_groups(target, clock.now() - REQUEST_METADATA.window)
    audit.append(
        event_type=event_type,
        actor=actor,
        target=f"user:{target.pk}",
        reason=reason,
        result_count=sum(actions for _, _, _, actions, _ in groups),
    )
    return _addresses_seen(groups)


# "The same network": an IPv4 /24 or an IPv6 /64, the blocks an ISP hands one customer or one site.
SAME_NETWORK_PREFIX = {4: 24, 6: 64}


def _networks(rows: list[AddressSeen]) -> set[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    networks = set()
    for row in rows:
        address = ipaddress.ip_address(row.ip)
        networks.add(ipaddress.ip_network(f"{address}/{SAME_NETWORK_PREFIX[address.version]}", strict=False))
    return networks


def compare_networks(actor, first, second, *, reason: str) -> bool:
    """Whether the accounts `first` and `second` acted from one network within the retention window: the
    answer and never an address (issue 18, MediaWiki's "same network" for temporary accounts), so that a
    viewer can link two names without seeing where anyone edits from. Logged first, like a reveal."""
    reason = check_reason(reason)
    window_start = clock.now() - REQUEST_METADATA.window
    groups = [_address_groups(first, window_start), _address_groups(second, window_start)]
    audit.append(
        event_type=audit.AccessEventType.COMPARE_NETWORKS,
        actor=actor,
        target=f"user:{first.pk} user:{second.pk}",
        reason=reason,
        result_count=sum(actions for group in groups for _, _, _, actions, _ in group),
    )
    first_networks, second_networks = (_networks(_addresses_seen(group)) for group in groups)
    return bool(first_networks & second_networks)


SEALED_VALUES_PER_QUERY = 5000  # well under SQLite's (32,766) and PostgreSQL's (65,535) parameter limits


def _sealed_values(ids: list[int]) -> dict[int, bytes]:
    """The sealed values of the events `ids`, by id. The ORM's `pk__in` prepares each of its parameters
    one by one, which cost more than the query for the thousands of samples of an account lookup
    (docs/performance.md), and sends them all in one query, which SQLite refuses past 32,766."""
    table = connection.ops.quote_name(PrivateEvent._meta.db_table)
    key, sealed = (
        connection.ops.quote_name(PrivateEvent._meta.get_field(name).column) for name in ("id", "sealed")
    )
    found: dict[int, bytes] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(ids), SEALED_VALUES_PER_QUERY):
            chunk = ids[start : start + SEALED_VALUES_PER_QUERY]
            placeholders = ", ".join(["%s"] * len(chunk))
            # Only the model's quoted names go into the text; every id is a parameter.
            cursor.execute(f"SELECT {key}, {sealed} FROM {table} WHERE {key} IN ({placeholders})", chunk)  # noqa: S608
            found.update(cursor.fetchall())
    return found


def _parse_time(text: str) -> datetime:
    """A time the database wrote as text (SQLite: naive UTC; PostgreSQL: with its offset)."""
    moment = datetime.fromisoformat(text.replace(" ", "T"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class EventSeen:
    at: datetime
    event_type: str
    account: str | None  # None: a logged-out action
    target: str
    ip: str
    user_agent: str


MAX_ROWS = 1000  # the most recent; narrow the range to see further back


def parse_lookup_target(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """An address or a range no wider than /16 (IPv4) or /32 (IPv6); ValueError says what is wrong."""
    try:
        network = ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        raise ValueError(f"“{text}” is not an IP address or range.") from None
    if network.prefixlen < WIDEST_RANGE[network.version]:
        raise ValueError(
            f"A range can be at most /{WIDEST_RANGE[network.version]} wide for IPv{network.version}."
        )
    return network


def _starting_with(prefix: str) -> Q:
    """Events whose network key starts with `prefix` (hex digits): a range of the index, not a LIKE."""
    return Q(network_key__gte=prefix, network_key__lt=prefix + "g")


def reveal_address_activity(actor, text: str, *, reason: str) -> list[EventSeen]:
    """The accounts and logged-out actions seen from an address or a range, with their user agents,
    within the retention window (C87). Found through the blind index; logged before anything is read."""
    reason = check_reason(reason)
    network = parse_lookup_target(text)
    now = clock.now()
    window_start = now - REQUEST_METADATA.window
    days = [now.date() - timedelta(days=n) for n in range((now.date() - window_start.date()).days + 1)]
    prefixes = blind_index.prefixes_by_day(network, days)
    indexed = PrivateEvent.objects.filter(reduce(or_, map(_starting_with, prefixes.values()), Q(pk__in=[])))
    single = network.num_addresses == 1
    audit.append(
        event_type=audit.AccessEventType.LOOKUP_ADDRESS if single else audit.AccessEventType.LOOKUP_RANGE,
        actor=actor,
        target=f"ip:{network.network_address.compressed}" if single else f"range:{network.compressed}",
        reason=reason,
        result_count=indexed[: MAX_ROWS + 1].count(),  # more than MAX_ROWS: MAX_ROWS + 1
    )
    rows: list[EventSeen] = []
    unsealer = sealing.Unsealer()
    for day, prefix in prefixes.items():  # newest first, until MAX_ROWS are found
        found = (
            PrivateEvent.objects.filter(_starting_with(prefix), sealed_on=day, at__gte=window_start)
            .select_related("actor")
            .only("at", "event_type", "target", "sealed", "sealed_on", "actor__username")
            .order_by("-at")[: MAX_ROWS - len(rows)]
        )  # fmt: skip
        for event in found:
            meta = unseal(event, unsealer)
            if meta is None or ipaddress.ip_address(meta.ip) not in network:
                continue
            account = event.actor.username if event.actor_id else None
            rows.append(
                EventSeen(
                    event.at, event.get_event_type_display(), account, event.target, meta.ip, meta.user_agent
                )
            )
        if len(rows) >= MAX_ROWS:
            break
    return rows


def reveal(
    actor, *, event_type: str, target: str, reason: str, result_count: int, read: Callable[[], object]
):
    """The door for a privileged read that needs nothing of this module but its order (C88): check the
    reason (`check_reason`), write the privileged-access log entry (`event_type`, `target`, the reason and
    `result_count`), then call `read` and return what it returns. ValueError: the reason is refused, nothing
    is logged or read; audit.AuditUnavailable propagates, and `read` is never called."""
    reason = check_reason(reason)
    audit.append(event_type=event_type, actor=actor, target=target, reason=reason, result_count=result_count)
    return read()
