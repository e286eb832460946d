"""C87: the blind index that lets a privileged lookup find events by address or range, without the address.

Every save computes an IPv4 event's `network_key` from the dotted quad, by a shortcut; a lookup computes
its prefixes through `ipaddress` (blind_index._parts). If the two ever wrote a network's name differently,
lookups would silently find nothing: these tests hold them together.
"""

import ipaddress
from datetime import date

import pytest

from candor.privacy import blind_index
from candor.privacy.keystore import keystore
from candor.privacy.models import EventType, PrivateEvent
from tests.steps import save

DAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    "address", ["1.0.0.0", "10.0.0.1", "192.0.2.255", "198.51.100.23", "203.0.113.0", "255.255.255.255"]
)
def test_an_ipv4_events_key_is_made_of_the_parts_a_lookup_computes(settings, tmp_path, address):
    settings.CANDOR_KEY_DIR = tmp_path / "keys"
    key = keystore().get_or_create(DAY)
    expected = blind_index._parts(key, ipaddress.IPv4Address(address), blind_index.LENGTHS[4])

    assert blind_index.network_key(address, DAY) == expected
    for length in blind_index.LENGTHS[4]:
        network = ipaddress.ip_network(f"{address}/{length}", strict=False)
        assert expected.startswith(blind_index.prefixes_by_day(network, [DAY])[DAY])


@pytest.mark.ip_attribution
def test_only_events_with_an_account_carry_a_pair_digest(reader, editor):
    """Only an account lookup groups by (address, browser) pair, and it reads one account's events."""
    save(reader, "Jetty", "Wooden.")
    save(editor, "Pier", "Stone.")

    logged_out, logged_in = PrivateEvent.objects.filter(event_type=EventType.EDIT).order_by("id")
    assert (logged_out.actor, logged_out.pair_digest) == (None, "")
    assert logged_in.actor is not None and len(logged_in.pair_digest) == blind_index.PAIR_DIGEST_CHARS
