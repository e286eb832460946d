"""Request metadata, held for the request and written only when an action records it (C25, C45, C49).

`privacy.middleware.RequestMetaMiddleware` reads the client address (through trusted proxies only,
privacy/network.py), the user agent and X-Forwarded-For into `request.candor_meta`, an immutable value
that lives as long as the request. Nothing is written at that point: page views and searches leave no
identity behind. An action that must be accountable (an edit, a signup, a login) passes the meta to
`record()`, which writes one PrivateEvent row (with its blind-index digests, privacy/blind_index.py) in
the action's own transaction.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC
from functools import cache

from django.db import connection
from django.db.models import Field
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
    values = {
        "event_type": EventType(event_type).value,
        "at": now,
        "actor_id": getattr(actor, "pk", None),
        "target": target,
        "sealed_on": day,
        "sealed": sealing.seal(asdict(meta), day),
        "pair_digest": blind_index.pair_digest(meta.ip, meta.user_agent, day),
        "network_key": blind_index.network_key(meta.ip, day),
    }
    return _insert(values)


@cache
def _insert_statement(vendor: str) -> tuple[str, tuple[Field, ...]]:
    """One INSERT … RETURNING of a PrivateEvent row, built once from the model: every save runs it, and
    compiling it through the ORM each time cost more than all the rest of record() (docs/performance.md)."""
    fields = tuple(field for field in PrivateEvent._meta.concrete_fields if not field.primary_key)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    table, key = quote(PrivateEvent._meta.db_table), quote(PrivateEvent._meta.pk.column)
    # Only the model's own quoted names go into the text; every value is a parameter.
    return f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) RETURNING {key}", fields  # noqa: S608


def _insert(values: dict) -> int:
    statement, fields = _insert_statement(connection.vendor)
    parameters = [field.get_db_prep_save(values[field.attname], connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(statement, parameters)
        return cursor.fetchone()[0]


def unseal(event: PrivateEvent, unsealer: sealing.Unsealer | None = None) -> RequestMeta | None:
    """The metadata of `event`, or None once its day's key is destroyed. Only privacy.access may show it.
    A lookup that opens many events passes one `Unsealer`, so each day's key is read once."""
    values = (unsealer or sealing.Unsealer()).open(event.sealed, event.sealed_on)
    return None if values is None else RequestMeta(**values)
