"""Governance records: policy versions and their changes, announcements, ownership-transfer notices, legal
demands and emergency disclosures, the privacy contact's messages.

Each workflow is a state machine (STYLE.md 6): a `status`, a transition table beside its model, a date per
state, and `move()` (governance/workflow.py) the only place the status changes, called by the actions in
`governance/actions/`, which write one entry on the privileged-access log per move. Periods are counted in
calendar days (docs/governance.md): UTC dates, the day of the notice is day 0.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from candor.governance.workflow import Workflow
from candor.privacy.disclosure import ProtectionReason


class ChangeKind(models.TextChoices):
    INITIAL = "initial", _("Installed with Candor")
    SUBSTANTIAL = "substantial", _("Substantial change (30-day comment period, C117)")
    MINOR = "minor", _("Minor change (3 days' notice, C120)")


class ChangeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_COMMENT = "in_comment", _("Proposed, open for comment")
    ADOPTED = "adopted", _("Adopted")  # approved, with its effective date; in force once that date comes
    WITHDRAWN = "withdrawn", _("Withdrawn")


# A substantial change is proposed for comment before it is adopted (C117); a minor one is adopted from its
# draft with its notice (C120); the version Candor installs is adopted and moves no more.
POLICY_MOVES = {
    ChangeKind.SUBSTANTIAL: {
        ChangeStatus.DRAFT: frozenset({ChangeStatus.IN_COMMENT, ChangeStatus.WITHDRAWN}),
        ChangeStatus.IN_COMMENT: frozenset({ChangeStatus.ADOPTED, ChangeStatus.WITHDRAWN}),
    },
    ChangeKind.MINOR: {ChangeStatus.DRAFT: frozenset({ChangeStatus.ADOPTED, ChangeStatus.WITHDRAWN})},
    ChangeKind.INITIAL: {},
}


class PolicyVersion(Workflow):
    """A version of the privacy policy (C114). `text` is the English original, which prevails (C12); the
    translations are PolicyTranslation rows. Adopted versions are never rewritten (C05, C116)."""

    DATE_OF = {
        ChangeStatus.IN_COMMENT: "announced_at",  # the notice is posted as the period opens (C119)
        ChangeStatus.ADOPTED: "adopted_at",
        ChangeStatus.WITHDRAWN: "withdrawn_at",
    }

    number = models.PositiveIntegerField(unique=True)
    language = models.CharField(max_length=16, default="en")
    text = models.TextField()  # Markdown
    approved_on = models.DateField(null=True, blank=True)
    effective_on = models.DateField(null=True, blank=True)
    kind = models.CharField(max_length=16, choices=ChangeKind.choices, default=ChangeKind.INITIAL)
    # The default stands for the version the migrations install; the actions always set the status.
    status = models.CharField(max_length=16, choices=ChangeStatus.choices, default=ChangeStatus.ADOPTED)
    summary = models.CharField(max_length=300, blank=True)
    approved_by = models.CharField(max_length=200, blank=True)
    drafted_at = models.DateTimeField(null=True, blank=True)
    announced_at = models.DateTimeField(null=True, blank=True)  # the site notice and the announce mail
    comment_closes_on = models.DateField(null=True, blank=True)  # the first day comments are closed
    adopted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Why a minor change could not be announced three calendar days ahead (C120); shown in the archive.
    notice_override = models.TextField(blank=True)

    class Meta:
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"Privacy policy, version {self.number} ({self.status})"

    def moves(self) -> dict:
        return POLICY_MOVES[self.kind]


class PolicyTranslation(models.Model):
    """The text of a version in another language; marked as a translation, the English original prevails."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=16)
    text = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "language"], name="one_text_per_language")]
        ordering = ["language"]

    def __str__(self) -> str:
        return f"version {self.version_id} in {self.language}"


class EarlierPolicy(models.Model):
    """A policy of the Foundation from before Candor, listed in the 2018 text's archive (C116)."""

    key = models.CharField(max_length=7, unique=True)  # "2014-06": the stable address's parameter
    title = models.CharField(max_length=200)
    effective_from = models.DateField()
    effective_from_label = models.CharField(max_length=40)  # "april 2005": the archive gives no day
    effective_until = models.DateField()

    class Meta:
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return self.title


