"""A person's requests about their data (C109, C110, C28, C27), and the names of accounts that vanished.

A request moves through states, each with its own date (STYLE.md 6): received, identity confirmed, in
progress, then completed or refused with a reason. `DataRequest.move` is the only way to change the state:
it refuses a move the machine does not allow and writes one entry to the privileged-access log per move.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from candor.privacy import audit, clock


class Kind(models.TextChoices):
    EXPORT = "export", _("A copy of your data")
    ERASURE = "erasure", _("Erasure of your deletable data")
    RENAME = "rename", _("Renaming of your account (vanishing)")
    PAGE_DELETION = "page_deletion", _("Deletion of your user pages")


class State(models.TextChoices):
    RECEIVED = "received", _("Received")
    IDENTITY_CONFIRMED = "identity_confirmed", _("Identity confirmed")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    REFUSED = "refused", _("Refused")


MOVES = {
    State.RECEIVED: {State.IDENTITY_CONFIRMED, State.REFUSED},
    State.IDENTITY_CONFIRMED: {State.IN_PROGRESS, State.REFUSED},
    State.IN_PROGRESS: {State.COMPLETED, State.REFUSED},
    State.COMPLETED: set(),
    State.REFUSED: set(),
}
FINAL = frozenset({State.COMPLETED, State.REFUSED})
# What a steward approves or refuses; copies and erasures run by themselves once the identity is confirmed.
DECIDED_BY_STEWARDS = frozenset({Kind.RENAME, Kind.PAGE_DELETION})
DATE_OF = {
    State.IDENTITY_CONFIRMED: "identity_confirmed_at",
    State.IN_PROGRESS: "in_progress_at",
    State.COMPLETED: "completed_at",
    State.REFUSED: "refused_at",
}


class IllegalMove(ValueError):
    pass


class DataRequest(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    state = models.CharField(max_length=24, choices=State.choices, default=State.RECEIVED)
    received_at = models.DateTimeField()
    due_at = models.DateTimeField()
    identity_confirmed_at = models.DateTimeField(null=True)
    in_progress_at = models.DateTimeField(null=True)
    completed_at = models.DateTimeField(null=True)
    refused_at = models.DateTimeField(null=True)
    refusal_reason = models.TextField(blank=True)
    # The steward who approved or refused a renaming or a page deletion; None for what the person or the
    # worker did.
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # A finished copy: the file's name in CANDOR_EXPORT_DIR until it is downloaded or expires, then "".
    export_file = models.CharField(max_length=64, blank=True)
    export_expires_at = models.DateTimeField(null=True)
    downloaded_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["user", "received_at"], name="request_by_user"),
            models.Index(fields=["state", "due_at"], name="request_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} request {self.pk} ({self.state})"

    @classmethod
    def receive(cls, user, kind: Kind) -> "DataRequest":
        now = clock.now()
        due = now + timedelta(days=settings.CANDOR_REQUEST_DUE_DAYS)
        request = cls.objects.create(user=user, kind=Kind(kind), received_at=now, due_at=due)
        request._log(user, "received")
        return request

    @property
    def is_open(self) -> bool:
        return self.state not in FINAL

    @property
    def overdue(self) -> bool:
        return self.is_open and clock.now() > self.due_at

    def move(self, to: State, *, actor, reason: str = "") -> None:
        """Move to `to`, stamping its date and logging the move; IllegalMove if the machine forbids it."""
        to = State(to)
        if to not in MOVES[State(self.state)]:
            raise IllegalMove(
                _("This request is “%(state)s”: it cannot become “%(to)s”.")
                % {"state": self.get_state_display(), "to": to.label}
            )
        if to == State.REFUSED:
            if not reason.strip():
                raise IllegalMove(_("Say why the request is refused."))
            self.refusal_reason = reason.strip()
        self.state = to
        setattr(self, DATE_OF[to], clock.now())
        self.save(update_fields=["state", DATE_OF[to], "refusal_reason"])
        self._log(actor, to.label)

    def _log(self, actor, what: str) -> None:
        with translation.override("en"):  # the log is English, whatever language the actor reads
            reason = f"{self.get_kind_display()} (request {self.pk}): {str(what).lower()}"
        audit.append(
            event_type=audit.AccessEventType.SUBJECT_REQUEST,
            actor=actor,
            target=f"user:{self.user_id}",
            reason=reason,
        )


class ReservedName(models.Model):
    """The name of an account that vanished, as a keyed digest of its look-alike skeleton (C28): signup and
    renaming refuse it and its look-alikes, yet the table does not say what the name was."""

    digest = models.CharField(max_length=64, unique=True)
    reserved_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"reserved name {self.pk}"
