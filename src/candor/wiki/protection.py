"""Pages that cannot be edited as wiki pages, each with the reason shown to whoever tries (C05, C21).

Anyone may edit any other page, with or without an account (C21). This list is the explicit, complete set
of exceptions; a person who opens the edit form of one of these sees its reason instead.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from candor.publiclog.titles import Namespace, Title

PROTECTED: dict[Title, Promise] = {
    Title(Namespace.MAIN, "Privacy policy"): gettext_lazy(
        "The privacy policy is not a wiki page: it is published at /privacy and changes only through the "
        "policy-change process, with a public comment period. Its versions stay public there."
    ),
}


def protection_reason(title: Title) -> str | None:
    if title.namespace == Namespace.SPECIAL:
        return gettext("Special pages are made by the software and cannot be edited.")
    reason = PROTECTED.get(title)
    return None if reason is None else str(reason)


# Titles whose content lives outside the wiki: viewing them leads there.
PUBLISHED_ELSEWHERE: dict[Title, str] = {Title(Namespace.MAIN, "Privacy policy"): "/privacy"}