class PolicyComment(models.Model):
    """A public comment on a proposed substantial change (C117): a contribution like an edit."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="comments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"comment by user {self.user_id} on version {self.version_id}"


class PolicyUse(models.Model):
    """A version that was in force while the account used Candor (C121: continued use is acceptance)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="+")
    first_used_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "version"], name="one_use_per_version")]

    def __str__(self) -> str:
        return f"user {self.user_id} used Candor under version {self.version_id}"


class AnnouncementKind(models.TextChoices):
    SUBSTANTIAL_CHANGE = "substantial_change", _("Proposed change of the privacy policy")
    MINOR_CHANGE = "minor_change", _("Minor change of the privacy policy")
    OWNERSHIP_TRANSFER = "ownership_transfer", _("Ownership transfer or change of policy")


class Announcement(models.Model):
    """A post of the announce list (C119, C120, C84, C125): on the feed, and mailed to every verified address
    as administrative mail (C64)."""

    kind = models.CharField(max_length=32, choices=AnnouncementKind.choices)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    link = models.CharField(max_length=200)  # a path on this site
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return self.subject


class TransferStatus(models.TextChoices):
    ANNOUNCED = "announced", _("Announced")
    CANCELLED = "cancelled", _("Cancelled")


class OwnershipTransfer(Workflow):
    """A planned transfer to new owners, or a move to a different policy, with 30 days' notice (C84)."""

    MOVES = {TransferStatus.ANNOUNCED: frozenset({TransferStatus.CANCELLED})}
    DATE_OF = {TransferStatus.CANCELLED: "cancelled_at"}

    description = models.TextField()
    transfer_on = models.DateField()
    status = models.CharField(max_length=16, choices=TransferStatus.choices)
    announced_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"ownership transfer on {self.transfer_on:%Y-%m-%d} ({self.status})"


class DemandKind(models.TextChoices):
    SUBPOENA = "subpoena", _("Subpoena")
    COURT_ORDER = "court_order", _("Court order")
    WARRANT = "warrant", _("Warrant")
    OTHER = "other", _("Other")


class Assessment(models.TextChoices):
    VALID = "valid", _("Valid")
    OVERBROAD = "overbroad", _("Overbroad: valid for part of the data asked for")
    INVALID = "invalid", _("Invalid")


class DemandStatus(models.TextChoices):
    RECEIVED = "received", _("Received, to be assessed")
    CONTESTED = "contested", _("Invalid: contested and closed")
    ASSESSED = "assessed", _("Valid or overbroad: notice or an exception next")
    NOTICE_SENT = "notice_sent", _("The people concerned were notified")
    EXCEPTION_CLAIMED = "exception_claimed", _("An exception to notice awaits a second legal officer")
    EXCEPTION_APPROVED = "exception_approved", _("An exception to notice was approved")
    USER_OPPOSING = "user_opposing", _("The person concerned is opposing it: nothing is disclosed meanwhile")
    DISCLOSED = "disclosed", _("Disclosed")


class NoticeException(models.TextChoices):
    """The only reasons to disclose without 10 days' notice (C80)."""

    LEGAL_RESTRAINT = "legal_restraint", _("A legal restraint forbids telling the person")
    THREAT_TO_LIFE = (
        "threat_to_life",
        _("Telling them creates or increases a credible threat to life or limb"),
    )
    NO_EMAIL = "no_email", _("The person has given no email address")


# An invalid demand is contested by its assessment (C82); a valid or overbroad one is answered after 10 days'
# notice (C79) or an exception approved by a second legal officer (C80), and can be contested until then.
# The person notified may oppose it; while they do, nothing is disclosed.
DEMAND_MOVES = {
    DemandStatus.RECEIVED: frozenset({DemandStatus.ASSESSED, DemandStatus.CONTESTED}),
    DemandStatus.ASSESSED: frozenset(
        {DemandStatus.NOTICE_SENT, DemandStatus.EXCEPTION_CLAIMED, DemandStatus.CONTESTED}
    ),
    DemandStatus.NOTICE_SENT: frozenset(
        {DemandStatus.USER_OPPOSING, DemandStatus.DISCLOSED, DemandStatus.CONTESTED}
    ),
    DemandStatus.EXCEPTION_CLAIMED: frozenset({DemandStatus.EXCEPTION_APPROVED, DemandStatus.CONTESTED}),
    DemandStatus.EXCEPTION_APPROVED: frozenset({DemandStatus.DISCLOSED, DemandStatus.CONTESTED}),
    DemandStatus.USER_OPPOSING: frozenset({DemandStatus.NOTICE_SENT, DemandStatus.CONTESTED}),
    DemandStatus.CONTESTED: frozenset(),
    DemandStatus.DISCLOSED: frozenset(),
}


