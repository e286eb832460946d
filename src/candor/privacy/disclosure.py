"""Disclosures: nonpublic information leaving Candor for anyone but its owner (C76, C85).

Every such export goes through `disclose()`, except the privileged on-wiki lookups, which privacy.access
logs separately (C88). Invariants:

- A disclosure has a basis from a closed list (`Basis`); any other basis, or none, is refused.
- `protection` needs one of its sub-reasons and a justification of a few words (C85); `legal_process`
  needs the reference of the legal request it answers (C78; the request workflow will check it).
- The fields must be named in the data map, and none may be secret (a hash or a key is never disclosed);
  there must be at least one subject and a recipient, and the operator must hold the legal-officer role.
- The Disclosure row and its entry in the privileged-access log are committed together before anything
  is produced: `produce()` is called only after the commit, so nothing leaves unless it is on the record.
  For that guarantee `disclose()` must not run inside another transaction (it raises RuntimeError if so).
- Disclosure rows are append-only, like the log; they are private and leave with their retention window.
"""

from collections.abc import Callable, Iterable
from typing import TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, models, transaction

from candor.privacy import audit, clock, register
from candor.privacy.register import Visibility
from candor.privacy.roles import Role, RoleAssignment

T = TypeVar("T")
MIN_PROTECTION_WORDS = 3


class Basis(models.TextChoices):
    """The grounds on which the policy allows sharing nonpublic information (C76)."""

    USER_PERMISSION = "user_permission", "The person's specific permission (C77)"
    LEGAL_PROCESS = "legal_process", "Valid legal process (C78)"
    ORG_TRANSFER = "org_transfer", "Transfer of the organisation (C84)"
    PROTECTION = "protection", "Protection of people, the platform or the public (C85)"
    SERVICE_PROVIDER = "service_provider", "A service provider under contract (C92)"
    DEVELOPER_RESEARCH_ACCESS = "developer_research_access", "Developer or researcher access (C93)"


class ProtectionReason(models.TextChoices):
    """The sub-reasons of the protection basis (C85, C86)."""

    POLICY_ENFORCEMENT = "policy_enforcement", "Enforce or investigate a policy violation"
    PROTECT_ORG_OR_PUBLIC = "protect_org_or_public", "Protect the organisation, its people or the public"
    IMMINENT_HARM = "imminent_harm", "Prevent imminent and serious bodily harm or death"
    SECURITY_ABUSE = "security_abuse", "Address spam, malware, fraud, abuse or security concerns"
    LEGAL_DEFENSE = "legal_defense", "Defend against legal claims"


class DisclosureRefused(ValueError):
    """The disclosure is not allowed as asked; nothing was recorded or produced."""


class Disclosure(models.Model):
    """One disclosure of nonpublic information: who sent what about whom, to whom, on which basis, why."""

    at = models.DateTimeField(db_index=True)
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    basis = models.CharField(max_length=32, choices=Basis.choices)
    protection_reason = models.CharField(max_length=32, choices=ProtectionReason.choices, blank=True)
    subjects = models.TextField()  # the account ids whose data it was, comma-separated
    fields = models.TextField()  # the data map's "app.Model.field" names disclosed, comma-separated
    recipient = models.TextField()
    justification = models.TextField()
    legal_request_ref = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"disclosure on basis {self.basis} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise audit.AppendOnlyError("a disclosure record is never changed (C76)")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise audit.AppendOnlyError("a disclosure record is never deleted by hand (C76)")


def disclose(*, basis, operator, subjects, fields, recipient: str, justification: str, protection_reason="",
             legal_request_ref: str = "", produce: Callable[[], T]) -> T:  # fmt: skip
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
    if getattr(operator, "pk", None) is None:
        raise DisclosureRefused("A disclosure names the operator who makes it.")
    if not RoleAssignment.objects.filter(user=operator, role=Role.LEGAL_OFFICER).exists():
        raise DisclosureRefused("Only a legal officer discloses nonpublic information.")
    subject_ids = _subjects(subjects)
    field_names = _fields(fields)
    try:
        with transaction.atomic(durable=True):
            record = Disclosure.objects.create(
                at=clock.now(), operator=operator, basis=basis, protection_reason=protection_reason,
                subjects=",".join(map(str, subject_ids)), fields=",".join(field_names), recipient=recipient,
                justification=justification, legal_request_ref=legal_request_ref,
            )  # fmt: skip
            reason = f"{basis.value}/{protection_reason}" if protection_reason else basis.value
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
    declared = {
        f"{table.model}.{name}": field for table in register.tables() for name, field in table.fields.items()
    }
    for name in names:
        if name not in declared:
            raise DisclosureRefused(f"{name} is not a field of the data map.")
        if declared[name].visibility == Visibility.SECRET:
            raise DisclosureRefused(f"{name} is secret: it is never disclosed.")
    return names
