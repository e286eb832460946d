"""Disclosures: nonpublic information leaving Candor for anyone but its owner (C76, C85).

Every such export goes through `disclose()`, except the privileged on-wiki lookups, which privacy.access
logs separately (C88). Invariants:

- A disclosure has a basis from a closed list (`Basis`); any other basis, or none, is refused.
- `protection` needs one of its sub-reasons and a justification of a few words (C85); `legal_process`
  needs the reference of the legal request it answers (C78; the request workflow will check it).
- `user_permission` needs, from every person concerned, a `SharingPermission` in force for the same
  purpose and recipient that covers every field disclosed (C77): permission for one purpose covers no
  other, and once revoked it covers nothing. The person grants it themselves, on a page that shows
  exactly what would be shared with whom (`/yourdata/sharing`), and can revoke it there.
- `developer_research_access` needs a `ResearchAgreement` (C93, C94) with the recipient, in force today,
  covering every field disclosed and holding the clause that the researcher publishes no personal
  information; a legal officer records it first (`do_record_research_agreement`), on the access log.
- The fields must be named in the data map, and none may be secret (a hash or a key is never disclosed);
  there must be at least one subject and a recipient, and the operator must hold the legal-officer role.
- The Disclosure row and its entry in the privileged-access log are committed together before anything
  is produced: `produce()` is called only after the commit, so nothing leaves unless it is on the record.
  For that guarantee `disclose()` must not run inside another transaction (it raises RuntimeError if so).
- Disclosure rows are append-only, like the log; they are private and leave with their retention window.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC
from typing import TypeVar

from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction

from candor.privacy import audit, clock, register
from candor.privacy.models import EventType, ResearchAgreement
from candor.privacy.models.disclosure import Basis, Disclosure, ProtectionReason, SharingPermission
from candor.privacy.register import Visibility
from candor.privacy.roles import Role, RoleAssignment

T = TypeVar("T")
MIN_PROTECTION_WORDS = 3
# The clause every research agreement holds (C94; the policy: "if these developers or researchers later
# publish their work or findings, we ask that they not disclose your personal information").
NO_PUBLICATION_CLAUSE = (
    "The researcher uses the information only for the purpose and until the date stated here, and discloses "
    "no personal information of anyone in what they publish of their work or findings."
)


class DisclosureRefused(ValueError):
    """The disclosure is not allowed as asked; nothing was recorded or produced."""


def do_grant_sharing_permission(user, *, purpose: str, recipient: str, fields, meta) -> SharingPermission:
    """Record `user`'s permission, as they confirmed it, and its private event (who, from where, when)."""
    from candor.privacy import capture

    asked = describe_sharing(purpose=purpose, recipient=recipient, fields=fields)
    with transaction.atomic():
        permission = SharingPermission.objects.create(
            user=user, purpose=asked.purpose, recipient=asked.recipient, fields=",".join(asked.fields),
            granted_at=clock.now(),
        )  # fmt: skip
        capture.record(EventType.CONSENT_GRANTED, meta, actor=user, target=f"sharing:{permission.pk}")
    return permission


@dataclass(frozen=True)
class SharingAsked:
    purpose: str
    recipient: str
    fields: list[str]
    described: list[str]  # each field in words, for the person asked


def describe_sharing(*, purpose: str, recipient: str, fields) -> SharingAsked:
    """What a permission would allow, checked and put in words, before the person grants it."""
    purpose, recipient = _text(purpose), _text(recipient)
    if not purpose or not recipient:
        raise DisclosureRefused("A permission names its purpose and its recipient.")
    names = _fields(fields)
    declared = _declared()
    described = [f"{declared[name][0].description}: {declared[name][1].purpose}" for name in names]
    return SharingAsked(purpose[:200], recipient[:200], names, described)


def do_revoke_sharing_permission(user, permission_id: int, meta) -> bool:
    """Revoke one of `user`'s permissions in force; False if they have no such permission."""
    from candor.privacy import capture

    with transaction.atomic():
        revoked = SharingPermission.objects.filter(pk=permission_id, user=user, revoked_at=None).update(
            revoked_at=clock.now()
        )
        if revoked:
            capture.record(EventType.CONSENT_WITHDRAWN, meta, actor=user, target=f"sharing:{permission_id}")
    return bool(revoked)


