"""Request metadata, held for the request and written only when an action records it (C25, C45, C49).

`privacy.middleware.RequestMetaMiddleware` reads the client address (through trusted proxies only,
privacy/network.py), the user agent and X-Forwarded-For into `request.candor_meta`, an immutable value
that lives as long as the request. Nothing is written at that point: page views and searches leave no
identity behind. An action that must be accountable (an edit, a signup, a login) passes the meta to
`record()`, which writes one PrivateEvent row in the action's own transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from candor.privacy import clock
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


def record(event_type: EventType, meta: RequestMeta, *, actor=None, target: str = "") -> PrivateEvent:
    """Write the private record of one action. Call it inside the action's transaction."""
    return PrivateEvent.objects.create(
        event_type=EventType(event_type),
        at=clock.now(),
        actor=actor,
        target=target,
        ip=meta.ip,
        user_agent=meta.user_agent,
        forwarded_for=meta.forwarded_for,
    )
