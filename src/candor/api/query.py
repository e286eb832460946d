"""action=query: the page set (titles, pageids, revids), its props, the lists and the meta modules.

Each list reads what the matching HTML page shows and nothing more: recent changes, contributions and
histories are revisions of live pages, with an account's username or a logged-out edit's address as the
author (C33); the logs are the public log (C38); search is the page index; the watchlist is the caller's
own (C60). Paging is keyset, by revision or log id, never OFFSET: each continuation costs one index range
scan, as the HTML listings do (wiki/paging.py).
"""

import hashlib
from collections.abc import Callable

from django.db.models import Count, Q

from candor.accounts import usernames
from candor.accounts.models import User
from candor.api import siteinfo, tokens
from candor.api.action import ApiError, Context, compact, iso
from candor.notify.models import Watch
from candor.privacy.network import normalise_address
from candor.publiclog.models import LogType, PublicLogEntry
from candor.publiclog.titles import InvalidTitle, Namespace, Title, parse
from candor.wiki import search as search_index
from candor.wiki.models import Page, Revision
from candor.wiki.protection import protection_reason

LIST_MAX = 500
CONTENT_MAX = (
    50  # revisions with their text in one answer, as MediaWiki allows a client without apihighlimits
)
CONTENT_MODEL = "markdown"
CONTENT_FORMAT = "text/markdown"
NAMESPACE_IDS = {str(value) for value in Namespace.values}


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()  # noqa: S324 - MediaWiki's content digest, not security


def namespaces(ctx: Context, module: str, name: str) -> list[int]:
    return [int(value) for value in ctx.params.choices(ctx, module, name, NAMESPACE_IDS, [])]


def continue_id(ctx: Context, name: str) -> int | None:
    """The revision or log id a `...continue` value resumes at ("timestamp|id" or "id")."""
    value = ctx.params.raw(name)
    if value is None:
        return None
    last = value.rsplit("|", 1)[-1]
    if not last.isdigit() or len(last) > 18:
        raise ApiError(
            "badcontinue",
            "Invalid continue param. You should pass the original value returned by the previous query.",
        )
    return int(last)


def direction(ctx: Context, name: str) -> bool:
    """True for MediaWiki's "newer" (ascending) direction, False for "older" (the default)."""
    return ctx.params.choice(name, ("newer", "older"), "older") == "newer"


def keyset(rows, *, newer: bool, start_id: int | None, start, end, field: str = "timestamp"):
    """Order and bound a queryset as MediaWiki's start/end/dir/continue do, on (`field`, id)."""
    if newer:
        rows = rows.order_by("id")
        if start_id is not None:
            rows = rows.filter(id__gte=start_id)
        if start is not None:
            rows = rows.filter(**{f"{field}__gte": start})
        if end is not None:
            rows = rows.filter(**{f"{field}__lte": end})
    else:
        rows = rows.order_by("-id")
        if start_id is not None:
            rows = rows.filter(id__lte=start_id)
        if start is not None:
            rows = rows.filter(**{f"{field}__lte": start})
        if end is not None:
            rows = rows.filter(**{f"{field}__gte": end})
    return rows


def take(rows, limit: int) -> tuple[list, object | None]:
    """At most `limit` rows, and the row the next batch starts from (None when there is none)."""
    fetched = list(rows[: limit + 1])
    return fetched[:limit], (fetched[limit] if len(fetched) > limit else None)


def author(ctx: Context, revision: Revision, props: set[str], entry: dict) -> None:
    if "user" in props:
        entry["user"] = revision.user.username if revision.user_id else str(revision.ip)
        if not revision.user_id:
            entry["anon"] = True
    if "userid" in props:
        entry["userid"] = revision.user_id or 0


# --- The page set ------------------------------------------------------------------------------------------


class PageSet:
    """The pages named by titles, pageids or revids, with what MediaWiki says about each name."""

    def __init__(self):
        self.found: list[Page] = []
        self.missing: list[dict] = []
        self.normalized: list[dict] = []
        self.bad_revids: list[int] = []
        self.revisions: dict[int, list[Revision]] = {}  # revids asked for, by page id

    @property
    def empty(self) -> bool:
        return not (self.found or self.missing or self.bad_revids)


