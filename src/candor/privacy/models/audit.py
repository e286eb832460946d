"""The tables of the privileged-access log (C88); its invariants and its writer are in privacy/audit.py."""

from collections.abc import Iterable

from django.conf import settings
from django.db import models, transaction

GENESIS = "0" * 64  # what the first entry of the log follows


class AccessEventType(models.TextChoices):
    """The closed list of what the log records (STYLE.md 5)."""

    LOOKUP_ACCOUNT = "lookup_account", "Looked up an account's addresses"
    LOOKUP_ADDRESS = "lookup_address", "Looked up the accounts behind an address"
    LOOKUP_RANGE = "lookup_range", "Looked up the accounts behind an address range"
    ROLE_GRANTED = "role_granted", "Granted a privileged role"
    ROLE_REMOVED = "role_removed", "Removed a privileged role"
    POLICY_ACCEPTED = "policy_accepted", "Accepted the access policy"
    SECOND_FACTOR = "second_factor", "Passed the second factor"
    DISCLOSURE = "disclosure", "Disclosed nonpublic information"
    ACCESS_DENIED = "access_denied", "Was refused access"
    READ_PRIVATE_ANSWERS = "read_private_answers", "Read private survey answers"
    LEGAL_DEMAND = "legal_demand", "Recorded or moved a legal demand"
    POLICY_CHANGE = "policy_change", "Proposed or moved a change of the privacy policy"
    SUBJECT_REQUEST = "subject_request", "Recorded or moved a person's request about their data"
    ACCOUNT_RENAMED = "account_renamed", "Renamed an account at its owner's request"
    AUTOBLOCK = "autoblock", "Blocked an account's last address, unseen, with an autoblock"
    RESEARCH_AGREEMENT = "research_agreement", "Recorded an agreement with a developer or researcher"
    REVEAL_TEMPORARY_ACCOUNT = "reveal_temporary", "Revealed the address behind a temporary account"
    COMPARE_NETWORKS = "compare_networks", "Compared the networks of two accounts, unseen"


class AppendOnlyError(RuntimeError):
    """An attempt to change or delete an entry of the log other than through the retention purge."""


class AccessLogQuerySet(models.QuerySet["AccessLogEntry"]):
    def update(self, **kwargs):
        raise AppendOnlyError("entries of the privileged-access log are never changed (C88)")

    def delete(self):
        """Delete expired entries (the retention purge), recording checkpoints first that keep the chain."""
        with transaction.atomic():
            purged = list(self.order_by("id").values_list("id", "previous_hash", "entry_hash"))
            if not purged:
                return 0, {}
            _checkpoint(purged)
            return super().delete()

    delete.alters_data = True
    delete.queryset_only = True  # no AccessLogEntry.objects.delete() that empties the log in one call


class AccessLogEntry(models.Model):
    """One use of a privileged tool or change of privileged access: who, what, why, when, how many."""

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    event_type = models.CharField(max_length=32, choices=AccessEventType.choices)
    # What was looked at or changed, as "kind:value" ("user:42", "range:198.51.100.0/24"): private data.
    target = models.TextField()
    reason = models.TextField()
    result_count = models.PositiveIntegerField(null=True)
    previous_hash = models.CharField(max_length=64, unique=True)
    entry_hash = models.CharField(max_length=64, unique=True)

    objects = AccessLogQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.event_type} by user {self.actor_id} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("entries of the privileged-access log are never changed (C88)")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("entries of the privileged-access log are never deleted by hand (C88)")


class AuditChainHead(models.Model):
    """The newest entry of the chain: one row, locked by every append, checked by verify()."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    entry_id = models.BigIntegerField(null=True)  # None: nothing was ever appended
    entry_hash = models.CharField(max_length=64, default=GENESIS)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="one_audit_chain_head")]

    def __str__(self) -> str:
        return f"audit chain head: entry {self.entry_id}"


class AuditCheckpoint(models.Model):
    """Stands in for a run of consecutive entries the retention purge deleted: links, not contents."""

    first_id = models.BigIntegerField(unique=True)
    last_id = models.BigIntegerField(unique=True)
    entries = models.PositiveIntegerField()
    previous_hash = models.CharField(max_length=64, unique=True)  # what the run's first entry followed
    entry_hash = models.CharField(max_length=64, unique=True)  # the hash of the run's last entry

    def __str__(self) -> str:
        return f"{self.entries} purged entries, {self.first_id}..{self.last_id}"


def _checkpoint(purged: Iterable[tuple[int, str, str]]) -> None:
    """Record purged entries (id, previous_hash, entry_hash; in id order) as checkpoints, merging runs."""
    runs: list[dict] = []
    for entry_id, previous_hash, entry_hash in purged:
        if runs and runs[-1]["entry_hash"] == previous_hash:
            runs[-1].update(last_id=entry_id, entry_hash=entry_hash, entries=runs[-1]["entries"] + 1)
        else:
            runs.append({"first_id": entry_id, "last_id": entry_id, "entries": 1,
                         "previous_hash": previous_hash, "entry_hash": entry_hash})  # fmt: skip
    for run in runs:
        before = AuditCheckpoint.objects.filter(entry_hash=run["previous_hash"]).first()
        after = AuditCheckpoint.objects.filter(previous_hash=run["entry_hash"]).first()
        if after is not None:  # the run ends where an earlier purge's run began
            run.update(
                last_id=after.last_id, entry_hash=after.entry_hash, entries=run["entries"] + after.entries
            )
            after.delete()
        if before is not None:  # the run begins where an earlier purge's run ended
            before.last_id, before.entry_hash = run["last_id"], run["entry_hash"]
            before.entries += run["entries"]
            before.save(update_fields=["last_id", "entry_hash", "entries"])
        else:
            AuditCheckpoint.objects.create(**run)
