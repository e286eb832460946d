"""The lists of changes: recent changes, the caller's own watchlist (C60), a user's or an address's
contributions (C33), the public logs (C38). Keyset paging by revision or log id, never OFFSET."""

from django.db.models import Q

from candor.accounts import usernames
from candor.api.action import ApiError, Context, compact, iso
from candor.api.query.common import (
    LIST_MAX,
    author,
    continue_id,
    direction,
    escape,
    keyset,
    namespaces,
    positive,
    sha1,
    take,
)
from candor.api.query.props import by_author
from candor.notify.models import Watch
from candor.privacy.network import normalise_address
from candor.publiclog.models import LogType, PublicLogEntry
from candor.publiclog.titles import InvalidTitle, Namespace, parse
from candor.wiki.models import Revision

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
        rows = by_author(rows, user)
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
            user_id__in=[positive(ctx, "ucuserids", value) for value in params.values_of("ucuserids")]
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