def page_set(ctx: Context, *, with_text: bool) -> PageSet:
    params = ctx.params
    params.one_of("titles", "pageids", "revids")
    pages = PageSet()
    live = Page.objects.live().select_related("latest", "latest__user")
    fields = [
        "id",
        "namespace",
        "title",
        "latest_id",
        "latest__id",
        "latest__page_id",
        "latest__parent_id",
        "latest__user_id",
        "latest__ip",
        "latest__timestamp",
        "latest__summary",
        "latest__size",
        "latest__user__id",
        "latest__user__username",
    ]
    if with_text:
        fields.append("latest__text")
    live = live.only(*fields)
    if "titles" in params:
        titles: list[Title] = []
        for raw in params.values_of("titles"):
            try:
                title = parse(raw)
            except InvalidTitle as problem:
                pages.missing.append({"title": raw, "invalidreason": str(problem), "invalid": True})
                continue
            if title.display != raw:
                pages.normalized.append(
                    {"fromencoded": False, "from": raw, "to": title.display}
                    if not ctx.v2
                    else {"fromencoded": False, "from": raw, "to": title.display}
                )
            if title.namespace == Namespace.SPECIAL:
                pages.missing.append({"ns": -1, "title": title.display, "special": True})
            elif title not in titles:
                titles.append(title)
        if titles:
            wanted = Q()
            for title in titles:
                wanted |= Q(namespace=title.namespace, title=title.key)
            found = {(page.namespace, page.title): page for page in live.filter(wanted)}
            for title in titles:
                page = found.get((title.namespace, title.key))
                if page is None:
                    pages.missing.append(
                        {"ns": int(title.namespace), "title": title.display, "missing": True}
                    )
                else:
                    pages.found.append(page)
    elif "pageids" in params:
        ids = [_positive(ctx, "pageids", value) for value in params.values_of("pageids")]
        found = live.in_bulk(ids)
        for number in dict.fromkeys(ids):
            if number in found:
                pages.found.append(found[number])
            else:
                pages.missing.append({"pageid": number, "missing": True})
    elif "revids" in params:
        ids = [_positive(ctx, "revids", value) for value in params.values_of("revids")]
        revisions = (Revision.objects.live().select_related("user").filter(id__in=ids).order_by("id")).defer(
            *([] if with_text else ["text"]), "html"
        )
        by_id = {revision.id: revision for revision in revisions}
        page_ids = []
        for number in dict.fromkeys(ids):
            revision = by_id.get(number)
            if revision is None:
                pages.bad_revids.append(number)
                continue
            pages.revisions.setdefault(revision.page_id, []).append(revision)
            page_ids.append(revision.page_id)
        found = live.in_bulk(page_ids)
        pages.found = [found[number] for number in dict.fromkeys(page_ids) if number in found]
    return pages


def _positive(ctx: Context, name: str, value: str) -> int:
    if not value.isdigit() or len(value) > 18:
        raise ApiError("badinteger", f'Invalid value "{value}" for integer parameter "{name}".')
    return int(value)


def page_entry(page: Page) -> dict:
    title = page.title_object
    return {"pageid": page.id, "ns": int(page.namespace), "title": title.display}


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
            rows = _by_author(rows, user)
        excluded = params.raw("rvexcludeuser")
        if excluded:
            rows = rows.exclude(pk__in=_by_author(Revision.objects.filter(page=page), excluded).values("pk"))
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


def _by_author(rows, name: str):
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


# --- Lists -------------------------------------------------------------------------------------------------

RC_PROPS = {
    "user",
    "userid",
    "comment",
    "parsedcomment",
    "flags",
    "timestamp",
    "title",
    "ids",
    "sizes",
    "redirect",
    "patrolled",
    "loginfo",
    "tags",
    "sha1",
}
RC_SHOW = {
    "minor",
    "!minor",
    "bot",
    "!bot",
    "anon",
    "!anon",
    "redirect",
    "!redirect",
    "patrolled",
    "!patrolled",
    "unpatrolled",
    "autopatrolled",
    "!autopatrolled",
}
RC_TYPES = {"edit", "new", "log", "external", "categorize"}


# What a recent-changes or watchlist row reads: plain values, no model instances (500 rows a request).
CHANGE_FIELDS = (
    "id",
    "timestamp",
    "summary",
    "size",
    "ip",
    "parent_id",
    "user_id",
    "page_id",
    "page__namespace",
    "page__title",
    "user__username",
    "parent__size",
)
_LABELS = {value: label for value, label in Namespace.choices}


def change_entry(row: dict, props: set[str], kind_key: str = "type") -> dict:
    new = row["parent_id"] is None
    entry: dict = {kind_key: "new" if new else "edit"}
    if "title" in props:
        label, name = _LABELS[row["page__namespace"]], row["page__title"].replace("_", " ")
        entry.update(ns=row["page__namespace"], title=f"{label}:{name}" if label else name)
    if "ids" in props:
        entry.update(pageid=row["page_id"], revid=row["id"], old_revid=row["parent_id"] or 0, rcid=row["id"])
    if "user" in props:
        entry["user"] = row["user__username"] if row["user_id"] else row["ip"]
        if not row["user_id"]:
            entry["anon"] = True
    if "userid" in props:
        entry["userid"] = row["user_id"] or 0
    if "flags" in props:
        entry.update(bot=False, new=new, minor=False)
    if "sizes" in props:
        entry.update(oldlen=row["parent__size"] or 0, newlen=row["size"])
    if "timestamp" in props:
        entry["timestamp"] = row["timestamp"].strftime("%Y-%m-%dT%H:%M:%SZ")  # stored in UTC
    if "comment" in props:
        entry["comment"] = row["summary"]
    if "parsedcomment" in props:
        entry["parsedcomment"] = escape(row["summary"])
    if "redirect" in props:
        entry["redirect"] = False
    if "tags" in props:
        entry["tags"] = []
    if "sha1" in props:
        entry["sha1"] = sha1(row["text"])
    return entry


