"""The wiki's public reads, shared by the HTML views, the feeds and the JSON API (C06: one query, one answer).

Each function returns only what the public may see: live pages and their revisions, authors by username or,
for a logged-out edit, by the address the revision stores (C33). Nothing here reads a private table.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from candor.accounts import usernames
from candor.accounts.models import User
from candor.privacy.network import normalise_address
from candor.publiclog.titles import Title
from candor.wiki.models import Page, Revision, RevisionQuerySet

# What a public page needs of a page, its latest revision and that revision's author: of the account only
# the username, so no other account field (email, password hash, preferences) is even loaded.
PAGE_FIELDS = (
    "id", "namespace", "title", "latest_id", "latest__id", "latest__page_id", "latest__parent_id",
    "latest__user_id", "latest__ip", "latest__timestamp", "latest__summary", "latest__text", "latest__size",
    "latest__html", "latest__user__id", "latest__user__username", "content_model", "latest__imported_author",
    "latest__text_hidden", "latest__summary_hidden", "latest__author_hidden",
)  # fmt: skip


class BadRevisionRequest(ValueError):
    pass


class NoSuchRevision(LookupError):
    pass


def pages_using_file(title: Title, limit: int = 100) -> list[Title]:
    """The live pages whose current text names the file `title` (an embed or a link), for its File page."""
    names = Q(latest__text__contains=title.name) | Q(latest__text__contains=title.key)
    rows = (
        Page.objects.live()
        .filter(names)
        .exclude(namespace=title.namespace, title=title.key)
        .order_by("namespace", "title")
        .values_list("namespace", "title")[:limit]
    )
    return [Title(namespace, key.replace("_", " ")) for namespace, key in rows]


def live_page(title: Title) -> Page | None:
    """The live page `title` with its latest revision and that revision's author, or None."""
    return (
        Page.objects.live()
        .select_related("latest", "latest__user")
        .only(*PAGE_FIELDS)
        .filter(namespace=title.namespace, title=title.key)
        .first()
    )


def revision_of(title: Title, revision_id: int) -> Revision | None:
    """Revision `revision_id` if it belongs to the live page `title`."""
    return (
        Revision.objects.live()
        .select_related("page", "user")
        .filter(pk=revision_id, page__namespace=title.namespace, page__title=title.key)
        .first()
    )


def live_revision(revision_id: int) -> Revision | None:
    """Revision `revision_id` of whichever live page it belongs to."""
    return Revision.objects.live().select_related("page", "user", "parent").filter(pk=revision_id).first()


def history(page: Page) -> RevisionQuerySet:
    return Revision.objects.filter(page=page).listing()


def recent_changes() -> RevisionQuerySet:
    return Revision.objects.listing()


@dataclass(frozen=True)
class Contributions:
    who: str  # the username as spelled by its account, or the normalised address
    revisions: RevisionQuerySet


def contributions(target: str) -> Contributions | None:
    """The edits of an account, or the logged-out edits from an address; None for no such account.

    An address a logged-in editor used has no contributions: only logged-out edits store one (C34)."""
    if "\x00" in target:  # no name has one, and PostgreSQL refuses it in a query
        return None
    address = normalise_address(target)
    if address is not None:
        return Contributions(address, Revision.objects.filter(ip=address).listing())
    if ">" in target:  # an imported author, "imported>Name": no account (wiki/mwimport.py)
        return Contributions(target, Revision.objects.filter(imported_author=target).listing())
    user = User.objects.filter(username=usernames.canonical(target)).only("id", "username").first()
    if user is None:
        return None
    return Contributions(user.username, Revision.objects.filter(user=user).listing())


def revision_id(params: Mapping[str, str], name: str) -> int:
    """The revision number in `params[name]`, or BadRevisionRequest saying what is wrong with it."""
    value = params.get(name, "")
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        problem = _("“%(name)s” must be a revision number, not “%(value)s”.") % {"name": name, "value": value}
        raise BadRevisionRequest(problem)
    return number


def diff_pair(title: Title, params: Mapping[str, str]) -> tuple[Revision | None, Revision]:
    """The (older, newer) revisions that `?diff=...&oldid=...` names, as MediaWiki reads them.

    `diff` is a revision number or prev, next, cur (relative to `oldid`); without `oldid` a revision is
    compared with its parent. BadRevisionRequest for a malformed number, NoSuchRevision when either is not
    a revision of the live page `title`."""
    of_page = (
        Revision.objects.live()
        .select_related("user", "page")
        .filter(page__namespace=title.namespace, page__title=title.key)
    )
    diff = params.get("diff", "")
    if diff in {"prev", "next", "cur"}:
        base = of_page.filter(pk=revision_id(params, "oldid")).first()
        if base is None:
            raise NoSuchRevision
        if diff == "prev":
            return (of_page.filter(pk=base.parent_id).first() if base.parent_id else None), base
        if diff == "next":
            newer = of_page.filter(parent_id=base.pk).first()
            return (base, newer) if newer else (base, base)
        return base, of_page.get(pk=base.page.latest_id)
    newer_id = revision_id(params, "diff")
    older_id = revision_id(params, "oldid") if "oldid" in params else None
    newer = of_page.filter(pk=newer_id).first()
    if newer is None:
        raise NoSuchRevision
    if older_id is None:
        return (of_page.filter(pk=newer.parent_id).first() if newer.parent_id else None), newer
    older = of_page.filter(pk=older_id).first()
    if older is None:
        raise NoSuchRevision
    return (older, newer) if older.pk <= newer.pk else (newer, older)
