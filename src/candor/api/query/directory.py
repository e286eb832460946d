"""The lists of pages and people: search (the page index), all pages, and users and all users with
public fields only (no email, no address, no preference; C06)."""

from django.db.models import Count, Q

from candor.accounts import usernames
from candor.accounts.models import User
from candor.api import siteinfo
from candor.api.action import ApiError, Context, iso
from candor.api.query.common import LIST_MAX, NAMESPACE_IDS, escape, namespaces, page_entry, positive, take
from candor.privacy.network import normalise_address
from candor.publiclog.titles import Namespace
from candor.wiki import search as search_index
from candor.wiki.models import Page, Revision

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
            asked.append(("id", positive(ctx, "ususerids", raw)))
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
        if account.is_temporary:
            item["temp"] = True  # as MediaWiki marks a temporary account (issue 18)
        if "editcount" in props:
            item["editcount"] = counts.get(account.pk, 0)
        if "registration" in props:
            item["registration"] = iso(account.date_joined)
        groups = ["*", "temp"] if account.is_temporary else ["*", "user"]
        if "groups" in props:
            item["groups"] = groups
        if "implicitgroups" in props:
            item["implicitgroups"] = groups
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