def _changes(ctx: Context, module: str, prefix: str, rows, default_props: list[str]):
    """What recentchanges and watchlist share: their filters, paging and rows."""
    params = ctx.params
    props = set(params.choices(ctx, module, f"{prefix}prop", RC_PROPS, default_props))
    show = set(params.choices(ctx, module, f"{prefix}show", RC_SHOW, []))
    kinds = set(params.choices(ctx, module, f"{prefix}type", RC_TYPES, ["edit", "new", "log", "categorize"]))
    if {"anon", "!anon"} <= show or {"minor", "!minor"} <= show or {"bot", "!bot"} <= show:
        raise ApiError("show", "Incorrect parameter - mutually exclusive values may not be supplied.")
    if show & {"minor", "bot", "redirect", "unpatrolled"}:
        rows = rows.none()  # Candor has no minor, bot or redirect edits, and every edit counts as patrolled
    if "anon" in show:
        rows = rows.filter(user__isnull=True)
    if "!anon" in show:
        rows = rows.filter(user__isnull=False)
    if "edit" not in kinds:
        rows = rows.filter(parent__isnull=True)
    if "new" not in kinds:
        rows = rows.filter(parent__isnull=False)
    spaces = namespaces(ctx, module, f"{prefix}namespace")
    if spaces:
        rows = rows.filter(page__namespace__in=spaces)
    user, excluded = params.raw(f"{prefix}user"), params.raw(f"{prefix}excludeuser")
    params.one_of(f"{prefix}user", f"{prefix}excludeuser")
    if user:
        rows = _by_author(rows, user)
    if excluded:
        address = normalise_address(excluded)
        rows = (
            rows.exclude(ip=address)
            if address
            else rows.exclude(user__username=usernames.canonical(excluded))
        )
    if params.flag(f"{prefix}toponly"):
        rows = rows.filter(page__latest_id=models_F("id"))
    limit = params.limit(ctx, module, f"{prefix}limit", 10, LIST_MAX)
    rows = keyset(
        rows,
        newer=direction(ctx, f"{prefix}dir"),
        start_id=continue_id(ctx, f"{prefix}continue"),
        start=params.timestamp(f"{prefix}start"),
        end=params.timestamp(f"{prefix}end"),
    )
    fields = (*CHANGE_FIELDS, "text") if "sha1" in props else CHANGE_FIELDS
    batch, following = take(rows.values(*fields), limit)
    items = [change_entry(row, props) for row in batch]
    cont = {f"{prefix}continue": f"{compact(following['timestamp'])}|{following['id']}"} if following else {}
    return items, cont


def models_F(name: str):  # noqa: N802 - a thin alias so the filters above read as one expression
    from django.db.models import F

    return F(name)


def list_recentchanges(ctx: Context):
    for ignored in ("rctag", "rcgeneraterevisions", "rctitle", "rcslot"):
        ctx.params.raw(ignored)
    rows = Revision.objects.listing()
    title = ctx.params.raw("rctitle")
    if title:
        try:
            wanted = parse(title)
        except InvalidTitle as problem:
            raise ApiError("invalidtitle", f'Bad title "{title}".') from problem
        rows = rows.filter(page__namespace=wanted.namespace, page__title=wanted.key)
    return _changes(ctx, "recentchanges", "rc", rows, ["title", "timestamp", "ids"])


def list_watchlist(ctx: Context):
    user = ctx.user
    if user is None:
        raise ApiError("notloggedin", "You must be logged in to have a watchlist.")
    owner = ctx.params.raw("wlowner")
    ctx.params.raw("wltoken")
    if owner and usernames.canonical(owner) != user.username:
        # C60: nobody else's watchlist, token or not; the same answer whether or not the owner exists.
        raise ApiError("bad_wlowner", "Specified user does not exist.")
    rows = Revision.objects.listing().filter(page__in=Watch.objects.filter(user=user).values("page_id"))
    if not ctx.params.flag("wlallrev"):
        rows = rows.filter(page__latest_id=models_F("id"))
    return _changes(ctx, "watchlist", "wl", rows, ["ids", "title", "flags"])