def _check_permissions(subject_ids: list[int], purpose: str, recipient: str, field_names: list[str]) -> None:
    in_force = SharingPermission.objects.filter(
        user_id__in=subject_ids, purpose=purpose, recipient=recipient, revoked_at=None
    )
    allowed = {user_id: set() for user_id in subject_ids}
    for user_id, fields in in_force.values_list("user_id", "fields"):
        allowed[user_id] |= set(fields.split(","))
    for user_id in subject_ids:
        if not set(field_names) <= allowed[user_id]:
            raise DisclosureRefused(
                f"Account {user_id} has given no permission in force to share these fields with {recipient} "
                f"for {purpose!r}."
            )


def do_record_research_agreement(
    *, operator, researcher: str, purpose: str, fields, ends_on, starts_on=None,
    no_publication_clause: str = NO_PUBLICATION_CLAUSE,
):  # fmt: skip
    """Record the agreement under which `researcher` may receive the named fields (C93, C94), and its entry
    on the privileged-access log, together. DisclosureRefused: something the agreement needs is missing."""
    researcher, purpose, clause = _text(researcher), _text(purpose), _text(no_publication_clause)
    if not researcher or not purpose:
        raise DisclosureRefused("A research agreement names the researcher and the purpose.")
    if len(researcher) > ResearchAgreement._meta.get_field("researcher").max_length:
        raise DisclosureRefused("Name the researcher in at most 200 characters.")
    if not clause:
        raise DisclosureRefused(
            "A research agreement holds the clause that the researcher publishes no personal information."
        )
    starts_on = starts_on or _today()
    if ends_on is None or ends_on < starts_on:
        raise DisclosureRefused("A research agreement has an end date, on or after its start.")
    _check_legal_officer(operator)
    names = _fields(fields)
    with transaction.atomic():
        agreement = ResearchAgreement.objects.create(
            researcher=researcher, purpose=purpose, fields=",".join(names), starts_on=starts_on,
            ends_on=ends_on, no_publication_clause=clause, recorded_at=clock.now(), recorded_by=operator,
        )  # fmt: skip
        audit.append(
            event_type=audit.AccessEventType.RESEARCH_AGREEMENT, actor=operator,
            target=f"research_agreement:{agreement.pk}", reason=f"{researcher}: {purpose}",
        )  # fmt: skip
    return agreement


def _check_research_agreement(agreement_id, recipient: str, field_names: list[str]) -> str:
    today = _today()
    agreement_id = getattr(agreement_id, "pk", agreement_id)  # the agreement or its id
    agreement = ResearchAgreement.objects.filter(
        pk=agreement_id if type(agreement_id) is int else None
    ).first()
    if agreement is None:
        raise DisclosureRefused(
            "Developer or researcher access needs a research agreement on record (C94): record it first."
        )
    if agreement.researcher != recipient:
        raise DisclosureRefused(
            f"Research agreement {agreement.pk} is with {agreement.researcher}, not {recipient}."
        )
    if not agreement.starts_on <= today <= agreement.ends_on:
        raise DisclosureRefused(f"Research agreement {agreement.pk} is not in force today.")
    if not agreement.no_publication_clause.strip():
        raise DisclosureRefused(f"Research agreement {agreement.pk} holds no no-publication clause.")
    if uncovered := sorted(set(field_names) - set(agreement.field_names)):
        raise DisclosureRefused(f"Research agreement {agreement.pk} does not cover {', '.join(uncovered)}.")
    return f"agreement:{agreement.pk}"


def _today():
    """The UTC date of the clock: agreements run from and to calendar days, as notice periods do."""
    return clock.now().astimezone(UTC).date()


def _check_legal_officer(operator) -> None:
    if getattr(operator, "pk", None) is None:
        raise DisclosureRefused("A disclosure names the operator who makes it.")
    if not RoleAssignment.objects.filter(user=operator, role=Role.LEGAL_OFFICER).exists():
        raise DisclosureRefused("Only a legal officer discloses nonpublic information.")


