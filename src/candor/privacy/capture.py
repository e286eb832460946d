"""Request metadata, held for the request and written only when an action records it (C25, C45, C49).

`privacy.middleware.RequestMetaMiddleware` reads the client address (through trusted proxies only,
privacy/network.py), the user agent and X-Forwarded-For into `request.candor_meta`, an immutable value
that lives as long as the request. Nothing is written at that point: page views and searches leave no
identity behind. An action that must be accountable (an edit, a signup, a login) passes the meta to
`record()`, which writes one PrivateEvent row (with its blind-index digests, privacy/blind_index.py) in
the action's own transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from functools import cache

from django.db import connection
from django.http import HttpRequest

from candor.privacy import blind_index, clock, sealing
from candor.privacy.models import EventType, PrivateEvent
from candor.privacy.network import client_address, normalise_address

MAX_HEADER_CHARS = 512


@dataclass(frozen=True)
class RequestMeta:
    ip: str
    user_agent: str = ""
    forwarded_for: str = ""

    @classmethod
    def of(cls, request: HttpRequest) -> RequestMeta:
        return cls(
            ip=client_address(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:MAX_HEADER_CHARS],
            forwarded_for=request.META.get("HTTP_X_FORWARDED_FOR", "")[:MAX_HEADER_CHARS],
        )

    @classmethod
    def from_address(cls, address: str) -> RequestMeta:
        """Meta for work done outside a request (the sample wiki, imports), from a known address."""
        normalised = normalise_address(address)
        if normalised is None:
            raise ValueError(f"{address!r} is not an IP address")
        return cls(ip=normalised)


def record(event_type: EventType, meta: RequestMeta, *, actor=None, target: str = "") -> int:
    """Write the private record of one action, its metadata sealed under today's key, and return its id.
    Call it inside the action's transaction."""
    now = clock.now()
    day = now.astimezone(UTC).date()
    actor_id = getattr(actor, "pk", None)
    return _insert(
        EventType(event_type).value,
        connection.ops.adapt_datetimefield_value(now),
        actor_id,
        target,
        connection.ops.adapt_datefield_value(day),
        sealing.seal(vars(meta), day),  # the fields as they are: asdict() deep-copies them
        # Only an account lookup groups by the pair, and it reads one account's events: an event with no
        # account needs none (nor an entry in the `event_by_actor` index, which leaves such rows out).
        "" if actor_id is None else blind_index.pair_digest(meta.ip, meta.user_agent, day),
        blind_index.network_key(meta.ip, day),
    )


# The columns `_insert` fills, in its parameters' order.
_COLUMNS = ("event_type", "at", "actor_id", "target", "sealed_on", "sealed", "pair_digest", "network_key")


@cache
def _insert_statement(vendor: str) -> str:
    """One INSERT … RETURNING of a PrivateEvent row, its placeholders in the driver's own style, built once:
    every save runs it, and going through the ORM (or Django's cursor, which rewrites the placeholders on
    each call on SQLite) cost more than all the rest of record() (docs/performance.md)."""
    actual = {field.column for field in PrivateEvent._meta.concrete_fields}
    if actual != {PrivateEvent._meta.pk.column, *_COLUMNS}:
        raise RuntimeError("PrivateEvent's columns changed: update capture._COLUMNS and record()")
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in _COLUMNS)
    placeholders = ", ".join(["?" if vendor == "sqlite" else "%s"] * len(_COLUMNS))
    table, key = quote(PrivateEvent._meta.db_table), quote(PrivateEvent._meta.pk.column)
    # Only the model's own quoted names go into the text; every value is a parameter.
    return f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) RETURNING {key}"  # noqa: S608


def _insert(*values) -> int:
    """Insert one row of `_COLUMNS`' values, already in the database's own types, through the driver's
    cursor: Django's error wrapping stays, its per-call query rewriting goes."""
    statement = _insert_statement(connection.vendor)
    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    with connection.wrap_database_errors:
        cursor = connection.connection.cursor()
        try:
            cursor.execute(statement, values)
            return cursor.fetchone()[0]
        finally:
            cursor.close()


def unseal(event: PrivateEvent, unsealer: sealing.Unsealer | None = None) -> RequestMeta | None:
    """The metadata of `event`, or None once its day's key is destroyed. Only privacy.access may show it.
    A lookup that opens many events passes one `Unsealer`, so each day's key is read once."""
    values = (unsealer or sealing.Unsealer()).open(event.sealed, event.sealed_on)
    return None if values is None else RequestMeta(**values)
