"""Emergency disclosures (C85): what is reasonably necessary to protect people, the platform or the public,
asked for by one legal officer, approved by a second, disclosed once through privacy.disclosure.disclose().
The status moves only through EmergencyDisclosure.move().
"""

from django.db import transaction
from django.utils.translation import gettext as _

from candor.governance.actions.checks import require_reason, require_role
from candor.governance.actions.packages import field_list, named_accounts, package
from candor.governance.models import EmergencyDisclosure, EmergencyStatus
from candor.governance.workflow import GovernanceRefused
from candor.privacy import audit, clock
from candor.privacy.disclosure import Basis, ProtectionReason, disclose
from candor.privacy.roles import Role


def _log(actor, emergency: EmergencyDisclosure, move: str, count: int | None = None) -> None:
    audit.append(
        event_type=audit.AccessEventType.LEGAL_DEMAND,
        actor=actor,
        target=f"emergency:{emergency.pk}",
        reason=move,
        result_count=count,
    )


def do_request_emergency(
    actor, *, reason: str, justification: str, recipient: str, accounts, fields
) -> EmergencyDisclosure:
    """Ask to disclose what is reasonably necessary to protect people, the platform or the public (C85)."""
    require_role(actor, Role.LEGAL_OFFICER)
    if reason not in ProtectionReason.values:
        raise GovernanceRefused(_("Choose why the disclosure is necessary."))
    justification = require_reason(justification, _("Write a justification of at least %(words)d words."))
    recipient = " ".join((recipient or "").split())
    subjects = named_accounts(accounts)
    if not recipient or not subjects:
        raise GovernanceRefused(_("Name the recipient and the accounts concerned."))
    with transaction.atomic():
        emergency = EmergencyDisclosure.objects.create(
            reason=reason, justification=justification, recipient=recipient,
            fields=",".join(field_list(fields)), requested_by=actor, requested_at=clock.now(),
        )  # fmt: skip
        emergency.subjects.set(subjects)
        _log(actor, emergency, f"requested: {reason}", len(subjects))
    return emergency


def do_approve_emergency(actor, emergency: EmergencyDisclosure) -> EmergencyDisclosure:
    require_role(actor, Role.LEGAL_OFFICER)
    emergency.check_move(EmergencyStatus.APPROVED, _("This emergency disclosure is not awaiting approval."))
    if emergency.requested_by_id == actor.pk:
        raise GovernanceRefused(
            _("A second legal officer, not the one who asked, approves an emergency disclosure.")
        )
    with transaction.atomic():
        emergency.move(EmergencyStatus.APPROVED, approved_by=actor)
        _log(actor, emergency, "approved")
    return emergency


def do_disclose_emergency(actor, emergency: EmergencyDisclosure) -> bytes:
    require_role(actor, Role.LEGAL_OFFICER)
    emergency.check_move(
        EmergencyStatus.DISCLOSED, _("An emergency disclosure is made once approved, and once.")
    )
    subjects, fields = list(emergency.subjects.all()), emergency.fields.split(",")
    disclosed = disclose(
        basis=Basis.PROTECTION, protection_reason=emergency.reason, operator=actor, subjects=subjects,
        fields=fields, recipient=emergency.recipient, justification=emergency.justification,
        produce=lambda: package(actor, subjects, fields, f"emergency disclosure {emergency.pk}"),
    )  # fmt: skip
    with transaction.atomic():
        emergency.move(EmergencyStatus.DISCLOSED)
        _log(actor, emergency, "disclosed")
    return disclosed
