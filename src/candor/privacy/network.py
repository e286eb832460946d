"""Who is at the other end of a request: the client address, resolved through trusted proxies only.

The address decides public attribution of a logged-out edit (C33), so a client must not be able to choose
it: X-Forwarded-For is read only when the socket peer is a proxy listed in CANDOR_TRUSTED_PROXIES, and then
from the right, skipping further trusted proxies, up to the first address that is not one of ours.
Addresses are returned normalised (compressed IPv6, IPv4-mapped IPv6 as plain IPv4).
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_address(text: str) -> IPAddress | None:
    """The address written in `text`, or None when it is not one."""
    try:
        address = ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def normalise_address(text: str) -> str | None:
    address = parse_address(text)
    return None if address is None else address.compressed


def _is_trusted(address: IPAddress) -> bool:
    return any(address in network for network in settings.CANDOR_TRUSTED_PROXIES)


def client_address(request: HttpRequest) -> str:
    peer = parse_address(request.META.get("REMOTE_ADDR", ""))
    if peer is None:
        raise ValueError("the request has no usable REMOTE_ADDR")
    if not _is_trusted(peer):
        return peer.compressed
    client = peer
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed(hops):
        address = parse_address(hop)
        if address is None:
            break  # a garbled hop: trust nothing further left than the last good one
        client = address
        if not _is_trusted(address):
            break
    return client.compressed


# The widest ranges a privileged tool may act on (lookups, blocks), as MediaWiki's CheckUser limits them:
# a /16 is 65,536 IPv4 addresses.
WIDEST_RANGE = {4: 16, 6: 32}
