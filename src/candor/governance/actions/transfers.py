"""Ownership transfers and moves to a different policy (C84, C76): announced at least 30 calendar days
ahead; until day 30 from the notice no personal data moves, and a cancelled transfer moves none at all.
The status moves only through OwnershipTransfer.move().
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from candor.governance import queries
from candor.governance.actions.announcements import announce
from candor.governance.actions.checks import require_reason, require_role
from candor.governance.actions.packages import field_list, package
from candor.governance.models import AnnouncementKind, OwnershipTransfer, TransferStatus
from candor.governance.periods import TRANSFER_NOTICE_DAYS, day_after, today
from candor.governance.workflow import GovernanceRefused
from candor.privacy import audit, clock
from candor.privacy.disclosure import Basis, disclose
from candor.privacy.roles import Role


def _log(actor, transfer: OwnershipTransfer, move: str) -> None:
    audit.append(
        event_type=audit.AccessEventType.POLICY_CHANGE,
        actor=actor,
        target=f"transfer:{transfer.pk}",
        reason=move,
    )


def do_announce_transfer(actor, *, description: str, transfer_on) -> OwnershipTransfer:
    """Announce a transfer to new owners or a move to a different policy, at least 30 calendar days ahead."""
    require_role(actor, Role.ADMINISTRATOR)
    description = require_reason(
        description, _("Say what changes and for whom, in at least %(words)d words.")
    )
    earliest = day_after(today(), TRANSFER_NOTICE_DAYS)
    if transfer_on < earliest:
        raise GovernanceRefused(
            _("A transfer is announced at least %(days)d calendar days ahead: the earliest date is %(day)s.")
            % {"days": TRANSFER_NOTICE_DAYS, "day": f"{earliest:%Y-%m-%d}"}
        )
    with transaction.atomic():
        transfer = OwnershipTransfer.objects.create(
            description=description, transfer_on=transfer_on, status=TransferStatus.ANNOUNCED,
            announced_at=clock.now(),
        )  # fmt: skip
        announce(
            AnnouncementKind.OWNERSHIP_TRANSFER,
            "Notice: personal information may move to new owners or a different policy on "
            f"{transfer_on:%Y-%m-%d}",
            f"{description}\n\nUntil that day every rule of the current privacy policy stays in force.",
            "/privacy/announcements",
        )
        _log(actor, transfer, f"announced for {transfer_on}")
    return transfer


def do_cancel_transfer(actor, transfer: OwnershipTransfer, *, reason: str) -> OwnershipTransfer:
    require_role(actor, Role.ADMINISTRATOR)
    reason = require_reason(reason, _("Say why the transfer is cancelled, in at least %(words)d words."))
    with transaction.atomic():
        transfer.move(TransferStatus.CANCELLED, refusal=_("This transfer is already cancelled."))
        _log(actor, transfer, f"cancelled: {reason}")
        queries.forget_notices()
    return transfer


def transfer_exportable_from(transfer: OwnershipTransfer):
    """The first calendar day personal data may move to the new owners: t0 + 30 calendar days (C84)."""
    return day_after(transfer.announced_at, TRANSFER_NOTICE_DAYS)


def do_org_transfer_export(actor, transfer: OwnershipTransfer, *, fields, recipient: str) -> bytes:
    """The bulk export of `fields` of every account to the new owners, on the org_transfer basis (C76, C84):
    refused before day 30 from the notice, or once the transfer is cancelled; otherwise recorded on the
    disclosure log (and so on the privileged-access log) and returned as a package. Every account is a
    subject, whether or not it holds data in the fields named."""
    require_role(actor, Role.LEGAL_OFFICER)
    if transfer.status != TransferStatus.ANNOUNCED:
        raise GovernanceRefused(_("This transfer was cancelled: nothing moves to new owners."))
    start = transfer_exportable_from(transfer)
    if today() < start:
        raise GovernanceRefused(
            _(
                "The %(days)d-day notice period runs until %(day)s 00:00 UTC: until then every "
                "confidentiality rule stays in force and no personal data moves."
            )
            % {"days": TRANSFER_NOTICE_DAYS, "day": f"{start:%Y-%m-%d}"}
        )
    fields = field_list(fields)
    recipient = " ".join((recipient or "").split())
    if not recipient:
        raise GovernanceRefused(_("Name the new owners who receive the data."))
    subjects = list(get_user_model().objects.order_by("pk"))
    return disclose(
        basis=Basis.ORG_TRANSFER, operator=actor, subjects=subjects, fields=fields, recipient=recipient,
        justification=f"ownership transfer {transfer.pk} announced {transfer.announced_at:%Y-%m-%d}: "
                      f"{transfer.description}",
        produce=lambda: package(actor, subjects, fields, f"ownership transfer {transfer.pk}"),
    )  # fmt: skip