def list_watchlistraw(ctx: Context):
    user = ctx.user
    if user is None:
        raise ApiError("notloggedin", "You must be logged in to have a watchlist.")
    owner = ctx.params.raw("wrowner")
    ctx.params.raw("wrtoken")
    if owner and usernames.canonical(owner) != user.username:
        raise ApiError("bad_wlowner", "Specified user does not exist.")
    limit = ctx.params.limit(ctx, "watchlistraw", "wrlimit", 10, LIST_MAX)
    rows = (
        Watch.objects.filter(user=user, page__deleted_at__isnull=True)
        .select_related("page")
        .order_by("page__namespace", "page__title", "id")
    )
    spaces = namespaces(ctx, "watchlistraw", "wrnamespace")
    if spaces:
        rows = rows.filter(page__namespace__in=spaces)
    start = ctx.params.raw("wrcontinue")
    if start:
        ns, _, key = start.partition("|")
        if not ns.lstrip("-").isdigit():
            raise ApiError("badcontinue", "Invalid continue param.")
        rows = rows.filter(Q(page__namespace__gt=int(ns)) | Q(page__namespace=int(ns), page__title__gte=key))
    batch, following = take(rows, limit)
    items = [{"ns": int(watch.page.namespace), "title": watch.page.title_object.display} for watch in batch]
    cont = {"wrcontinue": f"{following.page.namespace}|{following.page.title}"} if following else {}
    return items, cont


UC_PROPS = {
    "ids",
    "title",
    "timestamp",
    "comment",
    "parsedcomment",
    "size",
    "sizediff",
    "flags",
    "patrolled",
    "tags",
}
UC_SHOW = {
    "minor",
    "!minor",
    "patrolled",
    "!patrolled",
    "autopatrolled",
    "!autopatrolled",
    "top",
    "!top",
    "new",
    "!new",
}


def list_usercontribs(ctx: Context):
    params = ctx.params
    params.one_of("ucuser", "ucuserids", "ucuserprefix", "uciprange")
    authors = Q()
    if "ucuser" in params:
        names = params.values_of("ucuser")
        addresses = [normalise_address(name) for name in names]
        accounts = [
            usernames.canonical(name)
            for name, address in zip(names, addresses, strict=True)
            if address is None
        ]
        for name in accounts:
            if not name or any(char in name for char in "#<>[]|{}/"):
                raise ApiError("baduser_ucuser", f'Invalid value "{name}" for user parameter "ucuser".')
        authors = Q(ip__in=[address for address in addresses if address]) | Q(user__username__in=accounts)
    elif "ucuserids" in params:
        authors = Q(
            user_id__in=[_positive(ctx, "ucuserids", value) for value in params.values_of("ucuserids")]
        )
    elif "ucuserprefix" in params:
        prefix = usernames.canonical(params.text("ucuserprefix"))
        authors = Q(user__username__startswith=prefix) if prefix else Q(pk__in=[])
    elif "uciprange" in params:
        raise ApiError("badvalue", 'The "uciprange" parameter is not supported by Candor.')
    else:
        raise ApiError(
            "missingparam",
            'One of the parameters "ucuser", "ucuserids", "ucuserprefix" and "uciprange" is required.',
        )
    props = set(
        params.choices(
            ctx, "usercontribs", "ucprop", UC_PROPS, ["ids", "title", "timestamp", "comment", "size", "flags"]
        )
    )
    show = set(params.choices(ctx, "usercontribs", "ucshow", UC_SHOW, []))
    params.raw("uctag")
    rows = Revision.objects.listing().filter(authors).defer("text")
    if "minor" in show:
        rows = rows.none()
    if "top" in show:
        rows = rows.filter(page__latest_id=models_F("id"))
    if "!top" in show:
        rows = rows.exclude(page__latest_id=models_F("id"))
    if "new" in show:
        rows = rows.filter(parent__isnull=True)
    if "!new" in show:
        rows = rows.filter(parent__isnull=False)
    spaces = namespaces(ctx, "usercontribs", "ucnamespace")
    if spaces:
        rows = rows.filter(page__namespace__in=spaces)
    limit = params.limit(ctx, "usercontribs", "uclimit", 10, LIST_MAX)
    rows = keyset(
        rows,
        newer=direction(ctx, "ucdir"),
        start_id=continue_id(ctx, "uccontinue"),
        start=params.timestamp("ucstart"),
        end=params.timestamp("ucend"),
    )
    batch, following = take(rows, limit)
    items = []
    for revision in batch:
        page = revision.page
        entry: dict = {}
        author(ctx, revision, {"user", "userid"}, entry)
        if "ids" in props:
            entry.update(pageid=page.id, revid=revision.id, parentid=revision.parent_id or 0)
        if "title" in props:
            entry.update(ns=int(page.namespace), title=page.title_object.display)
        if "timestamp" in props:
            entry["timestamp"] = iso(revision.timestamp)
        if "flags" in props:
            entry.update(new=revision.parent_id is None, minor=False, top=page.latest_id == revision.id)
        if "comment" in props:
            entry["comment"] = revision.summary
        if "parsedcomment" in props:
            entry["parsedcomment"] = escape(revision.summary)
        if "size" in props:
            entry["size"] = revision.size
        if "sizediff" in props:
            entry["sizediff"] = revision.size_change
        if "tags" in props:
            entry["tags"] = []
        items.append(entry)
    cont = {"uccontinue": f"{compact(following.timestamp)}|{following.id}"} if following else {}
    return items, cont


