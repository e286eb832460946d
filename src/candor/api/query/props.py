"""prop=revisions and prop=info: what a page set's pages and revisions show, as their HTML pages do."""

from django.db.models import Q

from candor.accounts import usernames
from candor.api import siteinfo
from candor.api.action import ApiError, Context, compact, iso
from candor.api.query.common import (
    CONTENT_FORMAT,
    CONTENT_MAX,
    CONTENT_MODEL,
    LIST_MAX,
    PageSet,
    author,
    continue_id,
    direction,
    escape,
    keyset,
    sha1,
    take,
)
from candor.notify.models import Watch
from candor.privacy.network import normalise_address
from candor.publiclog.titles import Title, parse
from candor.wiki.models import Page, Revision
from candor.wiki.protection import protection_reason

# --- prop=revisions ----------------------------------------------------------------------------------------

REVISION_PROPS = {
    "ids",
    "flags",
    "timestamp",
    "user",
    "userid",
    "size",
    "slotsize",
    "sha1",
    "slotsha1",
    "contentmodel",
    "comment",
    "parsedcomment",
    "content",
    "tags",
    "roles",
    "parsetree",
}
ENUMERATION = (
    "rvlimit",
    "rvstart",
    "rvend",
    "rvstartid",
    "rvendid",
    "rvdir",
    "rvcontinue",
    "rvuser",
    "rvexcludeuser",
)


def revision_props(ctx: Context) -> set[str]:
    return set(
        ctx.params.choices(
            ctx, "revisions", "rvprop", REVISION_PROPS, ["ids", "timestamp", "flags", "comment", "user"]
        )
    )


def revision_entry(ctx: Context, revision: Revision, props: set[str], slots: bool) -> dict:
    entry: dict = {}
    if "ids" in props:
        entry["revid"] = revision.id
        entry["parentid"] = revision.parent_id or 0
    if "flags" in props:
        entry["minor"] = False
    author(ctx, revision, props, entry)
    if "timestamp" in props:
        entry["timestamp"] = iso(revision.timestamp)
    if "size" in props:
        entry["size"] = revision.size
    if "sha1" in props:
        entry["sha1"] = sha1(revision.text)
    if "roles" in props:
        entry["roles"] = ["main"]
    if "comment" in props:
        entry["comment"] = revision.summary
    if "parsedcomment" in props:
        entry["parsedcomment"] = escape(revision.summary)
    if "tags" in props:
        entry["tags"] = []
    slot: dict = {}
    if "slotsize" in props:
        slot["size"] = revision.size
    if "slotsha1" in props:
        slot["sha1"] = sha1(revision.text)
    if "contentmodel" in props or "content" in props:
        slot["contentmodel"] = CONTENT_MODEL
    if "content" in props:
        slot["contentformat"] = CONTENT_FORMAT
        slot.update(ctx.content(revision.text))
    if slot:
        if slots:
            entry["slots"] = {"main": slot}
        else:
            entry.update(slot)
    return entry


def prop_revisions(ctx: Context, pages: PageSet, entries: dict[int, dict], continuation: dict) -> None:
    params = ctx.params
    props = revision_props(ctx)
    slot_names = params.values_of("rvslots")
    if slot_names and any(name not in {"main", "*"} for name in slot_names):
        ctx.warn("revisions", "unrecognizedvalues", 'Unrecognized value for parameter "rvslots".')
    slots = bool(slot_names)
    if "content" in props and not slots:
        ctx.warn(
            "revisions",
            "deprecated",
            'Because "rvslots" was not specified, a legacy format has been used for the output. This format '
            "is deprecated, and in the future the new format will always be used.",
        )
    for ignored in (
        "rvcontentformat",
        "rvparse",
        "rvsection",
        "rvdiffto",
        "rvdifftotext",
        "rvexpandtemplates",
    ):
        params.raw(ignored)
    enumerating = any(name in params for name in ENUMERATION)
    if enumerating:
        if len(pages.found) + len(pages.missing) > 1 or pages.revisions:
            raise ApiError(
                "multpages",
                "rvlimit, rvstart, rvend, rvdir, rvcontinue and the other enumeration parameters may only be "
                "used with a single page.",
            )
        if not pages.found:
            return
        page = pages.found[0]
        most = CONTENT_MAX if "content" in props else LIST_MAX
        limit = params.limit(ctx, "revisions", "rvlimit", 10 if "content" not in props else 1, most)
        newer = direction(ctx, "rvdir")
        rows = Revision.objects.filter(page=page).select_related("user").defer("html")
        if "content" not in props and "sha1" not in props and "slotsha1" not in props:
            rows = rows.defer("text", "html")
        start_id = continue_id(ctx, "rvcontinue") or params.integer("rvstartid")
        end_id = params.integer("rvendid")
        if end_id is not None:
            rows = rows.filter(id__gte=end_id) if not newer else rows.filter(id__lte=end_id)
        user = params.raw("rvuser")
        if user:
            rows = by_author(rows, user)
        excluded = params.raw("rvexcludeuser")
        if excluded:
            rows = rows.exclude(pk__in=by_author(Revision.objects.filter(page=page), excluded).values("pk"))
        rows = keyset(
            rows,
            newer=newer,
            start_id=start_id,
            start=params.timestamp("rvstart"),
            end=params.timestamp("rvend"),
        )
        batch, following = take(rows, limit)
        entries[page.id]["revisions"] = [revision_entry(ctx, revision, props, slots) for revision in batch]
        if following is not None:
            continuation["rvcontinue"] = f"{compact(following.timestamp)}|{following.id}"
        return
    for page in pages.found:
        if page.id in pages.revisions:
            chosen = pages.revisions[page.id]
        else:
            chosen = [page.latest]
        entries[page.id]["revisions"] = [revision_entry(ctx, revision, props, slots) for revision in chosen]


