"""C93: the development sample wiki (`candor load_sample`) is synthetic: every address it stores, public or
sealed, is from a documentation range, and no account has a real email address."""

import ipaddress
import re

from candor.accounts.models import User
from candor.privacy.models import PrivateEvent
from candor.wiki.models import Revision
from candor.wiki.sample import load_sample
from tests.steps import opened

DOCUMENTATION = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")]
DOCUMENTATION_V6 = ipaddress.ip_network("2001:db8::/32")
ADDRESS_LIKE = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")


def _documentation(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return ip in DOCUMENTATION_V6 if ip.version == 6 else any(ip in network for network in DOCUMENTATION)


def test_the_sample_wiki_holds_only_invented_addresses_and_no_email(db):
    assert load_sample() > 0

    addresses = {revision.ip for revision in Revision.objects.exclude(ip=None)}
    for event in PrivateEvent.objects.all():
        meta = opened(event)
        addresses |= {meta.ip, *ADDRESS_LIKE.findall(meta.forwarded_for)} - {""}
    for revision in Revision.objects.all():
        addresses |= set(ADDRESS_LIKE.findall(revision.text))
    assert addresses and all(_documentation(address) for address in addresses), addresses
    assert not User.objects.exclude(email=None).exclude(email="").exists()
