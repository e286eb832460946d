"""C93, C94: a developer or researcher receives nonpublic information only under a recorded agreement (who,
purpose, fields, end date, the no-publication clause), through the disclosure gate, on the record."""

from datetime import UTC, date, datetime, timedelta

import pytest

from candor.privacy import clock
from candor.privacy.audit import AccessEventType, AccessLogEntry
from candor.privacy.disclosure import (
    NO_PUBLICATION_CLAUSE,
    Basis,
    Disclosure,
    DisclosureRefused,
    disclose,
    do_record_research_agreement,
)
from candor.privacy.models import ResearchAgreement
from candor.privacy.roles import Role, RoleAssignment

TODAY = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
LAB = "Example University, Wiki Editing Lab"
FIELDS = ["privacy.PrivateEvent.event_type", "privacy.PrivateEvent.at"]


@pytest.fixture(autouse=True)
def on_the_day():
    with clock.frozen_at(TODAY):
        yield


@pytest.fixture
def legal_officer(make_account):
    officer = make_account("Lena")
    RoleAssignment.objects.create(user=officer, role=Role.LEGAL_OFFICER, granted_at=clock.now())
    return officer


def _agreement(officer, **change):
    terms = {
        "operator": officer, "researcher": LAB, "purpose": "Study how new editors' first edits are reverted",
        "fields": FIELDS, "ends_on": date(2026, 12, 31), **change,
    }  # fmt: skip
    return do_record_research_agreement(**terms)


def _research_disclosure(officer, subject, produced, **change):
    request = {
        "basis": Basis.DEVELOPER_RESEARCH_ACCESS, "operator": officer, "subjects": [subject],
        "fields": FIELDS, "recipient": LAB,
        "justification": "Edit timings of consenting new editors for the study",
        "produce": lambda: produced.append("export") or "export", **change,
    }  # fmt: skip
    return disclose(**request)


def test_a_research_disclosure_without_an_agreement_is_refused_and_nothing_leaves(
    legal_officer, editor_account
):
    """C94: the developer_research_access basis alone is not enough."""
    produced = []

    with pytest.raises(DisclosureRefused, match="needs a research agreement on record"):
        _research_disclosure(legal_officer, editor_account, produced)
    with pytest.raises(DisclosureRefused, match="needs a research agreement on record"):
        _research_disclosure(legal_officer, editor_account, produced, research_agreement=987654)

    assert produced == [] and not Disclosure.objects.exists() and not AccessLogEntry.objects.exists()


def test_under_an_agreement_in_force_the_disclosure_is_made_and_logged(legal_officer, editor_account):
    """C94: with the agreement, the disclosure is recorded with its agreement on the access log, then made."""
    agreement = _agreement(legal_officer)
    produced = []

    assert (
        _research_disclosure(legal_officer, editor_account, produced, research_agreement=agreement.pk)
        == "export"
    )

    assert produced == ["export"]
    disclosure = Disclosure.objects.get()
    assert disclosure.basis == Basis.DEVELOPER_RESEARCH_ACCESS and disclosure.recipient == LAB
    entries = list(AccessLogEntry.objects.order_by("id").values_list("event_type", "target", "reason"))
    assert entries[0] == (
        AccessEventType.RESEARCH_AGREEMENT,
        f"research_agreement:{agreement.pk}",
        f"{LAB}: {agreement.purpose}",
    )
    assert entries[1][0] == AccessEventType.DISCLOSURE
    assert entries[1][2].startswith(f"developer_research_access/agreement:{agreement.pk}: ")
    assert agreement.no_publication_clause == NO_PUBLICATION_CLAUSE


@pytest.mark.parametrize(
    "disclosed, moment, message",
    [
        ({"recipient": "Another Lab"}, TODAY, "is with Example University"),
        ({"fields": [*FIELDS, "accounts.User.email"]}, TODAY, "does not cover accounts.User.email"),
        ({}, datetime(2027, 1, 1, 0, 0, tzinfo=UTC), "not in force today"),
        ({}, TODAY - timedelta(days=1), "not in force today"),
    ],
)
def test_an_agreement_covers_only_its_researcher_its_fields_and_its_dates(
    legal_officer, editor_account, disclosed, moment, message
):
    """C94: another recipient, a field not agreed, a day outside the agreement: refused, nothing recorded."""
    agreement = _agreement(legal_officer)
    produced = []

    with clock.frozen_at(moment), pytest.raises(DisclosureRefused, match=message):
        _research_disclosure(
            legal_officer, editor_account, produced, research_agreement=agreement.pk, **disclosed
        )

    assert produced == [] and not Disclosure.objects.exists()


@pytest.mark.parametrize(
    "change, message",
    [
        ({"no_publication_clause": "  "}, "publishes no personal information"),
        ({"researcher": ""}, "names the researcher"),
        ({"researcher": "L" * 201}, "at most 200 characters"),
        ({"purpose": ""}, "names the researcher and the purpose"),
        ({"ends_on": None}, "has an end date"),
        ({"ends_on": date(2026, 6, 9)}, "on or after its start"),
        ({"fields": []}, "Name the fields"),
        ({"fields": ["accounts.User.password"]}, "secret"),
    ],
)
def test_an_agreement_needs_who_purpose_fields_an_end_date_and_the_no_publication_clause(
    legal_officer, change, message
):
    """C94: an agreement missing any of its terms is not recorded."""
    with pytest.raises(DisclosureRefused, match=message):
        _agreement(legal_officer, **change)

    assert not ResearchAgreement.objects.exists() and not AccessLogEntry.objects.exists()


def test_only_a_legal_officer_records_an_agreement_and_it_is_never_changed(legal_officer, make_account):
    with pytest.raises(DisclosureRefused, match="Only a legal officer"):
        _agreement(make_account("Mallory"))
    agreement = _agreement(legal_officer)

    agreement.ends_on = date(2030, 1, 1)
    with pytest.raises(ValueError, match="never changed"):
        agreement.save()


def test_an_agreement_is_given_only_with_the_research_basis(legal_officer, editor_account):
    agreement = _agreement(legal_officer)

    with pytest.raises(DisclosureRefused, match="only with the developer_research_access basis"):
        _research_disclosure(
            legal_officer, editor_account, [], basis=Basis.LEGAL_PROCESS, legal_request_ref="LR-1",
            research_agreement=agreement.pk,
        )  # fmt: skip