LE_PROPS = {
    "ids",
    "title",
    "type",
    "user",
    "userid",
    "timestamp",
    "comment",
    "parsedcomment",
    "details",
    "tags",
}


def list_logevents(ctx: Context):
    params = ctx.params
    props = set(
        params.choices(
            ctx,
            "logevents",
            "leprop",
            LE_PROPS,
            ["ids", "title", "type", "user", "timestamp", "comment", "details"],
        )
    )
    rows = PublicLogEntry.objects.select_related("performer").only(
        "id",
        "log_type",
        "action",
        "timestamp",
        "target_namespace",
        "target_title",
        "comment",
        "performer__username",
    )
    params.one_of("letype", "leaction")
    log_type = params.choice("letype", LogType.values)
    if log_type:
        rows = rows.filter(log_type=log_type)
    action = params.raw("leaction")
    if action:
        kind, _, what = action.partition("/")
        if kind not in LogType.values:
            raise ApiError("badvalue", f'Unrecognized value for parameter "leaction": {action}.')
        rows = rows.filter(log_type=kind, **({"action": what} if what and what != "*" else {}))
    performer = params.raw("leuser")
    if performer:
        rows = rows.filter(performer__username=usernames.canonical(performer))
    target = params.raw("letitle")
    if target:
        try:
            title = parse(target)
        except InvalidTitle as problem:
            raise ApiError("invalidtitle", f'Bad title "{target}".') from problem
        rows = rows.filter(target_namespace=title.namespace, target_title=title.key)
    spaces = namespaces(ctx, "logevents", "lenamespace")
    if spaces:
        rows = rows.filter(target_namespace__in=spaces)
    params.raw("letag")
    params.raw("leprefix")
    limit = params.limit(ctx, "logevents", "lelimit", 10, LIST_MAX)
    rows = keyset(
        rows,
        newer=direction(ctx, "ledir"),
        start_id=continue_id(ctx, "lecontinue"),
        start=params.timestamp("lestart"),
        end=params.timestamp("leend"),
    )
    batch, following = take(rows, limit)
    items = []
    for entry in batch:
        item: dict = {}
        if "ids" in props:
            item.update(logid=entry.id, pageid=0, logpage=0)
        if "title" in props:
            item.update(ns=int(entry.target_namespace), title=entry.target.display)
        if "type" in props:
            item.update(type=entry.log_type, action=entry.action)
        if "user" in props:
            if entry.performer_id:
                item["user"] = entry.performer.username
            else:
                item["user"] = "The operator"  # done from the command line, as Special:Log says
        if "userid" in props:
            item["userid"] = entry.performer_id or 0
        if "timestamp" in props:
            item["timestamp"] = iso(entry.timestamp)
        if "comment" in props:
            item["comment"] = entry.comment
        if "parsedcomment" in props:
            item["parsedcomment"] = escape(entry.comment)
        if "details" in props:
            item["params"] = {}
        if "tags" in props:
            item["tags"] = []
        items.append(item)
    cont = {"lecontinue": f"{compact(following.timestamp)}|{following.id}"} if following else {}
    return items, cont


SEARCH_PROPS = {
    "size",
    "wordcount",
    "timestamp",
    "snippet",
    "titlesnippet",
    "redirecttitle",
    "redirectsnippet",
    "sectiontitle",
    "sectionsnippet",
    "isfilematch",
    "categorysnippet",
    "score",
    "hasrelated",
    "extensiondata",
}
SEARCH_MOST = 1000  # hits ranked for one query: deep enough for every client, bounded for the server


