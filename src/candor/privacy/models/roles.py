"""Privileged roles and acceptances of the access policy (C89, C90); the rules are in privacy/roles.py."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CHECKUSER = "checkuser", _("CheckUser")
    STEWARD = "steward", _("Steward")
    ADMINISTRATOR = "administrator", _("Administrator")
    OMBUDS = "ombuds", _("Ombuds")  # the auditor of privileged use
    LEGAL_OFFICER = "legal_officer", _("Legal officer")
    # Sees the address behind a temporary account (issue 18), with a reason and a second factor.
    TEMPORARY_ACCOUNT_VIEWER = "temporary_account_viewer", _("Temporary account viewer")


class RoleAssignment(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=32, choices=Role.choices)
    granted_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="one_grant_per_role")]

    def __str__(self) -> str:
        return f"{self.role} for user {self.user_id}"


class AccessPolicyAcceptance(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    accepted_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "version"], name="one_acceptance_per_version")]

    def __str__(self) -> str:
        return f"user {self.user_id} accepted version {self.version}"