def by_author(rows, name: str):
    address = normalise_address(name)
    if address is not None:
        return rows.filter(ip=address)
    return rows.filter(user__username=usernames.canonical(name))


# --- prop=info ---------------------------------------------------------------------------------------------

INFO_PROPS = {
    "protection",
    "talkid",
    "watched",
    "subjectid",
    "url",
    "readable",
    "preload",
    "displaytitle",
    "notificationtimestamp",
    "varianttitles",
    "linkclasses",
    "associatedpage",
}


def prop_info(ctx: Context, pages: PageSet, entries: dict[int, dict], missing: list[dict]) -> None:
    props = set(ctx.params.choices(ctx, "info", "inprop", INFO_PROPS | {"watchers", "visitingwatchers"}, []))
    for unseen in ("watchers", "visitingwatchers"):
        if unseen in props:
            # C50, C60: who watches a page is their own business; not even a count is published.
            ctx.warn(
                "info", "privatewatchers", "The number of watchers of a page is not published on Candor."
            )
    for ignored in ("intestactions", "intestactionsdetail", "intoken", "incontinue"):
        ctx.params.raw(ignored)
    watched: set[int] = set()
    if "watched" in props and ctx.user is not None and pages.found:
        watched = set(
            Watch.objects.filter(user=ctx.user, page__in=[page.id for page in pages.found]).values_list(
                "page_id", flat=True
            )
        )
    talk_ids = _associated_ids(pages, props)
    for page in pages.found:
        entry = entries[page.id]
        latest = page.latest
        entry.update(_info_common(ctx, page.title_object, props))
        entry.update(touched=iso(latest.timestamp), lastrevid=latest.id, length=latest.size)
        if latest.parent_id is None:
            entry["new"] = True
        if "watched" in props and ctx.user is not None:
            entry["watched"] = page.id in watched
        title = page.title_object
        for key, other in (("talkid", title.talk), ("subjectid", title.subject)):
            if key in props and other is not None and (other.namespace, other.key) in talk_ids:
                entry[key] = talk_ids[(other.namespace, other.key)]
    for entry in missing:
        if "ns" in entry and not entry.get("special"):
            title = parse(entry["title"])
            entry.update(_info_common(ctx, title, props))


def _associated_ids(pages: PageSet, props: set[str]) -> dict[tuple[int, str], int]:
    if not ({"talkid", "subjectid"} & props) or not pages.found:
        return {}
    wanted = Q()
    for page in pages.found:
        title = page.title_object
        for other in (title.talk, title.subject):
            if other is not None:
                wanted |= Q(namespace=other.namespace, title=other.key)
    if not wanted:
        return {}
    return {
        (row[0], row[1]): row[2]
        for row in Page.objects.live().filter(wanted).values_list("namespace", "title", "id")
    }


def _info_common(ctx: Context, title: Title, props: set[str]) -> dict:
    entry: dict = {
        "contentmodel": CONTENT_MODEL,
        "pagelanguage": "en",
        "pagelanguagehtmlcode": "en",
        "pagelanguagedir": "ltr",
    }
    if "protection" in props:
        protected = protection_reason(title) is not None
        entry["protection"] = (
            [{"type": kind, "level": "sysop", "expiry": "infinity"} for kind in ("edit", "move")]
            if protected
            else []
        )
        entry["restrictiontypes"] = ["edit", "move"]
    if "url" in props:
        base = siteinfo.server(ctx.request)
        entry["fullurl"] = base + title.url
        entry["editurl"] = base + title.url + "?action=edit"
        entry["canonicalurl"] = base + title.url
    if "displaytitle" in props:
        entry["displaytitle"] = escape(title.display)
    if "readable" in props:
        entry["readable"] = True
    return entry
