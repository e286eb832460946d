"""C84, C64, C125: a transfer to new owners or a move to a different policy is announced on every page, in
the feed and by mail to every confirmed address, at least 30 calendar days ahead; no personal data moves to
the new owners before day 30 from the notice."""

from datetime import timedelta

import pytest

from candor.accounts.models import User
from candor.governance import actions
from candor.governance.actions import GovernanceRefused
from candor.governance.models import Announcement, OwnershipTransfer
from candor.privacy import clock
from candor.privacy.audit import AccessEventType, AccessLogEntry
from candor.privacy.disclosure import Basis, Disclosure
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


NEW_OWNER = "The Example Trust"
EXPORTED = ["accounts.User.date_joined", "accounts.User.email"]


@pytest.mark.parametrize(
    ("moment", "allowed"),
    [
        (DAY_0.replace(hour=23, minute=59) + timedelta(days=29), False),
        (DAY_0.replace(hour=0, minute=0) + timedelta(days=30), True),
        (DAY_0 + timedelta(days=31), True),
    ],
    ids=["day 29, 23:59", "day 30, 00:00", "day 31"],
)
def test_personal_data_moves_to_new_owners_only_from_day_30_after_the_notice(
    carol, frank, administrator, legal_officer, moment, allowed
):
    """C84, C76: notice at day 0 -> the org_transfer export is refused until day 30 00:00 UTC, nothing
    recorded; from then it is allowed, on the disclosure log and the privileged-access log."""
    with clock.frozen_at(DAY_0):
        transfer = actions.do_announce_transfer(
            administrator.user, description=DESCRIPTION, transfer_on=on_day(45)
        )
    logged_before = AccessLogEntry.objects.filter(event_type=AccessEventType.DISCLOSURE).count()

    with clock.frozen_at(moment):
        if allowed:
            package = actions.do_org_transfer_export(
                legal_officer.user, transfer, fields=EXPORTED, recipient=NEW_OWNER
            ).decode()
        else:
            with pytest.raises(GovernanceRefused, match="notice period runs until 2027-03-31"):
                actions.do_org_transfer_export(
                    legal_officer.user, transfer, fields=EXPORTED, recipient=NEW_OWNER
                )

    logged = AccessLogEntry.objects.filter(event_type=AccessEventType.DISCLOSURE).count() - logged_before
    assert Disclosure.objects.exists() is allowed
    assert logged == (1 if allowed else 0)
    if allowed:
        (disclosure,) = Disclosure.objects.all()
        assert disclosure.basis == Basis.ORG_TRANSFER
        assert disclosure.recipient == NEW_OWNER
        assert disclosure.fields == ",".join(EXPORTED)
        everyone = {str(pk) for pk in User.objects.values_list("pk", flat=True)}
        assert set(disclosure.subjects.split(",")) == everyone
        assert "carol@example.org" in package and f'"account": {frank.pk}' in package


def test_a_cancelled_transfer_never_exports_and_only_legal_officers_export(
    carol, administrator, legal_officer
):
    """C84: the administrator who announced it cannot export; once cancelled, nobody can."""
    with clock.frozen_at(DAY_0):
        transfer = actions.do_announce_transfer(
            administrator.user, description=DESCRIPTION, transfer_on=on_day(30)
        )
    with clock.frozen_at(DAY_0 + timedelta(days=40)):
        with pytest.raises(GovernanceRefused, match="legal officer"):
            actions.do_org_transfer_export(administrator.user, transfer, fields=EXPORTED, recipient=NEW_OWNER)
        actions.do_cancel_transfer(administrator.user, transfer, reason="The takeover was called off")
        with pytest.raises(GovernanceRefused, match="cancelled"):
            actions.do_org_transfer_export(legal_officer.user, transfer, fields=EXPORTED, recipient=NEW_OWNER)
    assert not Disclosure.objects.exists()


@pytest.mark.parametrize(("announced_days_ago", "allowed"), [(29, False), (30, True)])
def test_the_legal_officer_exports_to_the_new_owners_from_the_page_from_day_30(
    carol, administrator, legal_officer, announced_days_ago, allowed
):
    """C84 over HTTP: announced 29 days ago -> the page refuses and says when; 30 days ago -> a download,
    on the disclosure log."""
    with clock.frozen_at(clock.now() - timedelta(days=announced_days_ago)):
        transfer = actions.do_announce_transfer(
            administrator.user, description=DESCRIPTION, transfer_on=on_day(400)
        )
    exportable_from = (transfer.announced_at + timedelta(days=30)).date()
    page = legal_officer.client.get("/governance/legal").content.decode()
    assert f"May be exported from {exportable_from:%Y-%m-%d}" in page

    response = legal_officer.client.post(
        "/governance/legal",
        {"action": "transfer_export", "transfer": transfer.pk, "recipient": NEW_OWNER, "fields": EXPORTED[1]},
    )
    if allowed:
        assert response.status_code == 200
        assert (
            response["Content-Disposition"] == f'attachment; filename="ownership-transfer-{transfer.pk}.json"'
        )
        assert "carol@example.org" in response.content.decode()
    else:
        assert response.status_code == 400
        assert f"notice period runs until {exportable_from:%Y-%m-%d}" in response.content.decode()
    assert Disclosure.objects.filter(basis=Basis.ORG_TRANSFER).exists() is allowed
