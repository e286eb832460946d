"""STYLE.md 6, C79, C82, C117, C120: each governance workflow moves only along its transition table. A move
the table forbids is refused with nothing written; each move stamps its state's date; a demand whose
opposition ends keeps the day its notice went out, from which the 10 calendar days count."""

from datetime import timedelta

import pytest

from candor.governance import actions
from candor.governance.models import (
    DEMAND_MOVES,
    POLICY_MOVES,
    Assessment,
    ChangeKind,
    ChangeStatus,
    DemandStatus,
    EmergencyDisclosure,
    LegalDemand,
    OwnershipTransfer,
    PolicyVersion,
)
from candor.governance.workflow import IllegalMove
from candor.privacy import clock
from candor.privacy.audit import AccessLogEntry
from candor.privacy.disclosure import Disclosure
from tests.governance.conftest import DAY_0


def day(number: int):
    return DAY_0 + timedelta(days=number)


@pytest.mark.parametrize(
    ("model", "tables"),
    [
        (PolicyVersion, list(POLICY_MOVES.values())),
        (LegalDemand, [DEMAND_MOVES]),
        (OwnershipTransfer, [OwnershipTransfer.MOVES]),
        (EmergencyDisclosure, [EmergencyDisclosure.MOVES]),
    ],
)
def test_every_move_leads_to_a_state_of_its_workflow_whose_date_is_a_field(model, tables):
    states = {value for value, _ in model._meta.get_field("status").choices}
    for table in tables:
        for start, ends in table.items():
            assert start in states and ends <= states
    for state, date_field in model.DATE_OF.items():
        assert state in states and model._meta.get_field(date_field)


def test_a_move_the_table_forbids_is_refused_and_nothing_is_written(administrator):
    """C117, C120: a withdrawn minor draft is adopted neither by its action nor by move() itself."""
    with clock.frozen_at(day(0)):
        version = actions.do_draft_policy_change(
            administrator.user, kind=ChangeKind.MINOR, summary="A typo fixed", text="# Policy\n"
        )
        actions.do_withdraw(administrator.user, version, reason="Folded into the next change")
        logged = AccessLogEntry.objects.count()

        with pytest.raises(IllegalMove, match="Only a draft of a minor change"):
            actions.do_adopt_minor(
                administrator.user, version, approved_by="The board", effective_on=day(5).date()
            )
        with pytest.raises(IllegalMove, match="withdrawn cannot become adopted"):
            version.move(ChangeStatus.ADOPTED)

    stored = PolicyVersion.objects.get(pk=version.pk)
    assert stored.status == ChangeStatus.WITHDRAWN and stored.adopted_at is None
    assert AccessLogEntry.objects.count() == logged


def test_an_invalid_assessment_stamps_the_assessment_and_the_contest_together(legal_officer, carol):
    """C78, C82: one move, one moment, one log entry."""
    with clock.frozen_at(day(0)):
        demand = actions.do_record_demand(
            legal_officer.user, kind="subpoena", issuer="A court", jurisdiction="Example County",
            accounts=[carol.username], addresses="", fields=["accounts.User.email"], deadline=None,
        )  # fmt: skip
    with clock.frozen_at(day(2)):
        actions.do_assess_demand(
            legal_officer.user, demand, assessment=Assessment.INVALID, reasons="Not served on us properly"
        )

    stored = LegalDemand.objects.get(pk=demand.pk)
    assert stored.status == DemandStatus.CONTESTED
    assert stored.assessed_at == stored.contested_at == day(2)


def test_an_ended_opposition_keeps_the_day_the_notice_went_out(legal_officer, carol, smtp_server):
    """C79, C82: notice on day 0, opposed from day 3 to day 5: the demand is answered from day 10, not 15."""
    demand = actions.do_record_demand(
        legal_officer.user, kind="subpoena", issuer="A court", jurisdiction="Example County",
        accounts=[carol.username], addresses="", fields=["accounts.User.email"], deadline=None,
    )  # fmt: skip
    actions.do_assess_demand(
        legal_officer.user, demand, assessment=Assessment.VALID, reasons="Served properly and specific"
    )
    with clock.frozen_at(day(0)):
        actions.do_send_legal_notice(legal_officer.user, demand)
    with clock.frozen_at(day(3)):
        actions.do_record_user_opposing(legal_officer.user, demand)
    with clock.frozen_at(day(5)):
        actions.do_end_opposition(legal_officer.user, demand, outcome="She withdrew her motion")

    stored = LegalDemand.objects.get(pk=demand.pk)
    assert stored.status == DemandStatus.NOTICE_SENT
    assert (stored.notice_sent_at, stored.user_opposing_at) == (day(0), day(3))
    assert actions.disclosable_from(stored) == day(10).date()
    with clock.frozen_at(day(10)):
        actions.do_disclose_demand(legal_officer.user, stored)
    assert Disclosure.objects.count() == 1
