"""Consent records (C71): one grant or withdrawal a row; the rules are in privacy/consent.py."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_noop


class Purpose(models.TextChoices):
    """The closed list of things a person may agree to. Each has a notice in NOTICES. The labels are English
    here, and translated where they are shown (`gettext(purpose.label)`)."""

    NEWS = "news", gettext_noop("News and updates by email")
    SURVEYS = "surveys", gettext_noop("Invitations to surveys by email")
    WATCHLIST_EMAIL = "watchlist_email", gettext_noop("Email when a page on my watchlist changes")
    RESEARCH = "research", gettext_noop("Invitations to take part in research")
    PRECISE_LOCATION = "precise_location", gettext_noop("Use of my precise location")


class Consent(models.Model):
    """One grant or withdrawal and the notice shown then. Never updated: a change is a new row."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(max_length=32, choices=Purpose.choices)
    granted = models.BooleanField()
    at = models.DateTimeField()
    notice_version = models.CharField(max_length=32)
    notice_text = models.TextField()  # the exact words shown, whatever NOTICES says later

    class Meta:
        indexes = [models.Index(fields=["user", "purpose", "at"], name="consent_latest")]

    def __str__(self) -> str:
        return f"{self.purpose} {'granted' if self.granted else 'withdrawn'} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("consent records are append-only: record a new grant or withdrawal instead")
        super().save(*args, **kwargs)