def list_search(ctx: Context):
    params = ctx.params
    query = params.text("srsearch").strip()
    if not query:
        raise ApiError("missingparam", 'The "srsearch" parameter must be set.')
    props = set(
        params.choices(ctx, "search", "srprop", SEARCH_PROPS, ["size", "wordcount", "timestamp", "snippet"])
    )
    info = set(
        params.choices(
            ctx,
            "search",
            "srinfo",
            {"totalhits", "suggestion", "rewrittenquery"},
            ["totalhits", "suggestion", "rewrittenquery"],
        )
    )
    for ignored in ("srwhat", "srqiprofile", "srsort", "srinterwiki", "srenablerewrites"):
        params.raw(ignored)
    limit = params.limit(ctx, "search", "srlimit", 10, LIST_MAX)
    offset = params.integer("sroffset", 0) or 0
    if "srcontinue" in params:
        offset = params.integer("srcontinue", 0) or 0
    offset = max(0, min(offset, SEARCH_MOST))
    spaces = namespaces(ctx, "search", "srnamespace") or [Namespace.MAIN]
    hits = [
        hit for hit in search_index.search(query[:300], limit=SEARCH_MOST) if hit.title.namespace in spaces
    ]
    chosen = hits[offset : offset + limit]
    wanted = Q(pk__in=[])
    for hit in chosen:
        wanted |= Q(namespace=hit.title.namespace, title=hit.title.key)
    found = {
        (page.namespace, page.title): page
        for page in Page.objects.live()
        .select_related("latest")
        .only("id", "namespace", "title", "latest__size", "latest__timestamp")
        .filter(wanted)
    }
    items = []
    for hit in chosen:
        page = found.get((hit.title.namespace, hit.title.key))
        if page is None:
            continue
        item: dict = {"ns": int(page.namespace), "title": hit.title.display, "pageid": page.id}
        if "size" in props:
            item["size"] = page.latest.size
        if "wordcount" in props:
            item["wordcount"] = len(hit.snippet.split())
        if "snippet" in props:
            item["snippet"] = escape(hit.snippet)
        if "titlesnippet" in props:
            item["titlesnippet"] = escape(hit.title.display)
        if "timestamp" in props:
            item["timestamp"] = iso(page.latest.timestamp)
        items.append(item)
    extra = {"searchinfo": {"totalhits": len(hits)}} if "totalhits" in info else {}
    cont = {"sroffset": offset + limit} if offset + limit < len(hits) else {}
    return items, cont, extra


def list_allpages(ctx: Context):
    params = ctx.params
    namespace = int(params.choice("apnamespace", NAMESPACE_IDS, "0") or 0)
    rows = Page.objects.live().filter(namespace=namespace).only("id", "namespace", "title")
    descending = params.choice("apdir", ("ascending", "descending"), "ascending") == "descending"
    redirects = params.choice("apfilterredir", ("all", "redirects", "nonredirects"), "all")
    for ignored in (
        "apminsize",
        "apmaxsize",
        "approtype",
        "approlevel",
        "apfilterlanglinks",
        "apprfiltercascade",
        "apprexpiry",
    ):
        params.raw(ignored)
    if redirects == "redirects":
        rows = rows.none()
    start = params.raw("apcontinue") or params.raw("apfrom")
    end = params.raw("apto")
    prefix = params.raw("apprefix")
    key = lambda text: text.replace(" ", "_")  # noqa: E731
    if start:
        rows = rows.filter(title__lte=key(start)) if descending else rows.filter(title__gte=key(start))
    if end:
        rows = rows.filter(title__gte=key(end)) if descending else rows.filter(title__lte=key(end))
    if prefix:
        rows = rows.filter(title__startswith=key(prefix[:1].upper() + prefix[1:]))
    rows = rows.order_by("-title" if descending else "title")
    limit = params.limit(ctx, "allpages", "aplimit", 10, LIST_MAX)
    batch, following = take(rows, limit)
    items = [page_entry(page) for page in batch]
    cont = {"apcontinue": following.title} if following else {}
    return items, cont


US_PROPS = {
    "blockinfo",
    "groups",
    "groupmemberships",
    "implicitgroups",
    "rights",
    "editcount",
    "registration",
    "gender",
    "centralids",
    "cancreate",
}


def list_users(ctx: Context):
    params = ctx.params
    props = set(params.choices(ctx, "users", "usprop", US_PROPS, []))
    params.one_of("ususers", "ususerids")
    asked: list[tuple[str, object]] = []
    if "ususers" in params:
        for raw in params.values_of("ususers"):
            asked.append(("name", raw))
    else:
        for raw in params.values_of("ususerids"):
            asked.append(("id", _positive(ctx, "ususerids", raw)))
    names = [usernames.canonical(str(value)) for kind, value in asked if kind == "name"]
    ids = [value for kind, value in asked if kind == "id"]
    accounts = User.objects.filter(Q(username__in=names) | Q(pk__in=ids)).only(
        "id", "username", "date_joined", "is_active"
    )
    by_name = {account.username: account for account in accounts}
    by_id = {account.pk: account for account in accounts}
    counts: dict[int, int] = {}
    if "editcount" in props and accounts:
        counts = dict(
            Revision.objects.live()
            .filter(user__in=list(by_id))
            .values("user")
            .annotate(n=Count("id"))
            .values_list("user", "n")
        )
    blocked: set[int] = set()
    if "blockinfo" in props and accounts:
        from candor.accounts import blocks

        blocked = {account.pk for account in accounts if blocks.account_is_blocked(account)}
    items = []
    for kind, value in asked:
        account = by_id.get(value) if kind == "id" else by_name.get(usernames.canonical(str(value)))
        if account is None:
            if kind == "id":
                items.append({"userid": value, "missing": True})
            elif normalise_address(str(value)) is not None or not usernames.canonical(str(value)):
                items.append({"name": str(value), "invalid": True})
            else:
                items.append({"name": usernames.canonical(str(value)), "missing": True})
            continue
        item: dict = {"userid": account.pk, "name": account.username}
        if "editcount" in props:
            item["editcount"] = counts.get(account.pk, 0)
        if "registration" in props:
            item["registration"] = iso(account.date_joined)
        if "groups" in props:
            item["groups"] = ["*", "user"]
        if "implicitgroups" in props:
            item["implicitgroups"] = ["*", "user"]
        if "groupmemberships" in props:
            item["groupmemberships"] = []
        if "rights" in props:
            item["rights"] = siteinfo.USER_RIGHTS
        if "gender" in props:
            item["gender"] = "unknown"
        if "centralids" in props:
            item["centralids"] = {"local": account.pk}
        if "blockinfo" in props and account.pk in blocked:
            item["blockid"] = 0
            item["blockreason"] = "See Special:Log/block."
            item["blockedby"] = ""
        items.append(item)
    return items, {}


