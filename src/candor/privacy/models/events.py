"""The private tables: request metadata of recorded actions, CSP violation reports, browser-signal totals.

Nothing here is ever shown publicly. PrivateEvent rows are read only through privacy.access (issue 5) and
expire under the retention rules of the data map (privacy/datamap.py).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class EventType(models.TextChoices):
    """The closed list of actions whose request metadata is recorded (C25, C49)."""

    EDIT = "edit", "Edit"
    SIGNUP = "signup", "Account created"
    LOGIN = "login", "Logged in"
    LOGIN_FAILED = "login_failed", "Failed login"
    LOGOUT = "logout", "Logged out"
    PASSWORD_CHANGE = "password_change", "Password changed"
    EMAIL_CHANGE = "email_change", "Email address changed"
    EMAIL_VERIFIED = "email_verified", "Email address verified"
    PASSWORD_RESET = "password_reset", "Password reset by email"
    PREFERENCES_CHANGE = "preferences_change", "Preferences changed"
    CONSENT_GRANTED = "consent_granted", "Consent granted"
    CONSENT_WITHDRAWN = "consent_withdrawn", "Consent withdrawn"
    EMAIL_USER = "email_user", "Emailed another user"  # the fact only: no recipient, subject or body
    UPLOAD = "upload", "Uploaded a file"  # target "fileversion:N" (candor.media)


class PrivateEvent(models.Model):
    """Who did what, from which address and browser, and when. Beside the public tables, never inside.

    The address, user agent and X-Forwarded-For are sealed under the key of the day (privacy/sealing.py):
    once the retention purge destroys that key, they are unreadable everywhere, backups included.
    """

    event_type = models.CharField(max_length=32, choices=EventType.choices)
    at = models.DateTimeField(db_index=True)
    # The account that acted, if logged in; for a failed login, the account that was tried, if it exists.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    # What the action touched, as "model:id" (e.g. "revision:42"): a reference, never personal data.
    target = models.CharField(max_length=64, blank=True)
    sealed_on = models.DateField()  # whose day key seals `sealed`
    sealed = models.BinaryField()  # {"ip", "user_agent", "forwarded_for"}, AES-GCM under the day key
    # HMAC of the (address, user agent) pair under the day key: groups an account's events for a lookup
    # without unsealing each one (privacy/blind_index.py). Blank for events with no account, and for rows
    # sealed before it existed.
    pair_digest = models.CharField(max_length=32, blank=True)
    # HMACs of the networks that contain the address, widest first, under the day key: an address or range
    # lookup finds its events with one index range scan, without an address in clear
    # (privacy/blind_index.py). Null where the row was sealed before it existed.
    network_key = models.CharField(max_length=48, null=True)

    class Meta:
        indexes = [
            # An account lookup reads this index alone, in the order it groups by (privacy/access.py); it
            # also serves the actor foreign key, which therefore has no index of its own. Events with no
            # account (logged-out edits) are left out: no lookup by account can reach them.
            models.Index(
                fields=["actor", "sealed_on", "pair_digest", "at"],
                name="event_by_actor",
                condition=Q(actor__isnull=False),
            ),
            models.Index(
                fields=["network_key"], name="event_by_network", condition=Q(network_key__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} at {self.at:%Y-%m-%d %H:%M}"


class LegalHold(models.Model):
    """An exception to retention that the law requires (C81): matching records outlive their window until
    the hold ends. Public: the table, the records' dates and the hold's dates. Private: the reason, and
    which account it concerns, if it concerns one."""

    model = models.CharField(max_length=64)  # "app_label.ModelName" of an expiring table
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    records_from = models.DateField()
    records_to = models.DateField()
    reason = models.TextField()
    starts_on = models.DateField()
    ends_on = models.DateField()
    placed_at = models.DateTimeField()
    placed_by = models.CharField(max_length=150)  # the operator who placed it (a staff name, not a reader)

    def __str__(self) -> str:
        return f"hold on {self.model} records {self.records_from}..{self.records_to} until {self.ends_on}"


class PurgeRun(models.Model):
    """The report of one retention purge: counts per table, never a personal value."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True)
    as_of = models.DateTimeField()
    dry_run = models.BooleanField()
    status = models.CharField(max_length=16, default="running")  # running, finished
    counts = models.JSONField(default=dict)  # {"app.Model": {"expired": n, "deleted": n, "held": n, ...}}

    def __str__(self) -> str:
        return f"purge as of {self.as_of:%Y-%m-%d %H:%M} ({self.status})"


class JobLock(models.Model):
    """A lease that keeps two runs of one job from overlapping, across processes and hosts.

    A holder that dies leaves the lease to expire, after which the next run takes it over.
    """

    name = models.CharField(max_length=64, primary_key=True)
    holder = models.CharField(max_length=64)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} held by {self.holder} until {self.expires_at:%H:%M:%S}"


class CspReport(models.Model):
    """A Content-Security-Policy violation a browser reported, without anything about the reporter."""

    at = models.DateTimeField(db_index=True)
    document_path = models.CharField(max_length=512)  # the page's path, without its query string
    directive = models.CharField(max_length=64)
    blocked = models.CharField(max_length=256)  # the blocked resource's origin (or 'inline', 'eval')

    def __str__(self) -> str:
        return f"{self.directive} blocked {self.blocked} on {self.document_path}"


class BrowserSignalCount(models.Model):
    """How many requests a day carried Do Not Track or Global Privacy Control: totals only (C112)."""

    day = models.DateField()
    signal = models.CharField(max_length=16)  # "dnt" or "gpc"
    requests = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "signal"], name="one_count_per_signal_and_day")]

    def __str__(self) -> str:
        return f"{self.signal} on {self.day}: {self.requests}"


class ResearchAgreement(models.Model):
    """The agreement under which a developer or researcher may receive nonpublic information (C93, C94):
    who, for what purpose, which fields of the data map, until when, and the clause that they publish no
    personal information. `disclose(basis=developer_research_access)` refuses without one in force that
    covers the recipient and every field (privacy/disclosure.py). Append-only: a changed agreement is a new
    one."""

    researcher = models.CharField(max_length=200)  # the recipient of the disclosures it allows
    purpose = models.TextField()
    fields = models.TextField()  # the data map's "app.Model.field" names, comma-separated
    starts_on = models.DateField()
    ends_on = models.DateField()
    no_publication_clause = models.TextField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"research agreement with {self.researcher} until {self.ends_on}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("a research agreement is never changed: record a new one (C94)")
        super().save(*args, **kwargs)

    @property
    def field_names(self) -> list[str]:
        return self.fields.split(",")
