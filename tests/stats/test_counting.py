"""C47, C94, C107: page views are counted per page, day and country without any identity, each browser
adding at most one view to at most ten pages a day, and only if it keeps the counting cookie."""

import re

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client

from candor.privacy import clock
from candor.stats import counting
from candor.stats.models import PageViewCount
from tests.stats.conftest import DAY, GB_ADDRESS, NEXT_DAY, US_ADDRESS, browser
from tests.steps import EDITOR_AGENT


def _counts() -> dict[tuple[str, str], int]:
    counting.flush()
    return {(row.page, row.country): row.views for row in PageViewCount.objects.filter(day=DAY.date())}


@pytest.fixture
def pages(make_page):
    for number in range(12):
        make_page(f"Page {chr(ord('A') + number)}")


def test_reading_sets_no_cookie_and_counts_nothing_when_counting_is_off(pages, reader):
    """Counting is off by default: reading stays cookie-free (C54)."""
    with clock.frozen_at(DAY):
        response = reader.get("/wiki/Page_A")

    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers and not response.cookies
    assert _counts() == {}


def test_a_browser_without_the_cookie_is_not_counted_and_is_offered_it(pages, counting_on):
    """A request without the cookie could be anyone, any number of times: it is not counted."""
    reader = browser()
    with clock.frozen_at(DAY):
        first = reader.get("/wiki/Page_A")
        assert _counts() == {}
        reader.get("/wiki/Page_A")

    assert first.cookies["candor_views"].value == "20261102."
    assert first.cookies["candor_views"]["httponly"]
    assert _counts() == {("Page A", "GB"): 1}


def test_a_browser_refusing_the_cookie_is_never_counted(pages, counting_on):
    with clock.frozen_at(DAY):
        for _ in range(5):
            Client(REMOTE_ADDR=GB_ADDRESS).get("/wiki/Page_A")  # a new jar each time: the cookie refused

    assert _counts() == {}


def test_a_browser_adds_at_most_one_view_a_page_and_ten_pages_a_day(pages, counting_on):
    """The contribution bound the releases are calibrated to: L∞ = 1, at most 10 cells a day."""
    reader = browser()
    with clock.frozen_at(DAY):
        reader.get("/wiki/Page_A")  # receives the cookie
        for _ in range(3):
            for number in range(12):
                reader.get(f"/wiki/Page_{chr(ord('A') + number)}")

    counts = _counts()
    assert set(counts.values()) == {1}
    assert len(counts) == counting.VIEWS_PER_DAY


def test_a_new_day_starts_a_new_bound(pages, counting_on):
    reader = browser()
    with clock.frozen_at(DAY):
        reader.get("/wiki/Page_A")
        reader.get("/wiki/Page_A")
    with clock.frozen_at(NEXT_DAY):
        response = reader.get("/wiki/Page_A")
    counting.flush()

    assert response.cookies["candor_views"].value.startswith("20261103.")
    assert dict(PageViewCount.objects.values_list("day", "views")) == {DAY.date(): 1, NEXT_DAY.date(): 1}


def test_only_plain_views_of_existing_pages_are_counted(pages, counting_on, make_page):
    make_page("User:Alice")
    reader = browser()
    with clock.frozen_at(DAY):
        reader.get("/wiki/Page_A")
        for path in [
            "/wiki/Page_B?action=history", "/wiki/Page_B?action=raw", "/wiki/Page_B?action=edit",
            "/wiki/No_such_page", "/wiki/Special:RecentChanges", "/wiki/User:Alice", "/wiki/page_B",
        ]:  # fmt: skip
            reader.get(path)
        reader.head("/wiki/Page_C")
        reader.get("/wiki/Page_D?action=view")

    assert _counts() == {("Page D", "GB"): 1}


def test_the_country_is_the_addresss_registered_country_and_unknown_otherwise(pages, counting_on):
    with clock.frozen_at(DAY):
        for address in (GB_ADDRESS, US_ADDRESS, "203.0.113.9"):
            reader = browser(address)
            reader.get("/wiki/Page_A")
            reader.get("/wiki/Page_A")

    assert _counts() == {("Page A", "GB"): 1, ("Page A", "US"): 1, ("Page A", "ZZ"): 1}


def test_counts_wait_in_memory_and_are_written_in_batches(pages, counting_on, django_assert_max_num_queries):
    readers = [browser() for _ in range(5)]
    with clock.frozen_at(DAY):
        for reader in readers:
            reader.get("/wiki/Page_A")
        for reader in readers:
            reader.get("/wiki/Page_B")

    assert counting.pending() == 5
    assert not PageViewCount.objects.exists()
    with django_assert_max_num_queries(3):  # one INSERT … ON CONFLICT, inside a savepoint
        counting.flush()
    assert _counts() == {("Page B", "GB"): 5}


def _every_value_in_the_database() -> str:
    """Every value of every row of every table, as one text."""
    values = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
            values += [repr(row) for row in cursor.fetchall()]
    return "\n".join(values)


def test_a_thousand_views_leave_totals_and_nothing_about_any_reader(pages, counting_on, make_account):
    """C47, C107: no row holds an address, a user agent, an account or a session, and there is no
    per-request row: after 1,000 views the statistics tables hold one total per page and country."""
    alice = make_account("Alice")
    before = _every_value_in_the_database()
    addresses = [f"81.2.69.{number}" for number in range(100, 150)] + [
        f"8.8.4.{number}" for number in range(50)
    ]
    with clock.frozen_at(DAY):
        for index, address in enumerate(addresses):
            reader = Client(REMOTE_ADDR=address, HTTP_USER_AGENT=EDITOR_AGENT)
            if index % 10 == 0:
                reader.force_login(alice)
            reader.get("/wiki/Page_A")
            for number in range(9):
                reader.get(f"/wiki/Page_{chr(ord('A') + number)}")
    counting.flush()

    rows = list(PageViewCount.objects.values_list("page", "country", "views"))
    assert sum(views for *_, views in rows) == 900  # 100 browsers × 9 counted views
    assert len(rows) == 18  # 9 pages × 2 countries: totals, not requests
    after = _every_value_in_the_database()
    new = after.replace(before, "")
    for address in addresses:
        assert re.search(rf"\b{re.escape(address)}\b", after) is None
    assert EDITOR_AGENT not in after
    assert "20261102." not in new  # no cookie value kept