def disclose(
    *,
    basis,
    operator,
    subjects,
    fields,
    recipient: str,
    justification: str,
    protection_reason="",
    legal_request_ref: str = "",
    permission_purpose: str = "",
    research_agreement: int | None = None,
    produce: Callable[[], T],
) -> T:
    """Record a disclosure and its audit entry, commit, then return `produce()`.

    DisclosureRefused: not allowed as asked. audit.AuditUnavailable: the records cannot be written. In both
    cases nothing is recorded and `produce` is not called.
    """
    if basis not in Basis.values:
        raise DisclosureRefused(f"{basis!r} is not a basis on which nonpublic information may be shared")
    basis = Basis(basis)
    protection_reason = protection_reason or ""
    justification = _text(justification)
    if basis == Basis.PROTECTION:
        if protection_reason not in ProtectionReason.values:
            raise DisclosureRefused("A protection disclosure needs one of the protection sub-reasons.")
        if len(justification.split()) < MIN_PROTECTION_WORDS:
            raise DisclosureRefused("A protection disclosure needs a written justification of a few words.")
    elif protection_reason:
        raise DisclosureRefused("A protection sub-reason is given only with the protection basis.")
    legal_request_ref = _text(legal_request_ref)
    if basis == Basis.LEGAL_PROCESS and not legal_request_ref:
        raise DisclosureRefused("A legal-process disclosure names the legal request it answers.")
    if not justification:
        raise DisclosureRefused("Say why the information is disclosed.")
    recipient = _text(recipient)
    if not recipient:
        raise DisclosureRefused("Say to whom the information is disclosed.")
    _check_legal_officer(operator)
    subject_ids = _subjects(subjects)
    field_names = _fields(fields)
    permission_purpose = _text(permission_purpose)
    if basis == Basis.USER_PERMISSION:
        if not permission_purpose:
            raise DisclosureRefused(
                "A disclosure on the person's permission names the purpose it was given for."
            )
        _check_permissions(subject_ids, permission_purpose, recipient, field_names)
    elif permission_purpose:
        raise DisclosureRefused("A permission's purpose is given only with the user_permission basis.")
    agreement = ""
    if basis == Basis.DEVELOPER_RESEARCH_ACCESS:
        agreement = _check_research_agreement(research_agreement, recipient, field_names)
    elif research_agreement is not None:
        raise DisclosureRefused(
            "A research agreement is given only with the developer_research_access basis."
        )
    try:
        with transaction.atomic(durable=True):
            record = Disclosure.objects.create(
                at=clock.now(), operator=operator, basis=basis, protection_reason=protection_reason,
                subjects=",".join(map(str, subject_ids)), fields=",".join(field_names), recipient=recipient,
                justification=justification, legal_request_ref=legal_request_ref,
            )  # fmt: skip
            detail = protection_reason or permission_purpose or agreement
            reason = f"{basis.value}/{detail}" if detail else basis.value
            audit.append(
                event_type=audit.AccessEventType.DISCLOSURE, actor=operator, target=f"disclosure:{record.pk}",
                reason=f"{reason}: {justification}", result_count=len(subject_ids),
            )  # fmt: skip
    except DatabaseError as exc:
        raise audit.AuditUnavailable("the disclosure cannot be recorded") from exc
    return produce()


def _text(value) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _subjects(subjects) -> list[int]:
    if isinstance(subjects, str):
        subjects = [part for part in subjects.split(",") if part.strip()]
    ids = set()
    for subject in subjects or ():
        value = getattr(subject, "pk", subject)
        try:
            ids.add(int(value))
        except (TypeError, ValueError):
            raise DisclosureRefused(f"{subject!r} is not an account") from None
    if not ids:
        raise DisclosureRefused("Name the accounts whose information is disclosed.")
    found = set(get_user_model().objects.filter(pk__in=ids).values_list("pk", flat=True))
    if missing := ids - found:
        raise DisclosureRefused(f"There is no account {min(missing)}.")
    return sorted(ids)


def _fields(fields: Iterable[str] | str) -> list[str]:
    if isinstance(fields, str):
        fields = fields.split(",")
    if any(not isinstance(name, str) for name in fields or ()):
        raise DisclosureRefused("Name the fields disclosed as the data map does: app.Model.field.")
    names = sorted({name.strip() for name in fields or () if name.strip()})
    if not names:
        raise DisclosureRefused("Name the fields disclosed: the minimum necessary, from the data map.")
    declared = _declared()
    for name in names:
        if name not in declared:
            raise DisclosureRefused(f"{name} is not a field of the data map.")
        if declared[name][1].visibility == Visibility.SECRET:
            raise DisclosureRefused(f"{name} is secret: it is never disclosed.")
    return names


def _declared() -> dict[str, tuple[register.Table, register.Field]]:
    """Every field of the data map, by its "app.Model.field" name, with its table."""
    return {
        f"{table.model}.{name}": (table, field)
        for table in register.tables()
        for name, field in table.fields.items()
    }
