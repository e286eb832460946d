"""C76-C83: a legal demand is assessed before anything else; a valid one is answered only 10 calendar days
after every account it names was emailed (C83's words in the mail), or at once under one of three exceptions
approved by a second legal officer; the answer goes through the disclosure log, with the covered fields."""

from datetime import timedelta

import pytest

from candor.governance import actions
from candor.governance.actions import GovernanceRefused
from candor.governance.models import Assessment, DemandStatus, NoticeException
from candor.privacy import clock
from candor.privacy.audit import AccessEventType, AccessLogEntry
from candor.privacy.disclosure import Basis, Disclosure
from tests.governance.conftest import DAY_0, bodies, recipients

FIELDS = ["accounts.User.email", "accounts.User.date_joined"]


def day(number: int, hour: int = 12, minute: int = 0):
    return DAY_0.replace(hour=hour, minute=minute) + timedelta(days=number)


def record(officer, *accounts, fields=FIELDS):
    return actions.do_record_demand(
        officer.user, kind="subpoena", issuer="District Court of Example", jurisdiction="Example County",
        accounts=[account.username for account in accounts], addresses="", fields=fields, deadline=None,
    )  # fmt: skip


def assess(officer, demand, assessment=Assessment.VALID, covered=()):
    return actions.do_assess_demand(
        officer.user, demand, assessment=assessment, reasons="Served properly and specific enough",
        fields_covered=covered,
    )  # fmt: skip


def test_nothing_can_be_disclosed_before_the_demand_is_assessed(legal_officer, carol):
    """C78: record, then disclose at once -> refused; nothing on the disclosure log."""
    demand = record(legal_officer, carol)

    with pytest.raises(GovernanceRefused, match="cannot be disclosed in its state"):
        actions.do_disclose_demand(legal_officer.user, demand)
    with pytest.raises(GovernanceRefused, match="Notice follows"):
        actions.do_send_legal_notice(legal_officer.user, demand)
    assert not Disclosure.objects.exists()


def test_an_invalid_demand_is_contested_and_never_disclosed(legal_officer, carol):
    """C78, C82."""
    demand = assess(legal_officer, record(legal_officer, carol), Assessment.INVALID)

    assert demand.status == DemandStatus.CONTESTED
    with pytest.raises(GovernanceRefused):
        actions.do_disclose_demand(legal_officer.user, demand)
    assert not Disclosure.objects.exists()


def test_the_notice_is_mailed_with_the_advice_to_seek_counsel(carol, legal_officer, smtp_server):
    """C79, C83: one mail to Carol's confirmed address: which demand, what data, from when, and counsel."""
    demand = assess(legal_officer, record(legal_officer, carol))
    with clock.frozen_at(day(0)):
        actions.do_send_legal_notice(legal_officer.user, demand)

    (body,) = bodies(smtp_server)
    assert recipients(smtp_server) == ["carol@example.org"]
    assert f"legal demand {demand.pk}" in body and "accounts.User.email" in body
    assert "March 11, 2027" in body  # day 10
    assert "legal counsel" in body and "limit any legal objections or defenses" in body
    demand.refresh_from_db()
    assert demand.notice_sent_at == day(0) and demand.users_notified == 1


def test_a_notice_the_relay_cuts_short_is_finished_without_mailing_anyone_twice(
    carol, dave, legal_officer, smtp_server
):
    """C79: the relay takes Carol's notice and turns Dave's away; sent again, only Dave's goes."""
    demand = assess(legal_officer, record(legal_officer, carol, dave))
    smtp_server.refuse_once.add("dave@example.org")

    with pytest.raises(GovernanceRefused, match="will not be mailed twice"):
        actions.do_send_legal_notice(legal_officer.user, demand)
    assert recipients(smtp_server) == ["carol@example.org"]
    demand.refresh_from_db()
    assert demand.status == DemandStatus.ASSESSED and demand.notice_sent_at is None
    actions.do_send_legal_notice(legal_officer.user, demand)

    assert recipients(smtp_server) == ["carol@example.org", "dave@example.org"]
    demand.refresh_from_db()
    assert demand.status == DemandStatus.NOTICE_SENT and demand.users_notified == 2


