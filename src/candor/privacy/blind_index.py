"""Keyed blind indexes over sealed addresses, so that privileged lookups by address or range stay
indexed without the address ever being stored in clear (issue 5, C87).

For each recorded event, the address and its prefixes (/16 and /24 for IPv4; /32, /48 and /64 for IPv6)
are each stored as HMAC-SHA256 under the event's day key. A lookup computes the same digests under every
day key still in the window and finds the events with an index scan. When the purge destroys a day's
key, that day's digests can no longer be computed by anyone: they become as useless as the ciphertext.
"""

import hashlib
import hmac
import ipaddress
from datetime import date

from django.db import models

from candor.privacy.keystore import keystore

PREFIXES = {4: (16, 24), 6: (32, 48, 64)}
DIGEST_CHARS = 32  # 128 bits of the HMAC: no collisions worth worrying about, half the index size


class AddressIndex(models.Model):
    event = models.ForeignKey("privacy.PrivateEvent", on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=DIGEST_CHARS, db_index=True)

    def __str__(self) -> str:
        return f"index entry of event {self.event_id}"


def _digest(key: bytes, network: str) -> str:
    return hmac.new(key, network.encode(), hashlib.sha256).hexdigest()[:DIGEST_CHARS]


def networks_of(address: str) -> list[str]:
    """The address itself and the indexed networks that contain it, as strings."""
    parsed = ipaddress.ip_address(address)
    return [f"{parsed.compressed}/{parsed.max_prefixlen}"] + [
        str(ipaddress.ip_network(f"{parsed}/{length}", strict=False)) for length in PREFIXES[parsed.version]
    ]


def index_rows(event, address: str, day: date) -> list[AddressIndex]:
    key = keystore().get_or_create(day)
    return [AddressIndex(event=event, digest=_digest(key, network)) for network in networks_of(address)]


def pair_digest(address: str, user_agent: str, day: date) -> str:
    """One digest per (address, user agent) pair and day: an account lookup groups by it."""
    key = keystore().get_or_create(day)
    return _digest(key, f"pair:{address}\0{user_agent}")


def digests_by_day(network: str, days: list[date]) -> dict[date, str]:
    """The digest of `network` (an indexed network string) under each of `days`' keys that still exists."""
    keys = {day: keystore().get(day) for day in days}
    return {day: _digest(key, network) for day, key in keys.items() if key is not None}
