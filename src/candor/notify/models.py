"""Watchlists and notifications (C50, C69, C71): all of it is the owner's usage data, seen by nobody else."""

from django.conf import settings
from django.db import models


class Watch(models.Model):
    """`user` follows `page`. Private to the user: no view lists who watches a page (C50)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    page = models.ForeignKey("wiki.Page", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "page"], name="watch_unique_user_page")]

    def __str__(self) -> str:
        return f"watch {self.pk}"


class Kind(models.TextChoices):
    WATCHED_PAGE_EDITED = "watched_page_edited", "A page on your watchlist was edited"
    TALK_MENTION = "talk_mention", "You were mentioned on a discussion page"
    USER_TALK_EDIT = "user_talk_edit", "Someone edited your talk page"
    ADMINISTRATIVE = "administrative", "Administrative notice"


# An administrative notice (a policy change, an ownership transfer, C64) always shows on the site: it is not
# among the kinds a person can switch, and it never goes by notification email (governance mails it to every
# confirmed address as administrative mail).
SWITCHABLE_KINDS = [kind for kind in Kind.values if kind != Kind.ADMINISTRATIVE]


class Notification(models.Model):
    """About an edit (`page` and `revision`), or, of the administrative kind, about an `announcement`."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    page = models.ForeignKey("wiki.Page", on_delete=models.CASCADE, related_name="+", null=True)
    revision = models.ForeignKey("wiki.Revision", on_delete=models.CASCADE, related_name="+", null=True)
    announcement = models.ForeignKey(
        "governance.Announcement", on_delete=models.CASCADE, related_name="+", null=True
    )
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True)
    mailed_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["user", "created_at"], name="notification_user_created"),
            models.Index(fields=["created_at"], name="notification_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        kind=Kind.ADMINISTRATIVE,
                        announcement__isnull=False,
                        page__isnull=True,
                        revision__isnull=True,
                    )
                    | (
                        ~models.Q(kind=Kind.ADMINISTRATIVE)
                        & models.Q(announcement__isnull=True, page__isnull=False, revision__isnull=False)
                    )
                ),
                name="notification_about_an_edit_or_an_announcement",
            ),  # fmt: skip
            # A retried job adds nobody twice.
            models.UniqueConstraint(fields=["user", "announcement"], name="notification_unique_announcement"),
        ]

    def __str__(self) -> str:
        return f"notification {self.pk} ({self.kind})"


class Frequency(models.TextChoices):
    NEVER = "never", "Never"
    IMMEDIATELY = "immediately", "Immediately, one email per notification"
    DAILY = "daily", "A daily digest"
    WEEKLY = "weekly", "A weekly digest"


class NotificationSettings(models.Model):
    """How often notifications go by email. No row means NEVER, the protective default (C69)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    frequency = models.CharField(max_length=16, choices=Frequency.choices, default=Frequency.NEVER)

    def __str__(self) -> str:
        return self.frequency


class Channel(models.TextChoices):
    WEB = "web", "On the site"
    EMAIL = "email", "By email"


# What each channel is for a kind nobody has switched: on the site yes, by email no (C69, C71).
DEFAULT_SWITCH = {Channel.WEB: True, Channel.EMAIL: False}


class NotificationSwitch(models.Model):
    """One person's choice for one kind of notification on one channel (C71). No row: DEFAULT_SWITCH."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    enabled = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="notification_switch_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.channel}: {'on' if self.enabled else 'off'}"


# Surveys live beside the actions that write them.
from candor.notify.surveys import Answer, Question, Response, Survey  # noqa: E402, F401
