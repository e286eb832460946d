"""The one place an IP address becomes a place: its registered country, for totals only (C46, C47).

Candor asks nobody where they are (C40). It turns an address into the country that registered it (iptocc,
whose data ships inside the wheel: no lookup leaves the machine) at two moments only: when a page view is
counted (candor.stats.counting), and when the edits of a month are counted from the sealed private events
(privacy/aggregates.py). In both, the country joins a total the moment it is found, and is never stored
beside an address, an account, a session or a user agent. A country is coarse on purpose: no region, no
city, no coordinates.
"""

import iptocc

UNKNOWN = "ZZ"  # ISO 3166's code for "unknown": documentation, private and unallocated addresses

# ISO 3166-1 alpha-2, fixed here and never learned from requests: the countries a release may name.
COUNTRIES: tuple[str, ...] = tuple(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV
    BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES
    ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE
    IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY
    MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU
    NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM
    SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE
    VG VI VN VU WF WS YE YT ZA ZM ZW
    """.split()
)
_KNOWN = frozenset(COUNTRIES)


def country_of(address: str) -> str:
    """The two-letter code of the country that registered `address`, or UNKNOWN."""
    code = iptocc.country_code(address)
    return code if code in _KNOWN else UNKNOWN
