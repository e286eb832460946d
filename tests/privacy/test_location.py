"""C40-C42, C46: Candor collects no location. No page or script asks the browser where the reader is, the
pages allow the location permission to Candor's own origin only, and only one module turns an IP address
into a place, a country, for the page-view and editors' totals (C46, docs/statistics.md). These tests fail
the day something starts to ask for location, so that it cannot without a consent step."""

from pathlib import Path

import candor

SOURCE = Path(candor.__file__).parent
LOCATION_APIS = ("geolocation.getcurrentposition", "geolocation.watchposition", "navigator.geolocation")
IP_LOCATION_LIBRARIES = ("iptocc", "geoip", "maxminddb", "ip2location")


def _files(*suffixes: str) -> list[Path]:
    return [path for path in SOURCE.rglob("*") if path.suffix in suffixes and path.is_file()]


def test_no_page_or_script_asks_for_the_readers_location():
    asking = [
        path
        for path in _files(".html", ".js", ".txt")
        if any(api in path.read_text(encoding="utf-8").lower() for api in LOCATION_APIS)
    ]
    assert asking == []


def test_the_location_permission_is_for_candors_own_origin_only(reader):
    policy = reader.get("/privacy").headers["Permissions-Policy"]

    assert "geolocation=(self)" in policy


def _imports_an_ip_location_library(path: Path) -> bool:
    text = path.read_text(encoding="utf-8")
    return any(f"import {name}" in text or f"from {name}" in text for name in IP_LOCATION_LIBRARIES)


def test_only_one_module_turns_an_ip_address_into_a_place_and_only_a_country():
    """C46: IP-based location only at country level, at request time, for totals. The one module allowed
    (privacy/countries.py) answers a country code; it is called by the page-view counter and the monthly
    editors' totals, which add it to a total at once and never store it beside an address or an account
    (tests/stats)."""
    importing = [
        path.relative_to(SOURCE).as_posix() for path in _files(".py") if _imports_an_ip_location_library(path)
    ]

    assert importing == ["privacy/countries.py"]
