"""The public logs (C38): account creations, rights changes, blocks, renames, deletions.

They sit below accounts and wiki, so that both can write a log line without importing each other. Every
column is public; no log line holds an address, an email or anything else nonpublic.
"""

from django.conf import settings
from django.db import models

from candor.publiclog.titles import Namespace, Title


class LogType(models.TextChoices):
    """The public log types (C38). A closed list: a new type is a code change, reviewed as one."""

    NEWUSERS = "newusers", "User creation log"
    RIGHTS = "rights", "User rights log"
    BLOCK = "block", "Block log"
    RENAMEUSER = "renameuser", "User rename log"  # the new name only (C28)
    DELETE = "delete", "Deletion log"  # pages deleted, such as a user page at its owner's request (C27)
    IMPORT = "import", "Import log"  # pages imported from another wiki's dump: file name and counts
    UPLOAD = "upload", "Upload log"  # files uploaded, re-uploaded and deleted (candor.media)


class PublicLogEntry(models.Model):
    """A public log line: who (a username), what, on what, when, and the public comment. Never NPI (C38)."""

    log_type = models.CharField(max_length=32, choices=LogType.choices)
    action = models.CharField(max_length=32)
    timestamp = models.DateTimeField()
    # None: done by the installation's operator from the command line (such as granting the first steward).
    performer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    target_namespace = models.SmallIntegerField(choices=Namespace.choices)
    target_title = models.CharField(max_length=255)
    comment = models.CharField(max_length=500, blank=True)

    class Meta:
        db_table = "wiki_publiclogentry"  # created by the wiki app, which held it until issue 21
        indexes = [models.Index(fields=["log_type", "id"], name="log_by_type")]

    def __str__(self) -> str:
        return f"{self.log_type}/{self.action} {self.target_title}"

    @property
    def target(self) -> Title:
        return Title(Namespace(self.target_namespace), self.target_title.replace("_", " "))
