from django.db import models


class PolicyVersion(models.Model):
    """A published version of the privacy policy (C03). Versions are public and never rewritten (C05)."""

    number = models.PositiveIntegerField(unique=True)
    language = models.CharField(max_length=16, default="en")
    text = models.TextField()  # Markdown
    approved_on = models.DateField()
    effective_on = models.DateField()

    class Meta:
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"Privacy policy, version {self.number} (effective {self.effective_on:%Y-%m-%d})"
