"""Keyed blind indexes over sealed addresses, so that privileged lookups by address or range stay
indexed without the address ever being stored in clear (issue 5, C87).

Each recorded event carries one `network_key`: for each network that contains its address, widest first
(/16, /24 and the address for IPv4; /32, /48, /64 and the address for IPv6), the first PART_CHARS of an
HMAC-SHA256 of that network under the event's day key, one after the other. A lookup of a network computes
the same parts down to the tightest indexed length that contains it, and finds the events whose key starts
with them: one range scan of one index, whatever the length. One index instead of one per length keeps a
save's writes small (docs/performance.md). When the purge destroys a day's key, that day's keys can no
longer be computed by anyone: they become as useless as the ciphertext.

A part of 48 bits can collide, rarely, within a day; a lookup unseals what it finds and keeps only the
addresses inside the network asked for (privacy/access.py), so a collision shows nothing extra.
"""

import hashlib
import hmac
import ipaddress
from datetime import date

from candor.privacy.keystore import keystore

# The indexed prefix lengths, widest first. The widest is privacy.network.WIDEST_RANGE: no lookup may
# cover more; the last is the address itself.
LENGTHS = {4: (16, 24, 32), 6: (32, 48, 64, 128)}
PART_CHARS = 12
KEY_CHARS = PART_CHARS * max(len(lengths) for lengths in LENGTHS.values())
PAIR_DIGEST_CHARS = 32  # 128 bits: no collisions worth worrying about


def _digest(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def _sealing_digest(key: bytes, message: str) -> str:
    """`_digest` under today's key, which every save uses: the HMAC is keyed once and copied for each
    message. Found by the key's bytes, read from the key file on every save (keystore.py), so a destroyed
    key's HMAC is never used again."""
    keyed = _sealing_hmac.get(key)
    if keyed is None:
        _sealing_hmac.clear()
        keyed = _sealing_hmac[key] = hmac.new(key, digestmod=hashlib.sha256)
    digest = keyed.copy()
    digest.update(message.encode())
    return digest.hexdigest()


_sealing_hmac: dict[bytes, hmac.HMAC] = {}  # at most one entry: today's


def _parts(
    key: bytes, address: ipaddress.IPv4Address | ipaddress.IPv6Address, lengths, digest=_digest
) -> str:
    number, bits = int(address), address.max_prefixlen
    return "".join(
        digest(key, f"{type(address)(number >> (bits - length) << (bits - length))}/{length}")[:PART_CHARS]
        for length in lengths
    )


def network_key(address: str, day: date) -> str:
    """The `network_key` of an event from `address` (normalised: privacy/network.py), sealed under `day`'s
    key."""
    key = keystore().get_or_create(day)
    if ":" not in address:
        # IPv4, the common case, on every save: the networks' names straight from the dotted quad, the same
        # text as `_parts` makes through ipaddress (tests/privacy/test_blind_index.py compares them).
        # The lengths are whole octets.
        octets = address.split(".")
        return "".join(
            _sealing_digest(key, ".".join(octets[: length // 8] + ["0"] * (4 - length // 8)) + f"/{length}")[
                :PART_CHARS
            ]
            for length in LENGTHS[4]
        )
    return _parts(key, ipaddress.IPv6Address(address), LENGTHS[6], _sealing_digest)


def prefixes_by_day(
    network: ipaddress.IPv4Network | ipaddress.IPv6Network, days: list[date]
) -> dict[date, str]:
    """The start of the `network_key` of every event inside `network`'s tightest indexed network, under
    each of `days`' keys that still exists."""
    lengths = [length for length in LENGTHS[network.version] if length <= network.prefixlen]
    keys = {day: keystore().get(day) for day in days}
    return {
        day: _parts(key, network.network_address, lengths) for day, key in keys.items() if key is not None
    }


def pair_digest(address: str, user_agent: str, day: date) -> str:
    """One digest per (address, user agent) pair and day: an account lookup groups by it."""
    key = keystore().get_or_create(day)
    return _sealing_digest(key, f"pair:{address}\0{user_agent}")[:PAIR_DIGEST_CHARS]
