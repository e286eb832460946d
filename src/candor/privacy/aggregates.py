"""Totals computed from the sealed private events, and nothing but totals (C94, C107).

Invariant: what leaves this module is a count per coarse key (a country, an activity level): never an
address, an account, a user agent, an event, or a count about one editor. The sealed values are opened
here, inside the privacy engine, while their day keys exist (inside the retention window), and are dropped
as soon as each event is tallied; the per-editor tallies live only for the length of the call. Outside
privacy/, nothing opens sealed values (tests/stats/test_boundaries.py): the statistics app asks for these
totals, stores them, and the purge later destroys the events they came from, leaving the totals (which
hold no identifier) to be kept indefinitely.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime

from candor.privacy.countries import country_of
from candor.privacy.models import EventType, PrivateEvent
from candor.privacy.sealing import Unsealer

BATCH = 2000


@dataclass(frozen=True)
class EditorsTotal:
    country: str
    activity: str  # the label of the activity level: "1-4", "5-99", "100+"
    editors: int
    edits: int


def editors_by_country(
    since: datetime, until: datetime, levels: tuple[tuple[str, int, int | None], ...]
) -> tuple[list[EditorsTotal], int]:
    """Editors and their edits per country and activity level between `since` (included) and `until`
    (excluded), and how many edits could no longer be read (their day key already destroyed).

    An editor is an account, or for logged-out edits an address; each is counted once, in the country
    most of their edits came from (ties: the first code in order), at the level (label, fewest, most or
    None) their number of edits falls in. So one editor changes one cell by one: the bound a release's
    noise is calibrated to."""
    tallies: defaultdict[tuple[str, object], Counter[str]] = defaultdict(Counter)
    unreadable = 0
    unsealer = Unsealer()
    events = (
        PrivateEvent.objects.filter(event_type=EventType.EDIT, at__gte=since, at__lt=until)
        .values_list("actor_id", "sealed_on", "sealed")
        .order_by()
    )
    for actor_id, sealed_on, sealed in events.iterator(chunk_size=BATCH):
        values = unsealer.open(sealed, sealed_on)
        if values is None:
            unreadable += 1
            continue
        editor = ("account", actor_id) if actor_id is not None else ("address", values["ip"])
        tallies[editor][country_of(values["ip"])] += 1
        del values
    cells: defaultdict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for countries in tallies.values():
        edits = sum(countries.values())
        country = min(countries, key=lambda code: (-countries[code], code))
        for label, fewest, most in levels:
            if edits >= fewest and (most is None or edits <= most):
                cell = cells[(country, label)]
                cell[0] += 1
                cell[1] += edits
                break
    tallies.clear()
    totals = [
        EditorsTotal(country, label, editors, edits) for (country, label), (editors, edits) in cells.items()
    ]
    return sorted(totals, key=lambda total: (total.country, total.activity)), unreadable