def list_allusers(ctx: Context):
    params = ctx.params
    rows = User.objects.filter(is_active=True).only("id", "username").order_by("username")
    start = params.raw("aucontinue") or params.raw("aufrom")
    if start:
        rows = rows.filter(username__gte=usernames.canonical(start))
    prefix = params.raw("auprefix")
    if prefix:
        rows = rows.filter(username__startswith=usernames.canonical(prefix))
    params.choices(
        ctx,
        "allusers",
        "auprop",
        {"blockinfo", "groups", "implicitgroups", "rights", "editcount", "registration", "centralids"},
        [],
    )
    limit = params.limit(ctx, "allusers", "aulimit", 10, LIST_MAX)
    batch, following = take(rows, limit)
    return [{"userid": user.pk, "name": user.username} for user in batch], (
        {"aucontinue": following.username} if following else {}
    )


LISTS: dict[str, Callable] = {
    "recentchanges": list_recentchanges,
    "usercontribs": list_usercontribs,
    "logevents": list_logevents,
    "search": list_search,
    "allpages": list_allpages,
    "watchlist": list_watchlist,
    "watchlistraw": list_watchlistraw,
    "users": list_users,
    "allusers": list_allusers,
}

# --- Meta modules ------------------------------------------------------------------------------------------


def meta_tokens(ctx: Context) -> dict:
    kinds = ctx.params.choices(ctx, "tokens", "type", tokens.TYPES, ["csrf"])
    return {"tokens": tokens.tokens_of(ctx.request, kinds)}


UI_PROPS = {
    "blockinfo",
    "hasmsg",
    "groups",
    "groupmemberships",
    "implicitgroups",
    "rights",
    "changeablegroups",
    "options",
    "editcount",
    "ratelimits",
    "theoreticalratelimits",
    "email",
    "realname",
    "acceptlang",
    "registrationdate",
    "unreadcount",
    "centralids",
    "latestcontrib",
    "cancreateaccount",
}


def meta_userinfo(ctx: Context) -> dict:
    """The caller's own account (or their address, logged out, as MediaWiki names an anonymous caller).

    Never an email address, a real name or a preference (C06, C50): `uiprop=email`, `realname` and
    `options` answer only what is the same for everyone.
    """
    props = set(ctx.params.choices(ctx, "userinfo", "uiprop", UI_PROPS, []))
    ctx.params.raw("uiattachedwiki")
    user = ctx.user
    if user is None:
        info: dict = {"id": 0, "name": ctx.request.candor_meta.ip, "anon": True}
        groups, rights = ["*"], siteinfo.ANONYMOUS_RIGHTS
    else:
        info = {"id": user.pk, "name": user.username}
        groups, rights = ["*", "user"], siteinfo.USER_RIGHTS
    if "groups" in props:
        info["groups"] = groups
    if "implicitgroups" in props:
        info["implicitgroups"] = groups
    if "groupmemberships" in props:
        info["groupmemberships"] = []
    if "rights" in props:
        info["rights"] = rights
    if "changeablegroups" in props:
        info["changeablegroups"] = {"add": [], "remove": [], "add-self": [], "remove-self": []}
    if "hasmsg" in props:
        info["messages"] = False
    if "unreadcount" in props:
        info["unreadcount"] = 0
    if "ratelimits" in props or "theoreticalratelimits" in props:
        info["ratelimits"] = {}
    if "options" in props:
        info["options"] = dict(siteinfo.DEFAULT_OPTIONS)
    if "acceptlang" in props:
        info["acceptlang"] = []
    if "cancreateaccount" in props:
        info["cancreateaccount"] = user is None
    if user is not None:
        if "editcount" in props:
            info["editcount"] = Revision.objects.live().filter(user=user).count()
        if "registrationdate" in props:
            info["registrationdate"] = iso(user.date_joined)
        if "centralids" in props:
            info["centralids"] = {"local": user.pk}
        if "blockinfo" in props:
            from candor.accounts import blocks

            notice = blocks.edit_block(user, ctx.request.candor_meta)
            if notice is not None:
                info.update(
                    blockid=0,
                    blockedby=notice.blocked_by,
                    blockreason=notice.reason,
                    blockexpiry=iso(notice.until) if notice.until else "infinite",
                )
        if "latestcontrib" in props:
            latest = (
                Revision.objects.live()
                .filter(user=user)
                .order_by("-id")
                .values_list("timestamp", flat=True)
                .first()
            )
            if latest:
                info["latestcontrib"] = iso(latest)
    return {"userinfo": info}