@pytest.mark.parametrize(
    ("moment", "allowed"),
    [(day(9, hour=23, minute=59), False), (day(10, hour=0), True), (day(11), True)],
    ids=["day 9, 23:59", "day 10, 00:00", "day 11"],
)
def test_disclosure_waits_ten_calendar_days_after_the_notice(
    carol, legal_officer, smtp_server, moment, allowed
):
    """C79: notice at day 0 -> refused until day 10 00:00 UTC."""
    demand = assess(legal_officer, record(legal_officer, carol))
    with clock.frozen_at(day(0)):
        actions.do_send_legal_notice(legal_officer.user, demand)

    with clock.frozen_at(moment):
        if allowed:
            actions.do_disclose_demand(legal_officer.user, demand)
        else:
            with pytest.raises(GovernanceRefused, match="notice period"):
                actions.do_disclose_demand(legal_officer.user, demand)
    assert Disclosure.objects.exists() is allowed


def test_the_disclosure_holds_only_the_fields_the_assessment_covers_and_is_logged(
    carol, legal_officer, smtp_server
):
    """C76, C78: an overbroad demand for the address and the join date is answered with the join date only,
    on the legal-process basis, naming the demand and the notice."""
    demand = assess(
        legal_officer, record(legal_officer, carol), Assessment.OVERBROAD, ["accounts.User.date_joined"]
    )
    with clock.frozen_at(day(0)):
        actions.do_send_legal_notice(legal_officer.user, demand)
    with clock.frozen_at(day(10)):
        package = actions.do_disclose_demand(legal_officer.user, demand).decode()

    assert "date_joined" in package and "carol@example.org" not in package
    (disclosure,) = Disclosure.objects.all()
    assert disclosure.basis == Basis.LEGAL_PROCESS
    assert disclosure.fields == "accounts.User.date_joined"
    assert disclosure.legal_request_ref == f"legal_demand:{demand.pk}"
    assert "notice mailed 2027-03-01" in disclosure.justification
    demand.refresh_from_db()
    assert demand.status == DemandStatus.DISCLOSED
    with pytest.raises(GovernanceRefused):
        actions.do_disclose_demand(legal_officer.user, demand)


def test_an_overbroad_assessment_must_cover_less_than_was_asked(legal_officer, carol):
    demand = record(legal_officer, carol)
    with pytest.raises(GovernanceRefused, match="part of the fields"):
        assess(legal_officer, demand, Assessment.OVERBROAD, FIELDS)


@pytest.mark.parametrize("exception", [NoticeException.LEGAL_RESTRAINT, NoticeException.THREAT_TO_LIFE])
def test_an_exception_needs_a_second_legal_officer_then_skips_the_wait(
    carol, legal_officer, second_legal_officer, smtp_server, exception
):
    """C80: a gag order or a threat, justified in writing: the officer who claimed it cannot approve it; once
    a second one does, the demand is answered at once and nobody is emailed."""
    demand = assess(legal_officer, record(legal_officer, carol))
    with clock.frozen_at(day(0)):
        actions.do_claim_exception(
            legal_officer.user, demand, exception=exception, justification="The court order forbids telling"
        )
        with pytest.raises(GovernanceRefused, match="cannot be disclosed"):
            actions.do_disclose_demand(legal_officer.user, demand)
        with pytest.raises(GovernanceRefused, match="second legal officer"):
            actions.do_approve_exception(legal_officer.user, demand)
        actions.do_approve_exception(second_legal_officer.user, demand)
        actions.do_disclose_demand(legal_officer.user, demand)

    assert smtp_server.messages == []
    assert Disclosure.objects.get().legal_request_ref == f"legal_demand:{demand.pk}"
    assert str(exception.label) in Disclosure.objects.get().justification


def test_no_email_is_an_exception_only_for_someone_without_a_confirmed_address(
    carol, frank, legal_officer, second_legal_officer
):
    """C80: Frank has no address: notice is impossible, the no-email exception is the path. Carol has one: the
    no-email exception is refused and the notice is mandatory."""
    franks = assess(legal_officer, record(legal_officer, frank))
    with pytest.raises(GovernanceRefused, match="no-email exception"):
        actions.do_send_legal_notice(legal_officer.user, franks)
    actions.do_claim_exception(
        legal_officer.user, franks, exception=NoticeException.NO_EMAIL, justification="He gave no address"
    )
    actions.do_approve_exception(second_legal_officer.user, franks)
    actions.do_disclose_demand(second_legal_officer.user, franks)

    carols = assess(legal_officer, record(legal_officer, carol))
    with pytest.raises(GovernanceRefused, match="must be notified"):
        actions.do_claim_exception(
            legal_officer.user,
            carols,
            exception=NoticeException.NO_EMAIL,
            justification="We would rather not",
        )


