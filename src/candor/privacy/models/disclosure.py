"""Disclosures of nonpublic information and people's permissions to share (C76, C77); the rules are in
privacy/disclosure.py."""

from django.conf import settings
from django.db import models

from candor.privacy.models.audit import AppendOnlyError


class Basis(models.TextChoices):
    """The grounds on which the policy allows sharing nonpublic information (C76)."""

    USER_PERMISSION = "user_permission", "The person's specific permission (C77)"
    LEGAL_PROCESS = "legal_process", "Valid legal process (C78)"
    ORG_TRANSFER = "org_transfer", "Transfer of the organisation (C84)"
    PROTECTION = "protection", "Protection of people, the platform or the public (C85)"
    SERVICE_PROVIDER = "service_provider", "A service provider under contract (C92)"
    DEVELOPER_RESEARCH_ACCESS = "developer_research_access", "Developer or researcher access (C93)"


class ProtectionReason(models.TextChoices):
    """The sub-reasons of the protection basis (C85, C86)."""

    POLICY_ENFORCEMENT = "policy_enforcement", "Enforce or investigate a policy violation"
    PROTECT_ORG_OR_PUBLIC = "protect_org_or_public", "Protect the organisation, its people or the public"
    IMMINENT_HARM = "imminent_harm", "Prevent imminent and serious bodily harm or death"
    SECURITY_ABUSE = "security_abuse", "Address spam, malware, fraud, abuse or security concerns"
    LEGAL_DEFENSE = "legal_defense", "Defend against legal claims"


class Disclosure(models.Model):
    """One disclosure of nonpublic information: who sent what about whom, to whom, on which basis, why."""

    at = models.DateTimeField(db_index=True)
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    basis = models.CharField(max_length=32, choices=Basis.choices)
    protection_reason = models.CharField(max_length=32, choices=ProtectionReason.choices, blank=True)
    subjects = models.TextField()  # the account ids whose data it was, comma-separated
    fields = models.TextField()  # the data map's "app.Model.field" names disclosed, comma-separated
    recipient = models.TextField()
    justification = models.TextField()
    legal_request_ref = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"disclosure on basis {self.basis} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("a disclosure record is never changed (C76)")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("a disclosure record is never deleted by hand (C76)")


class SharingPermission(models.Model):
    """A person's permission to share named information of theirs with one recipient for one purpose (C77).
    Never pre-ticked nor implied: the person grants it on a page of its own. Revocable: `revoked_at`."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(max_length=200)
    recipient = models.CharField(max_length=200)
    fields = models.TextField()  # the data map's "app.Model.field" names, comma-separated
    granted_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"permission to share with {self.recipient} for {self.purpose}"

    @property
    def field_names(self) -> list[str]:
        return self.fields.split(",")
