"""Uploaded files (docs/media.md). A file is a name in the File namespace; each upload under that name is a
version. The bytes live under CANDOR_MEDIA_DIR by content hash, never in the database."""

from django.conf import settings
from django.db import models


class MediaFile(models.Model):
    """A file's name (the key of its File: page, underscores for spaces) and whether it is deleted."""

    name = models.CharField(max_length=255, unique=True)
    created_at = models.DateTimeField()
    latest = models.ForeignKey("FileVersion", null=True, on_delete=models.SET_NULL, related_name="+")
    deleted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"File:{self.name}"


class FileVersion(models.Model):
    """One upload: who and when (public attribution, as for an edit), the bytes' hash and type, and the
    metadata fields kept in the file, listed on its page (C44)."""

    file = models.ForeignKey(MediaFile, on_delete=models.CASCADE, related_name="versions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    timestamp = models.DateTimeField()
    comment = models.CharField(max_length=500, blank=True)
    sha256 = models.CharField(max_length=64, db_index=True)
    mime = models.CharField(max_length=32)
    size = models.PositiveBigIntegerField()
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    kept_metadata = models.BooleanField(default=False)
    metadata = models.JSONField(default=list)  # [[field, value], ...] as published in the file

    class Meta:
        ordering = ["-timestamp", "-id"]

    def __str__(self) -> str:
        return f"{self.file} at {self.timestamp:%Y-%m-%d %H:%M}"
