"""C107: editors per country and month are counted from the sealed edit records while they are inside their
retention window, kept only as totals, and survive every purge; the records themselves do not."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from candor.privacy import clock, retention
from candor.privacy.models import PrivateEvent
from candor.stats import actions, counting
from candor.stats.models import GeoEditorsCount, PageViewCount
from tests.stats.conftest import DAY, GB_ADDRESS, US_ADDRESS
from tests.steps import save

NOVEMBER = date(2026, 11, 1)
EARLY_DECEMBER = datetime(2026, 12, 2, 1, 15, tzinfo=UTC)


@pytest.fixture
def november_edits(make_account):
    """Alice: 3 edits from the UK. Bob: 5 from the US, 1 from the UK. A logged-out editor: 1 from the US."""
    alice, bob = make_account("Alice"), make_account("Bob")
    with clock.frozen_at(DAY):
        for number in range(3):
            client = Client(REMOTE_ADDR=GB_ADDRESS)
            client.force_login(alice)
            save(client, "Alice's notes", f"Draft {number}")
        for number, address in enumerate([US_ADDRESS] * 5 + [GB_ADDRESS]):
            client = Client(REMOTE_ADDR=address)
            client.force_login(bob)
            save(client, "Bob's notes", f"Draft {number}")
        save(Client(REMOTE_ADDR="8.8.4.4"), "Anonymous notes", "One edit")
    return alice, bob


def _totals() -> set[tuple[str, str, int, int]]:
    return set(
        GeoEditorsCount.objects.filter(month=NOVEMBER).values_list("country", "activity", "editors", "edits")
    )


def test_editors_are_counted_once_in_their_main_country_at_their_activity_level(november_edits):
    with clock.frozen_at(EARLY_DECEMBER):
        actions.do_record_geoeditors(NOVEMBER)

    assert _totals() == {("GB", "1-4", 1, 3), ("US", "5-99", 1, 6), ("US", "1-4", 1, 1)}


def test_counting_again_replaces_the_months_totals(november_edits):
    with clock.frozen_at(EARLY_DECEMBER):
        actions.do_record_geoeditors(NOVEMBER)
        call_command("stats_geoeditors", NOVEMBER.isoformat())

    assert GeoEditorsCount.objects.count() == 3


def test_a_month_not_over_or_partly_out_of_its_window_is_not_counted(november_edits):
    with clock.frozen_at(DAY), pytest.raises(ValueError, match="not over"):
        actions.do_record_geoeditors(NOVEMBER)
    with (
        clock.frozen_at(datetime(2027, 2, 1, tzinfo=UTC)),
        pytest.raises(CommandError, match="retention window"),
    ):
        call_command("stats_geoeditors", NOVEMBER.isoformat())
    assert not GeoEditorsCount.objects.exists()


def test_the_totals_outlive_the_purge_that_destroys_the_records_they_came_from(november_edits):
    """C107: at +10 years the purge has removed every edit record, and the totals are unchanged. Neither
    totals table has a column for an address, an account or a username."""
    with clock.frozen_at(EARLY_DECEMBER):
        actions.do_record_geoeditors(NOVEMBER)
    counting.add_counts([(DAY.date(), "Alice's notes", "GB", 12)])
    before = (_totals(), list(PageViewCount.objects.values_list("day", "page", "country", "views")))

    later = DAY + timedelta(days=3653)
    with clock.frozen_at(later):
        retention.purge(as_of=later)

    assert not PrivateEvent.objects.exists()
    assert (_totals(), list(PageViewCount.objects.values_list("day", "page", "country", "views"))) == before
    for model in (GeoEditorsCount, PageViewCount):
        with connection.cursor() as cursor:
            columns = {
                column.name
                for column in connection.introspection.get_table_description(cursor, model._meta.db_table)
            }
        assert not columns & {
            "ip",
            "address",
            "user",
            "user_id",
            "actor_id",
            "username",
            "user_agent",
            "session",
        }


def test_a_geoeditors_release_publishes_only_busy_cells(november_edits, steward_account):
    with clock.frozen_at(EARLY_DECEMBER):
        actions.do_record_geoeditors(NOVEMBER)
        release = actions.do_publish_release(
            "country_activity_month", NOVEMBER, approver=steward_account, reason="Monthly geoeditors"
        )

    assert release.keys == 250 * 3 and release.keys_per_unit == 1
    assert release.output.startswith("country,activity,editors\n")
    assert all(int(line.rsplit(",", 1)[1]) >= release.threshold for line in release.output.splitlines()[1:])
