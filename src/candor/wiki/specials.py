"""Special pages: lists the software makes from public data (recent changes, contributions, search, logs)."""

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils.translation import gettext as _

from candor.publiclog.models import LogType, PublicLogEntry
from candor.publiclog.titles import InvalidTitle, parse
from candor.wiki import feeds, mwexport, queries
from candor.wiki import search as search_index
from candor.wiki.models import Page
from candor.wiki.paging import BadPageRequest, paginate
from candor.wiki.responses import bad_request, no_such_user, not_found


def dispatch(request: HttpRequest, rest: str) -> HttpResponse:
    if request.method not in {"GET", "HEAD"}:
        return HttpResponseNotAllowed(["GET", "HEAD"])
    name, _slash, argument = rest.partition("/")
    handler = _SPECIAL_PAGES.get(name.replace(" ", "").replace("_", "").casefold())
    if handler is None:
        return not_found(request, _("There is no special page called “%(name)s”.") % {"name": name})
    try:
        return handler(request, argument)
    except BadPageRequest as exc:
        return bad_request(request, str(exc))


def recent_changes(request: HttpRequest, argument: str) -> HttpResponse:
    if "feed" in request.GET:
        return feeds.recent_changes_feed(request)
    listing = paginate(queries.recent_changes(), request.GET)
    return render(request, "wiki/recent_changes.html", {"listing": listing})


def contributions(request: HttpRequest, argument: str) -> HttpResponse:
    target = argument or request.GET.get("target", "")
    if "feed" in request.GET:
        return feeds.contributions_feed(request, target)
    found = queries.contributions(target)
    if found is None:
        return no_such_user(request, target)
    listing = paginate(found.revisions, request.GET)
    return render(request, "wiki/contributions.html", {"who": found.who, "listing": listing})


def search(request: HttpRequest, argument: str) -> HttpResponse:
    query = request.GET.get("q", argument).strip()[:300]
    hits = search_index.search(query) if query else []
    try:
        wanted = parse(query) if query else None
    except InvalidTitle:
        wanted = None
    exists = (
        wanted is not None
        and Page.objects.live().filter(namespace=wanted.namespace, title=wanted.key).exists()
    )
    context = {"query": query, "hits": hits, "wanted": wanted, "wanted_exists": exists}
    return render(request, "wiki/search.html", context)


def log(request: HttpRequest, argument: str) -> HttpResponse:
    entries = (
        PublicLogEntry.objects.select_related("performer")
        .only(
            "id",
            "log_type",
            "action",
            "timestamp",
            "target_namespace",
            "target_title",
            "comment",
            "performer__username",
        )
        .order_by("-id")
    )
    log_type = None
    if argument:
        if argument not in LogType.values:
            return not_found(request, _("There is no public log called “%(name)s”.") % {"name": argument})
        log_type = LogType(argument)
        entries = entries.filter(log_type=log_type)
    listing = paginate(entries, request.GET)
    return render(request, "wiki/log.html", {"listing": listing, "log_type": log_type, "log_types": LogType})


def export(request: HttpRequest, argument: str) -> HttpResponse:
    """Special:Export: a form, and the MediaWiki XML of the pages it names (Special:Export/<Title> for one;
    only the current revision unless ?history=1, or the form's box is unticked)."""
    names = [argument] if argument else request.GET.get("pages", "").splitlines()
    names = [name.strip() for name in names if name.strip()]
    if not names:
        return render(request, "wiki/export.html", {"most": mwexport.MOST_PAGES})
    if len(names) > mwexport.MOST_PAGES:
        most = mwexport.MOST_PAGES
        return bad_request(
            request, _("Special:Export takes at most %(most)s pages at a time.") % {"most": most}
        )
    try:
        titles = [parse(name) for name in names]
    except InvalidTitle as exc:
        return bad_request(request, str(exc))
    current_only = request.GET.get("history") != "1" if argument else request.GET.get("curonly") == "1"
    return HttpResponse(
        mwexport.export_text(titles, current_only), content_type="application/xml; charset=utf-8"
    )


_SPECIAL_PAGES = {
    "export": export,
    "recentchanges": recent_changes,
    "contributions": contributions,
    "search": search,
    "log": log,
}