METAS: dict[str, Callable[[Context], dict]] = {
    "siteinfo": siteinfo.meta_siteinfo,
    "userinfo": meta_userinfo,
    "tokens": meta_tokens,
}
EMPTY_PROPS = ("templates", "categories", "links", "langlinks", "images", "extlinks", "iwlinks", "pageprops")
PROPS = ("revisions", "info", *EMPTY_PROPS)
GENERATORS = ("allpages", *EMPTY_PROPS)


def run(ctx: Context) -> dict:
    params = ctx.params
    metas = params.choices(ctx, "query", "meta", METAS, [])
    lists = params.choices(ctx, "query", "list", LISTS, [])
    props = params.choices(ctx, "query", "prop", PROPS, [])
    generator = params.choice("generator", GENERATORS)
    generated: list[Page] | None = None
    generator_continue: dict = {}
    if generator in EMPTY_PROPS:
        generated = []  # no page has templates, categories, links...: the generator yields nothing
    elif generator == "allpages":
        for name, value in list(params.values.items()):
            if name.startswith("gap"):
                params.values[name[1:]] = value
        rows, cont = list_allpages(ctx)
        ids = [row["pageid"] for row in rows]
        params.values = {
            name: value
            for name, value in params.values.items()
            if name not in {"titles", "pageids", "revids"}
        }
        params.values["pageids"] = "|".join(map(str, ids))
        generator_continue = {"g" + name: value for name, value in cont.items()}
        if not ids:
            generated = []
    params.raw("continue")
    params.raw("indexpageids")
    params.raw("redirects")
    params.raw("converttitles")
    params.raw("export")
    raw_continue = params.flag("rawcontinue")

    query: dict = {}
    continuation: dict[str, dict] = {}
    for name in metas:
        query.update(METAS[name](ctx))
    for name in lists:
        answer = LISTS[name](ctx)
        items, cont = answer[0], answer[1]
        if len(answer) > 2:
            query.update(answer[2])
        query[name] = items
        if cont:
            continuation[name] = cont

    batch_complete = True
    if generator_continue:
        continuation["generator"] = generator_continue
    if generated is not None:
        result = {"batchcomplete": True}
        if query:
            result["query"] = query
        return result
    if any(name in params for name in ("titles", "pageids", "revids")):
        with_text = "revisions" in props and bool({"content", "sha1", "slotsha1"} & revision_props(ctx))
        pages = page_set(ctx, with_text=with_text)
        entries = {page.id: page_entry(page) for page in pages.found}
        if "revisions" in props:
            if pages.revisions and with_text is False:
                pass
            prop_cont: dict = {}
            prop_revisions(ctx, pages, entries, prop_cont)
            if prop_cont:
                continuation["revisions"] = prop_cont
                batch_complete = False
        missing = list(pages.missing)
        if "info" in props:
            prop_info(ctx, pages, entries, missing)
        if pages.normalized:
            query["normalized"] = pages.normalized
        if pages.bad_revids:
            query["badrevids"] = (
                [{"revid": number, "missing": True} for number in pages.bad_revids]
                if ctx.v2
                else {str(number): {"revid": number, "missing": True} for number in pages.bad_revids}
            )
        if entries or missing:
            ordered = [entries[page.id] for page in pages.found] + missing
            if ctx.v2:
                query["pages"] = ordered
            else:
                keyed: dict[str, dict] = {}
                next_missing = -1
                for entry in ordered:
                    if "pageid" in entry and not entry.get("missing"):
                        keyed[str(entry["pageid"])] = entry
                    else:
                        keyed[str(next_missing)] = entry
                        next_missing -= 1
                query["pages"] = keyed
            if params.flag("indexpageids"):
                query["pageids"] = (
                    list(query["pages"]) if not ctx.v2 else [str(e.get("pageid", -1)) for e in ordered]
                )

    result: dict = {}
    if batch_complete and ("titles" in params or "pageids" in params or "revids" in params):
        result["batchcomplete"] = True
    if continuation:
        if raw_continue:
            result["query-continue"] = continuation
        else:
            flat: dict = {}
            for values in continuation.values():
                flat.update(values)
            done = "||" if not batch_complete else "-||"
            flat["continue"] = done
            result["continue"] = flat
    elif not batch_complete:
        pass
    if query:
        result["query"] = query
    elif not result:
        result["batchcomplete"] = True
    return result
