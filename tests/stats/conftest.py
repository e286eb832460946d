"""Fixtures of the statistics stories: counting switched on, pages to read, and Stella the steward."""

from datetime import UTC, datetime

import pytest
from django.test import Client

from candor.accounts.actions import do_accept_access_policy, do_grant_role
from candor.privacy import clock
from candor.privacy.capture import RequestMeta
from candor.privacy.roles import Role
from candor.publiclog.titles import parse
from candor.stats import counting
from candor.wiki.actions import do_save_revision

DAY = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
NEXT_DAY = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
GB_ADDRESS = "81.2.69.160"  # registered in the United Kingdom
US_ADDRESS = "8.8.8.8"  # registered in the United States


@pytest.fixture(autouse=True)
def no_pending_counts():
    """Each test starts and ends with this process's pending page-view counts empty."""
    counting.discard()
    yield
    counting.discard()


@pytest.fixture
def counting_on(settings):
    settings.CANDOR_STATS_COUNT_PAGE_VIEWS = True


@pytest.fixture
def make_page(db):
    def make(raw_title: str, text: str = "Some text.") -> None:
        with clock.frozen_at(DAY.replace(hour=1)):
            do_save_revision(
                title=parse(raw_title), text=text, summary="", base_revision_id=None, user=None,
                meta=RequestMeta.from_address("192.0.2.1"),
            )  # fmt: skip

    return make


@pytest.fixture
def steward_account(make_account):
    stella = make_account("Stella")
    do_grant_role(target=stella, role=Role.STEWARD, reason="Elected by the community")
    do_accept_access_policy(stella)
    return stella


def browser(address: str = GB_ADDRESS) -> Client:
    """A reader's browser, which keeps the cookies it is given (Django's test client does)."""
    return Client(REMOTE_ADDR=address)
