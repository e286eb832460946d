"""The public logs (C38): account creations, rights changes, blocks, renames, deletions.

They sit below accounts and wiki, so that both can write a log line without importing each other. Every
column is public; no log line holds an address, an email or anything else nonpublic.
"""

import re

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from candor.privacy.models.roles import Role
from candor.publiclog.titles import Namespace, Title

# What each (log type, action) says, in the reader's language; `performer` and `target` are links. An action
# not listed (none today) is shown as it is stored, between the two.
SENTENCES = {
    ("newusers", "create"): _("User account %(target)s was created"),
    ("newusers", "autocreate"): _("Temporary account %(target)s was created automatically"),
    ("block", "blocked"): _("%(performer)s blocked %(target)s"),
    ("block", "unblocked"): _("%(performer)s unblocked %(target)s"),
    ("delete", "delete"): _("%(performer)s deleted %(target)s"),
    ("upload", "upload"): _("%(performer)s uploaded %(target)s"),
    ("upload", "overwrite"): _("%(performer)s uploaded a new version of %(target)s"),
    ("upload", "delete"): _("%(performer)s deleted %(target)s"),
    ("import", "upload"): _("%(performer)s imported pages from a dump to %(target)s"),
    ("renameuser", "renameuser"): _("%(performer)s renamed an account to %(target)s"),
}
GRANTED = _("%(performer)s granted %(role)s to %(target)s")
REMOVED = _("%(performer)s removed %(role)s from %(target)s")
LIFTED = _("%(performer)s lifted Autoblock #%(number)s of %(target)s")


class LogType(models.TextChoices):
    """The public log types (C38). A closed list: a new type is a code change, reviewed as one."""

    NEWUSERS = "newusers", _("User creation log")
    RIGHTS = "rights", _("User rights log")
    BLOCK = "block", _("Block log")
    RENAMEUSER = "renameuser", _("User rename log")  # the new name only (C28)
    DELETE = "delete", _("Deletion log")  # pages deleted, such as a user page at its owner's request (C27)
    IMPORT = "import", _("Import log")  # pages imported from another wiki's dump: file name and counts
    UPLOAD = "upload", _("Upload log")  # files uploaded, re-uploaded and deleted (candor.media)


def rights_change(verb: str, role: Role) -> str:
    """The stored action of a rights log line ("granted CheckUser"): English whatever the performer reads."""
    with translation.override("en"):
        return f"{verb} {role.label}"


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

    @property
    def sentence(self) -> SafeString:
        """The log line as Special:Log shows it, in the reader's language, with its links."""
        target = self.target
        shown = target.name if self.log_type == "newusers" else target  # "User account Alice was created"
        links = {"target": format_html('<a href="{}">{}</a>', target.url, shown)}
        if self.performer is None:
            links["performer"] = conditional_escape(gettext("The operator"))
        else:
            name = self.performer.username
            links["performer"] = format_html('<a href="{}">{}</a>', Title(Namespace.USER, name).url, name)
        wording = SENTENCES.get((self.log_type, self.action))
        verb = self.action.partition(" ")[0]
        if wording is None and self.log_type == "rights" and verb in {"granted", "removed"}:
            role = next((role for role in Role if rights_change(verb, role) == self.action), None)
            if role is not None:
                wording, links["role"] = (
                    GRANTED if verb == "granted" else REMOVED,
                    conditional_escape(role.label),
                )
        lifted = re.fullmatch(r"lifted Autoblock #(\d+) of", self.action)
        if wording is None and lifted:
            wording, links["number"] = LIFTED, lifted.group(1)
        if wording is None:
            return format_html("{} {} {}", links["performer"], self.action, links["target"])
        return mark_safe(conditional_escape(wording) % links)  # noqa: S308 - every piece is escaped above