def test_an_exception_needs_a_written_justification(legal_officer, carol):
    demand = assess(legal_officer, record(legal_officer, carol))
    with pytest.raises(GovernanceRefused, match="justification"):
        actions.do_claim_exception(
            legal_officer.user, demand, exception=NoticeException.LEGAL_RESTRAINT, justification="gag"
        )


def test_only_legal_officers_handle_demands(administrator, legal_officer, carol, editor):
    """C78, C99: the tool is a 404 for anyone else, and the actions refuse them too."""
    with pytest.raises(GovernanceRefused, match="legal officer"):
        record(administrator, carol)
    assert editor.get("/governance/legal").status_code == 404
    assert administrator.client.get("/governance/legal").status_code == 404
    assert legal_officer.client.get("/governance/legal").status_code == 200


def test_a_demand_walked_through_the_legal_officers_pages(carol, legal_officer, smtp_server):
    """The whole path over HTTP; every move is on the privileged-access log."""
    client = legal_officer.client
    response = client.post("/governance/legal", {
        "action": "record", "kind": "court_order", "issuer": "High Court", "jurisdiction": "Example",
        "accounts": "Carol", "fields": "accounts.User.email\naccounts.User.username",
        "deadline": "2030-01-01",
    })  # fmt: skip
    assert response.status_code == 302
    page = response["Location"]
    demand_id = page.split("=")[1]
    assert client.post("/governance/legal", {"action": "notice", "demand": demand_id}).status_code == 400
    assert client.post("/governance/legal", {
        "action": "assess", "demand": demand_id, "assessment": "valid",
        "reasons": "A proper court order here",
    }).status_code == 302  # fmt: skip
    assert client.post("/governance/legal", {"action": "notice", "demand": demand_id}).status_code == 302
    html = client.get(page).content.decode()
    assert "The people concerned were notified" in html and "May be disclosed from" in html
    refused = client.post("/governance/legal", {"action": "disclose", "demand": demand_id})
    assert refused.status_code == 400 and "notice period" in refused.content.decode()
    assert recipients(smtp_server) == ["carol@example.org"]
    moves = AccessLogEntry.objects.filter(
        event_type=AccessEventType.LEGAL_DEMAND, target=f"legal_demand:{demand_id}"
    )
    assert moves.count() == 3  # recorded, assessed, notice mailed


def test_while_the_person_opposes_the_demand_nothing_is_disclosed(carol, legal_officer, smtp_server):
    """C82: Carol says she will fight it herself: refused meanwhile; her opposition fails: allowed again."""
    demand = assess(legal_officer, record(legal_officer, carol))
    with clock.frozen_at(day(0)):
        actions.do_send_legal_notice(legal_officer.user, demand)
        actions.do_record_user_opposing(legal_officer.user, demand)
    with clock.frozen_at(day(20)):
        with pytest.raises(GovernanceRefused, match="cannot be disclosed"):
            actions.do_disclose_demand(legal_officer.user, demand)
        actions.do_end_opposition(legal_officer.user, demand, outcome="The court rejected her motion")
        actions.do_disclose_demand(legal_officer.user, demand)

    assert Disclosure.objects.count() == 1


def test_a_demand_found_valid_can_still_be_contested_and_then_is_never_disclosed(
    carol, legal_officer, smtp_server
):
    """C82: contested after the notice, it stays closed."""
    demand = assess(legal_officer, record(legal_officer, carol))
    with clock.frozen_at(day(0)):
        actions.do_send_legal_notice(legal_officer.user, demand)
        actions.do_contest(legal_officer.user, demand, reasons="New facts show the demand is abusive")
    with clock.frozen_at(day(11)):
        with pytest.raises(GovernanceRefused, match="cannot be disclosed"):
            actions.do_disclose_demand(legal_officer.user, demand)
        with pytest.raises(GovernanceRefused, match="can be contested"):
            actions.do_contest(legal_officer.user, demand, reasons="Contested twice over here")

    assert demand.status == DemandStatus.CONTESTED and not Disclosure.objects.exists()