class LegalDemand(Workflow):
    """A legal demand for nonpublic information (C76-C83): a private record for legal officers only."""

    MOVES = DEMAND_MOVES
    DATE_OF = {
        DemandStatus.ASSESSED: "assessed_at",
        DemandStatus.CONTESTED: "contested_at",
        DemandStatus.NOTICE_SENT: "notice_sent_at",
        DemandStatus.EXCEPTION_CLAIMED: "exception_claimed_at",
        DemandStatus.EXCEPTION_APPROVED: "exception_approved_at",
        DemandStatus.USER_OPPOSING: "user_opposing_at",
        DemandStatus.DISCLOSED: "disclosed_at",
    }
    # An opposition that failed or was withdrawn: the notice's date stands, the 10 days count from it.
    RETURNS = frozenset({(DemandStatus.USER_OPPOSING, DemandStatus.NOTICE_SENT)})

    kind = models.CharField(max_length=16, choices=DemandKind.choices)
    issuer = models.CharField(max_length=300)
    jurisdiction = models.CharField(max_length=200)
    subjects = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    named_addresses = models.TextField(blank=True)  # IP addresses named by the demand, as it names them
    fields_requested = models.TextField()  # data map names, comma-separated
    deadline = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=24, choices=DemandStatus.choices, default=DemandStatus.RECEIVED)
    received_at = models.DateTimeField()
    assessment = models.CharField(max_length=16, choices=Assessment.choices, blank=True)
    assessment_reasons = models.TextField(blank=True)
    fields_covered = models.TextField(blank=True)  # what the assessment found the demand may reach
    assessed_at = models.DateTimeField(null=True, blank=True)
    contested_at = models.DateTimeField(null=True, blank=True)
    # Why a demand found valid was contested later, or what came of the person's opposition (C82).
    later_reasons = models.TextField(blank=True)
    user_opposing_at = models.DateTimeField(null=True, blank=True)
    notice_sent_at = models.DateTimeField(null=True, blank=True)
    users_notified = models.PositiveIntegerField(default=0)
    # Those of `subjects` already mailed: a notice cut short by the relay is finished without mailing twice.
    notified = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    exception = models.CharField(max_length=24, choices=NoticeException.choices, blank=True)
    exception_justification = models.TextField(blank=True)
    exception_claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    exception_claimed_at = models.DateTimeField(null=True, blank=True)
    exception_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    exception_approved_at = models.DateTimeField(null=True, blank=True)
    disclosed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"legal demand {self.pk} ({self.status})"


class EmergencyStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested, awaiting a second legal officer")
    APPROVED = "approved", _("Approved")
    DISCLOSED = "disclosed", _("Disclosed")


class EmergencyDisclosure(Workflow):
    """A disclosure to protect people, the platform or the public (C85): the minimum, approved, logged."""

    MOVES = {
        EmergencyStatus.REQUESTED: frozenset({EmergencyStatus.APPROVED}),
        EmergencyStatus.APPROVED: frozenset({EmergencyStatus.DISCLOSED}),
        EmergencyStatus.DISCLOSED: frozenset(),
    }
    DATE_OF = {EmergencyStatus.APPROVED: "approved_at", EmergencyStatus.DISCLOSED: "disclosed_at"}

    reason = models.CharField(max_length=32, choices=ProtectionReason.choices)
    justification = models.TextField()
    recipient = models.CharField(max_length=300)
    subjects = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    fields = models.TextField()  # data map names, comma-separated
    status = models.CharField(
        max_length=16, choices=EmergencyStatus.choices, default=EmergencyStatus.REQUESTED
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    disclosed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"emergency disclosure {self.pk} ({self.status})"


class ContactMessage(models.Model):
    """A message to the privacy contact (C123): private, read by legal officers, deleted after its window."""

    reply_to = models.EmailField(blank=True)
    message = models.TextField()
    at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"privacy contact message of {self.at:%Y-%m-%d}"


class AnnounceSubscriber(models.Model):
    """An address on the announce list without an account (C125): double opt-in, one-click unsubscribe.
    An unconfirmed address is deleted once `unconfirmed_until` passes; a confirmed one, when it leaves."""

    email = models.EmailField(unique=True)
    requested_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unconfirmed_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"announce-list subscriber {self.pk}"
