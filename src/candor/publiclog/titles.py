"""Page titles, normalised as MediaWiki does.

A title is a namespace and a name. Underscores and spaces are the same character; runs of them collapse;
the first letter of the name is upper case. The stored key and the URL use underscores
(`Talk:Main_Page`), the display uses spaces ("Talk:Main Page").
"""

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote

from django.db import models
from django.utils.translation import gettext as _

MAX_TITLE_BYTES = 255
# MediaWiki's forbidden title characters, plus the ones Markdown links and URLs would trip over.
FORBIDDEN_CHARACTERS = set("#<>[]|{}")


class Namespace(models.IntegerChoices):
    SPECIAL = -1, "Special"
    MAIN = 0, ""
    TALK = 1, "Talk"
    USER = 2, "User"
    USER_TALK = 3, "User talk"
    PROJECT = 4, "Project"  # the wiki's own pages: its guidelines, noticeboards, village pump
    PROJECT_TALK = 5, "Project talk"
    FILE = 6, "File"  # an uploaded file's description page (candor.media)
    FILE_TALK = 7, "File talk"


_PREFIXES = {label.casefold(): Namespace(value) for value, label in Namespace.choices if label}
_TALK_OF = {
    Namespace.MAIN: Namespace.TALK,
    Namespace.USER: Namespace.USER_TALK,
    Namespace.PROJECT: Namespace.PROJECT_TALK,
    Namespace.FILE: Namespace.FILE_TALK,
}
_SUBJECT_OF = {talk: subject for subject, talk in _TALK_OF.items()}


class InvalidTitle(ValueError):
    """The text cannot be a page title; the message says why, for the person who typed it."""


@dataclass(frozen=True)
class Title:
    namespace: Namespace
    name: str  # canonical, with spaces

    @property
    def key(self) -> str:
        """The name as stored: underscores for spaces."""
        return self.name.replace(" ", "_")

    @property
    def display(self) -> str:
        label = Namespace(self.namespace).label
        return f"{label}:{self.name}" if label else self.name

    @property
    def url(self) -> str:
        return "/wiki/" + quote(self.display.replace(" ", "_"), safe=":/()'!,;*~@$")

    @property
    def is_talk(self) -> bool:
        return self.namespace in _SUBJECT_OF

    @property
    def talk(self) -> "Title | None":
        namespace = _TALK_OF.get(self.namespace)
        return None if namespace is None else Title(namespace, self.name)

    @property
    def subject(self) -> "Title | None":
        namespace = _SUBJECT_OF.get(self.namespace)
        return None if namespace is None else Title(namespace, self.name)

    def __str__(self) -> str:
        return self.display


def _canonical_name(text: str) -> str:
    name = re.sub(r"[\s_]+", " ", unicodedata.normalize("NFC", text)).strip()
    return name[:1].upper() + name[1:]


def parse(raw: str) -> Title:
    """The Title written in `raw`, or InvalidTitle saying what is wrong with it."""
    text = _canonical_name(raw)
    namespace = Namespace.MAIN
    prefix, colon, rest = text.partition(":")
    if colon and prefix.replace("_", " ").strip().casefold() in _PREFIXES:
        namespace = _PREFIXES[prefix.replace("_", " ").strip().casefold()]
        text = _canonical_name(rest)
    if not text:
        raise InvalidTitle(_("The title is empty."))
    bad = sorted({char for char in text if char in FORBIDDEN_CHARACTERS})
    if bad:
        raise InvalidTitle(
            _("A title cannot contain these characters: %(characters)s") % {"characters": " ".join(bad)}
        )
    if any(unicodedata.category(char) in {"Cc", "Cf"} for char in text):
        raise InvalidTitle(_("A title cannot contain control or invisible characters."))
    if text.startswith(":") or text in {".", ".."} or "/./" in text or "/../" in text:
        raise InvalidTitle(_("A title cannot be '.' or '..' or begin with ':'."))
    if len(text.encode("utf-8")) > MAX_TITLE_BYTES:
        raise InvalidTitle(_("A title can be at most %(most)s bytes long.") % {"most": MAX_TITLE_BYTES})
    return Title(namespace, text)
