"""C84, C64, C125: a transfer to new owners or a move to a different policy is announced on every page, in
the feed and by mail to every confirmed address, at least 30 calendar days ahead."""

from datetime import timedelta

import pytest

from candor.governance import actions
from candor.governance.actions import GovernanceRefused
from candor.governance.models import Announcement, OwnershipTransfer
from candor.privacy import clock
from tests.governance.conftest import DAY_0, recipients

DESCRIPTION = "The Example Trust takes over the operation of Candor and its data."


def on_day(number: int):
    return DAY_0.date() + timedelta(days=number)


@pytest.mark.parametrize(("days_ahead", "accepted"), [(29, False), (30, True), (31, True)])
def test_a_transfer_is_announced_at_least_30_calendar_days_ahead(administrator, days_ahead, accepted):
    with clock.frozen_at(DAY_0.replace(hour=23, minute=59)):
        response = administrator.client.post(
            "/governance/transfer",
            {"action": "announce", "description": DESCRIPTION, "transfer_on": on_day(days_ahead).isoformat()},
        )
    assert (response.status_code == 302) is accepted
    assert OwnershipTransfer.objects.exists() is accepted
    if not accepted:
        assert "at least 30 calendar days" in response.content.decode()


def test_the_notice_is_on_every_page_in_the_feed_and_in_every_confirmed_inbox(
    carol, dave, erin, frank, administrator, reader, jobs, smtp_server, django_capture_on_commit_callbacks
):
    with clock.frozen_at(DAY_0), django_capture_on_commit_callbacks(execute=True):
        transfer = actions.do_announce_transfer(
            administrator.user, description=DESCRIPTION, transfer_on=on_day(30)
        )
    with clock.frozen_at(DAY_0 + timedelta(days=29)):
        for url in ("/wiki/Main_Page", "/privacy", "/accounts/signup"):
            assert (
                "may move to new owners or a different privacy policy on 2027-03-31"
                in reader.get(url).content.decode()
            )

    assert recipients(smtp_server) == ["carol@example.org", "dave@example.org"]
    assert Announcement.objects.get().subject in reader.get("/privacy/announcements/feed").content.decode()
    assert DESCRIPTION in reader.get("/privacy/announcements").content.decode()

    with clock.frozen_at(DAY_0 + timedelta(days=5)):
        actions.do_cancel_transfer(administrator.user, transfer, reason="The takeover was called off")
        assert "new owners" not in reader.get("/wiki/Main_Page").content.decode()


def test_only_administrators_announce_transfers(legal_officer, editor):
    with pytest.raises(GovernanceRefused, match="administrator"):
        actions.do_announce_transfer(legal_officer.user, description=DESCRIPTION, transfer_on=on_day(400))
    assert editor.get("/governance/transfer").status_code == 404
