"""C94: researchers get the releases (aggregates, public, no agreement needed); anything that is not an
aggregate (the edit records behind the editors' totals, say) goes through the disclosure gate, which needs
a recorded research agreement with the no-publication clause."""

from datetime import UTC, date, datetime

import pytest

from candor.privacy import clock
from candor.privacy.disclosure import Basis, DisclosureRefused, disclose, do_record_research_agreement
from candor.privacy.roles import Role, RoleAssignment

LAB = "Example University, Readership Lab"
RECORDS = ["privacy.PrivateEvent.event_type", "privacy.PrivateEvent.at", "privacy.PrivateEvent.sealed"]


@pytest.fixture
def legal_officer(make_account):
    officer = make_account("Lena")
    RoleAssignment.objects.create(user=officer, role=Role.LEGAL_OFFICER, granted_at=clock.now())
    return officer


def _ask_for_the_records(officer, subject, produced, **change):
    return disclose(
        basis=Basis.DEVELOPER_RESEARCH_ACCESS, operator=officer, subjects=[subject], fields=RECORDS,
        recipient=LAB, justification="The edit records behind the editors' totals, for a study of editing",
        produce=lambda: produced.append("records") or "records", **change,
    )  # fmt: skip


def test_the_releases_need_no_agreement(reader, db):
    assert reader.get("/stats/releases").status_code == 200


def test_a_researcher_asking_for_records_gets_nothing_without_an_agreement(legal_officer, editor_account):
    produced: list[str] = []
    with pytest.raises(DisclosureRefused, match="research agreement"):
        _ask_for_the_records(legal_officer, editor_account, produced)

    assert produced == []


def test_with_a_recorded_agreement_the_records_go_through_the_gate(legal_officer, editor_account):
    with clock.frozen_at(datetime(2026, 11, 2, tzinfo=UTC)):
        agreement = do_record_research_agreement(
            operator=legal_officer, researcher=LAB, purpose="Study how editing differs by country",
            fields=RECORDS, ends_on=date(2026, 12, 31),
        )  # fmt: skip
        produced: list[str] = []
        assert _ask_for_the_records(
            legal_officer, editor_account, produced, research_agreement=agreement.pk
        ) == ("records")

    assert produced == ["records"]
