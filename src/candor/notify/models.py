"""Watchlists and notifications (C50, C69, C71): all of it is the owner's usage data, seen by nobody else;
and surveys with their responses (C29, C72, C73)."""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy


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
    WATCHED_PAGE_EDITED = "watched_page_edited", gettext_lazy("A page on your watchlist was edited")
    TALK_MENTION = "talk_mention", gettext_lazy("You were mentioned on a discussion page")
    USER_TALK_EDIT = "user_talk_edit", gettext_lazy("Someone edited your talk page")
    ADMINISTRATIVE = "administrative", gettext_lazy("Administrative notice")


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
    NEVER = "never", gettext_lazy("Never")
    IMMEDIATELY = "immediately", gettext_lazy("Immediately, one email per notification")
    DAILY = "daily", gettext_lazy("A daily digest")
    WEEKLY = "weekly", gettext_lazy("A weekly digest")


class NotificationSettings(models.Model):
    """How often notifications go by email. No row means NEVER, the protective default (C69)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    frequency = models.CharField(max_length=16, choices=Frequency.choices, default=Frequency.NEVER)

    def __str__(self) -> str:
        return self.frequency


class Channel(models.TextChoices):
    WEB = "web", gettext_lazy("On the site")
    EMAIL = "email", gettext_lazy("By email")


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


# Surveys (C29, C72, C73, C74). A survey cannot exist without a statement of how its answers are used (C72);
# every question is optional and says whether its answers are public or private (C29, C73). An anonymous
# response stores no link to its author: only a keyed HMAC of (user, survey), surveys.anonymous_key.


class Survey(models.Model):
    title = models.CharField(max_length=200)
    statement = models.TextField()  # how the answers are used, shown above the form (C72)
    ends_on = models.DateField()
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.title

    def is_open(self, today: datetime.date) -> bool:
        return today <= self.ends_on


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    prompt = models.CharField(max_length=500)
    choices = models.TextField(blank=True)  # one per line; empty: a free-text question
    public = models.BooleanField(default=False)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.prompt

    @property
    def options(self) -> list[str]:
        return [line for line in self.choices.splitlines() if line]


class Response(models.Model):
    """One person's answers to one survey. `user` is empty for an anonymous response, whose only trace of
    its author is `anonymous_key`, an HMAC nobody can turn back into an account."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+")
    anonymous_key = models.CharField(max_length=64, null=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "user"],
                condition=models.Q(user__isnull=False),
                name="one_response_per_user",
            ),
            models.UniqueConstraint(
                fields=["survey", "anonymous_key"],
                condition=models.Q(anonymous_key__isnull=False),
                name="one_anonymous_response_per_key",
            ),
        ]
        indexes = [models.Index(fields=["created_at"], name="survey_response_created")]

    def __str__(self) -> str:
        return f"response {self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    text = models.TextField()

    def __str__(self) -> str:
        return f"answer {self.pk}"
