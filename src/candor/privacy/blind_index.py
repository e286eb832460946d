"""Keyed blind indexes over sealed addresses, so that privileged lookups by address or range stay
indexed without the address ever being stored in clear (issue 5, C87).

For each recorded event, the address and the networks that contain it (/16 and /24 for IPv4; /32, /48 and
/64 for IPv6) are each stored as HMAC-SHA256 under the event's day key, in indexed columns of the event's
own row (`COLUMNS`): one row and one statement per event, and deleting the event deletes its digests. A
lookup computes the same digest under every day key still in the window and finds the events with an
index scan. When the purge destroys a day's key, that day's digests can no longer be computed by anyone:
they become as useless as the ciphertext.
"""

import hashlib
import hmac
import ipaddress
from datetime import date

from candor.privacy.keystore import keystore

DIGEST_CHARS = 32  # 128 bits of the HMAC: no collisions worth worrying about, half the index size

# The PrivateEvent column that holds the digest of each indexed prefix length, by IP version. The widest
# is privacy.network.WIDEST_RANGE: no lookup may cover more. IPv4 has no "site" network.
COLUMNS = {
    4: {32: "address_digest", 24: "subnet_digest", 16: "block_digest"},
    6: {128: "address_digest", 64: "subnet_digest", 48: "site_digest", 32: "block_digest"},
}
COLUMN_NAMES = ("address_digest", "subnet_digest", "site_digest", "block_digest")


def _digest(key: bytes, network: str) -> str:
    return hmac.new(key, network.encode(), hashlib.sha256).hexdigest()[:DIGEST_CHARS]


def digest_columns(address: str, day: date) -> dict[str, str | None]:
    """The digest columns of an event from `address`, sealed under `day`'s key."""
    parsed = ipaddress.ip_address(address)
    key = keystore().get_or_create(day)
    number, bits = int(parsed), parsed.max_prefixlen
    columns: dict[str, str | None] = dict.fromkeys(COLUMN_NAMES)
    for length, column in COLUMNS[parsed.version].items():
        network_address = type(parsed)(number >> (bits - length) << (bits - length))
        columns[column] = _digest(key, f"{network_address}/{length}")
    return columns


def searched_column(network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> tuple[str, str]:
    """The indexed network that contains `network` most tightly, as (column, network string)."""
    length = max(n for n in COLUMNS[network.version] if n <= network.prefixlen)
    searched = ipaddress.ip_network(f"{network.network_address}/{length}", strict=False)
    return COLUMNS[network.version][length], str(searched)


def pair_digest(address: str, user_agent: str, day: date) -> str:
    """One digest per (address, user agent) pair and day: an account lookup groups by it."""
    key = keystore().get_or_create(day)
    return _digest(key, f"pair:{address}\0{user_agent}")


def digests_by_day(network: str, days: list[date]) -> dict[date, str]:
    """The digest of `network` (an indexed network string) under each of `days`' keys that still exists."""
    keys = {day: keystore().get(day) for day in days}
    return {day: _digest(key, network) for day, key in keys.items() if key is not None}
