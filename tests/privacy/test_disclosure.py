"""C76, C85: nonpublic information leaves only on a listed basis, through one function, on the record."""

import pytest
from django.db import DatabaseError, transaction

from candor.privacy import audit, clock
from candor.privacy.audit import AccessEventType, AccessLogEntry, AppendOnlyError
from candor.privacy.disclosure import Basis, Disclosure, DisclosureRefused, ProtectionReason, disclose
from candor.privacy.roles import Role, RoleAssignment

EXPORT = {"ip": "198.51.100.77"}  # what `produce` would hand over


@pytest.fixture
def legal_officer(make_account):
    officer = make_account("Lena")
    RoleAssignment.objects.create(user=officer, role=Role.LEGAL_OFFICER, granted_at=clock.now())
    return officer


@pytest.fixture
def produce():
    calls = []

    def produce_export():
        calls.append(1)
        return EXPORT

    produce_export.calls = calls
    return produce_export


def request(operator, subject, produce, /, **change):
    fields = {
        "basis": Basis.LEGAL_PROCESS, "operator": operator, "subjects": [subject],
        "fields": ["privacy.PrivateEvent.sealed", "accounts.User.email"],
        "recipient": "District Court of Example",
        "justification": "Subpoena served and validated by counsel", "legal_request_ref": "LR-2026-0007",
        "produce": produce, **change,
    }  # fmt: skip
    return disclose(**fields)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"basis": "marketing"}, "not a basis"),
        ({"basis": None}, "not a basis"),
        ({"basis": ""}, "not a basis"),
        ({"basis": Basis.PROTECTION}, "protection sub-reasons"),
        ({"basis": Basis.PROTECTION, "protection_reason": "curiosity"}, "protection sub-reasons"),
        ({"basis": Basis.PROTECTION, "protection_reason": ProtectionReason.IMMINENT_HARM,
          "justification": "urgent"}, "justification of a few words"),
        ({"basis": Basis.USER_PERMISSION, "protection_reason": ProtectionReason.IMMINENT_HARM}, "only with"),
        ({"legal_request_ref": ""}, "names the legal request"),
        ({"legal_request_ref": "   "}, "names the legal request"),
        ({"justification": ""}, "Say why"),
        ({"recipient": ""}, "to whom"),
        ({"fields": ["accounts.User.shoe_size"]}, "not a field of the data map"),
        ({"fields": ["accounts.User.password"]}, "secret"),
        ({"fields": []}, "Name the fields"),
        ({"subjects": []}, "Name the accounts"),
        ({"subjects": [987654]}, "no account 987654"),
        ({"operator": None}, "names the operator"),
    ],
)  # fmt: skip
def test_a_disclosure_not_allowed_records_nothing_and_produces_nothing(
    legal_officer, editor_account, produce, change, message
):
    """C76: a basis outside the list, or none, is refused; C85: protection needs a sub-reason and a
    justification; C78: legal process needs its request. Nothing is exported, nothing is recorded."""
    with pytest.raises(DisclosureRefused, match=message):
        request(legal_officer, editor_account, produce, **change)

    assert produce.calls == []
    assert not Disclosure.objects.exists()
    assert not AccessLogEntry.objects.exists()


def test_only_a_legal_officer_discloses(make_account, editor_account, produce):
    """C76: an operator without the legal-officer role is refused, whatever else they hold."""
    steward = make_account("Stella")
    RoleAssignment.objects.create(user=steward, role=Role.STEWARD, granted_at=clock.now())

    with pytest.raises(DisclosureRefused, match="Only a legal officer"):
        request(steward, editor_account, produce)

    assert produce.calls == [] and not Disclosure.objects.exists()


def test_a_legal_process_disclosure_is_recorded_then_produced(legal_officer, editor_account, produce):
    """C76: after a valid flow, one disclosure row with every field filled in, and one audit entry."""
    result = request(legal_officer, editor_account, produce)

    assert result == EXPORT and produce.calls == [1]
    record = Disclosure.objects.get()
    assert record.at and record.operator == legal_officer and record.basis == Basis.LEGAL_PROCESS
    assert record.subjects == str(editor_account.pk)
    assert record.fields == "accounts.User.email,privacy.PrivateEvent.sealed"
    assert record.recipient == "District Court of Example"
    assert record.justification == "Subpoena served and validated by counsel"
    assert record.legal_request_ref == "LR-2026-0007" and record.protection_reason == ""
    entry = AccessLogEntry.objects.get()
    assert (entry.event_type, entry.actor, entry.target, entry.result_count) == (
        AccessEventType.DISCLOSURE, legal_officer, f"disclosure:{record.pk}", 1,
    )  # fmt: skip
    assert entry.reason == "legal_process: Subpoena served and validated by counsel"
    assert audit.verify().ok


def test_a_protection_disclosure_names_its_sub_reason(legal_officer, editor_account, make_account, produce):
    """C85: with a sub-reason and a justification, a protection disclosure is logged (every column filled),
    and a privacy officer can list the protection disclosures."""
    other = make_account("Bob")
    request(
        legal_officer, editor_account, produce, basis="protection", protection_reason="legal_defense",
        subjects=[other.pk, editor_account], justification="Defending the claim they filed against us",
    )  # fmt: skip

    record = Disclosure.objects.get()
    assert (record.basis, record.protection_reason) == (Basis.PROTECTION, ProtectionReason.LEGAL_DEFENSE)
    assert record.subjects == ",".join(str(pk) for pk in sorted([other.pk, editor_account.pk]))
    assert all(getattr(record, field.attname) not in ("", None) for field in Disclosure._meta.concrete_fields)
    assert AccessLogEntry.objects.get().reason.startswith("protection/legal_defense: ")
    assert list(Disclosure.objects.filter(basis=Basis.PROTECTION)) == [record]


def test_nothing_is_produced_when_the_records_cannot_be_written(
    legal_officer, editor_account, produce, monkeypatch
):
    """C76, DESIGN 4: fail closed. If the audit entry cannot be written, the disclosure row goes too."""

    def broken(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(AccessLogEntry, "_do_insert", broken)

    with pytest.raises(audit.AuditUnavailable):
        request(legal_officer, editor_account, produce)

    assert produce.calls == []
    assert not Disclosure.objects.exists()


def test_a_disclosure_is_committed_before_anything_is_produced(legal_officer, editor_account, produce):
    """Inside a caller's transaction the record could still be rolled back after the data left: refused."""
    with pytest.raises(RuntimeError), transaction.atomic():
        request(legal_officer, editor_account, produce)

    assert produce.calls == []


def test_a_disclosure_record_cannot_be_changed_or_deleted(legal_officer, editor_account, produce):
    """C76: the disclosure log is append-only."""
    request(legal_officer, editor_account, produce)
    record = Disclosure.objects.get()

    record.recipient = "somebody else"
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()
