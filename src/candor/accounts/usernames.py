"""Username rules: what a name may look like, its canonical form, and its confusable "skeleton".

Names are canonicalised as MediaWiki does (underscores are spaces, runs of spaces collapse, the first letter
is upper case), so that `User:Ada_Lovelace` and "ada lovelace" are the same account. Two names whose
skeletons are equal look alike on screen ("Admin" and "Аdmin" with a Cyrillic A, "Paul" and "PauI"); the
skeleton is stored with a unique constraint, so the database itself refuses a look-alike of an existing
name, even when two signups race.
"""

import re
import unicodedata
from collections.abc import Callable

from django.utils.translation import gettext as _

from candor.privacy.network import parse_address

MAX_LENGTH = 40
FORBIDDEN_CHARACTERS = set("@#/:<>[]|{}\\%+=?&\"'`")

# Characters that render like another, each mapped to the Latin letter it passes for: Cyrillic and Greek
# look-alikes, the digits 0 and 1, and small i, which after case folding stands for capital I ("PauI" for
# "Paul"). Not all of Unicode TR39's table: the look-alikes that matter for Latin-script names. Names that
# differ only by i and l ("Mia", "Mla") therefore count as alike, which errs on the safe side.
_LOOKALIKES = "авеһіјкмнорсѕтухԁԛԝɡαβεικνορτυχɑı10|i_-."
_STANDS_FOR = "abehljkmhopcstyxdqwgabelkvoptuxalloll   "
_CONFUSABLES = str.maketrans(_LOOKALIKES, _STANDS_FOR)


class InvalidUsername(ValueError):
    """The name cannot be an account name; the message says why, for the person who typed it."""


def canonical(raw: str) -> str:
    name = unicodedata.normalize("NFC", raw).replace("_", " ")
    name = re.sub(r"\s+", " ", name).strip()
    return name[:1].upper() + name[1:]


def validate(raw: str) -> str:
    """The canonical form of `raw`, or InvalidUsername saying what is wrong with it."""
    name = canonical(raw)
    if not name:
        raise InvalidUsername(_("Choose a username."))
    if len(name) > MAX_LENGTH:
        raise InvalidUsername(_("A username can be at most %(most)s characters long.") % {"most": MAX_LENGTH})
    if name.startswith("~"):
        raise InvalidUsername(_("A username cannot start with “~”: those name temporary accounts."))
    if looks_like_address(name):
        raise InvalidUsername(
            _("A username cannot look like an IP address: those name the edits made without an account.")
        )
    bad = sorted({char for char in name if char in FORBIDDEN_CHARACTERS})
    if bad:
        raise InvalidUsername(
            _("A username cannot contain these characters: %(characters)s") % {"characters": " ".join(bad)}
        )
    if any(unicodedata.category(char)[0] in {"C", "Z"} and char != " " for char in name):
        raise InvalidUsername(_("A username cannot contain control or invisible characters."))
    return name


def looks_like_address(name: str) -> bool:
    if parse_address(name) is not None:
        return True
    # Also the shapes MediaWiki refuses: 1.2.3.xxx and a partial IPv6 such as 2001:db8::.
    return bool(re.fullmatch(r"(\d{1,3}\.){3}(\d{1,3}|xxx)", name, flags=re.IGNORECASE))


def skeleton(name: str) -> str:
    """A key that is equal for names that look alike on screen."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    decomposed = unicodedata.normalize("NFKD", folded)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"\s+", " ", stripped.translate(_CONFUSABLES)).strip()


# Checks other apps add (yourdata: the names of accounts that vanished, C28), so that this module needs to
# import none of them: each answers True for a name nobody may take.
_RESERVATIONS: list[Callable[[str], bool]] = []


def add_reservation(is_reserved_name: Callable[[str], bool]) -> None:
    if is_reserved_name not in _RESERVATIONS:
        _RESERVATIONS.append(is_reserved_name)


def is_reserved(name: str) -> bool:
    return any(check(name) for check in _RESERVATIONS)
