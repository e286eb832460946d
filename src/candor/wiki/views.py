"""The wiki's pages: /wiki/<Title> with its actions, old revisions and diffs (DESIGN.md "URLs").

Views parse the request, call an action or a query, and render. Reading needs no account and starts no
session (C20); editing needs none either (C21).
"""

from urllib.parse import unquote

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _

from candor.accounts import temporary
from candor.publiclog import files
from candor.publiclog.titles import InvalidTitle, Namespace, Title, parse
from candor.wiki import content, feeds, queries, specials, wikitext
from candor.wiki.actions import EditBlocked, EditConflict, EditRefused, PageProtected, do_save_revision
from candor.wiki.caching import modified_at, shared_cache
from candor.wiki.diff import compare
from candor.wiki.forms import EditForm
from candor.wiki.paging import BadPageRequest, paginate
from candor.wiki.protection import PUBLISHED_ELSEWHERE, protection_reason
from candor.wiki.queries import BadRevisionRequest
from candor.wiki.responses import bad_request, no_history, not_found

MAIN_PAGE = Title(Namespace.MAIN, "Main Page")


def main_page(request: HttpRequest) -> HttpResponse:
    return HttpResponseRedirect(MAIN_PAGE.url)


def page(request: HttpRequest, raw_title: str) -> HttpResponse:
    prefix, colon, rest = raw_title.partition(":")
    if colon and prefix.casefold() == "special":
        return specials.dispatch(request, rest)
    try:
        title = parse(raw_title)
    except InvalidTitle as exc:
        return bad_request(request, str(exc), typed=raw_title)
    if request.path != unquote(title.url):
        query = request.META.get("QUERY_STRING", "")
        return HttpResponseRedirect(title.url + ("?" + query if query else ""), status=301)

    action = request.GET.get("action", "view")
    if "diff" in request.GET:
        return diff_view(request, title)
    if "oldid" in request.GET and action == "view":
        return revision_view(request, title)
    handler = _ACTIONS.get(action)
    if handler is None:
        return bad_request(
            request,
            _("There is no action “%(action)s”. Try view, edit, history or raw.") % {"action": action},
        )
    if request.method not in {"GET", "HEAD"} and handler is not edit_view:
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return handler(request, title)


@shared_cache
def view_page(request: HttpRequest, title: Title) -> HttpResponse:
    wiki_page = queries.live_page(title)
    if title.namespace == Namespace.FILE:  # the file itself, above its description (candor.media)
        if wiki_page is not None:
            content.html_of(wiki_page.latest, wiki_page.content_model)
        shown = files.file_page(request, title, wiki_page, queries.pages_using_file(title))
        if shown is not None:
            return shown
    if wiki_page is None:
        if title in PUBLISHED_ELSEWHERE:
            return HttpResponseRedirect(PUBLISHED_ELSEWHERE[title])
        return not_found(
            request,
            _("The page “%(title)s” does not exist.") % {"title": title},
            title=title,
            can_create=True,
        )
    context = {"title": title, "page": wiki_page, "revision": wiki_page.latest}
    if wiki_page.content_model == "wikitext" and request.GET.get("redirect") != "no":
        target = wikitext.redirect_target(wiki_page.latest.text)  # followed once, never a chain
        shown = queries.live_page(target) if target is not None and target != title else None
        if shown is not None:
            context = {"title": target, "page": shown, "revision": shown.latest, "redirected_from": title}
    content.html_of(context["revision"], context["page"].content_model)  # stored; rendered if imported
    return modified_at(render(request, "wiki/page.html", context), context["revision"].timestamp)


@shared_cache
def raw_view(request: HttpRequest, title: Title) -> HttpResponse:
    if "oldid" in request.GET:
        return revision_view(request, title, raw=True)
    wiki_page = queries.live_page(title)
    if wiki_page is None:
        raise Http404(_("The page “%(title)s” does not exist.") % {"title": title})
    response = HttpResponse(wiki_page.latest.text, content_type="text/plain; charset=utf-8")
    return modified_at(response, wiki_page.latest.timestamp)


@shared_cache
def revision_view(request: HttpRequest, title: Title, *, raw: bool = False) -> HttpResponse:
    try:
        revision_id = queries.revision_id(request.GET, "oldid")
    except BadRevisionRequest as exc:
        return bad_request(request, str(exc))
    revision = queries.revision_of(title, revision_id)
    if revision is None:
        message = _("“%(title)s” has no revision %(id)s.") % {"title": title, "id": revision_id}
        return not_found(request, message, title=title)
    if raw:
        response = HttpResponse(revision.text, content_type="text/plain; charset=utf-8")
        return modified_at(response, revision.timestamp)
    context = {"title": title, "page": revision.page, "revision": revision, "is_old": True}
    content.html_of(revision, revision.page.content_model)
    return modified_at(render(request, "wiki/page.html", context), revision.timestamp)


@shared_cache
def history_view(request: HttpRequest, title: Title) -> HttpResponse:
    if "feed" in request.GET:
        return feeds.history_feed(request, title)
    wiki_page = queries.live_page(title)
    if wiki_page is None:
        return no_history(request, title)
    try:
        listing = paginate(queries.history(wiki_page), request.GET)
    except BadPageRequest as exc:
        return bad_request(request, str(exc))
    context = {"title": title, "page": wiki_page, "listing": listing}
    return modified_at(render(request, "wiki/history.html", context), wiki_page.latest.timestamp)


@shared_cache
def diff_view(request: HttpRequest, title: Title) -> HttpResponse:
    try:
        older, newer = queries.diff_pair(title, request.GET)
    except BadRevisionRequest as exc:
        return bad_request(
            request, _("%(problem)s A diff is asked for as ?diff=NEW&oldid=OLD.") % {"problem": exc}
        )
    except queries.NoSuchRevision:
        return not_found(
            request, _("“%(title)s” has no such revision to compare.") % {"title": title}, title=title
        )
    rows = compare(older.text if older else "", newer.text)
    context = {"title": title, "older": older, "newer": newer, "rows": rows}
    return modified_at(render(request, "wiki/diff.html", context), newer.timestamp)


def edit_view(request: HttpRequest, title: Title) -> HttpResponse:
    reason = protection_reason(title)
    if reason:
        return render(request, "wiki/protected.html", {"title": title, "reason": reason}, status=403)
    if request.method == "POST":
        return _save(request, title)
    wiki_page = queries.live_page(title)
    initial = {
        "base": wiki_page.latest_id if wiki_page else "",
        "text": wiki_page.latest.text if wiki_page else "",
    }
    return _edit_form(request, title, EditForm(initial=initial))


def _edit_form(
    request: HttpRequest, title: Title, form: EditForm, *, status: int = 200, **extra
) -> HttpResponse:
    context = {"title": title, "form": form, **extra}
    if not request.user.is_authenticated and temporary.enabled():
        context["temporary_account"] = True  # issue 18: a name, not the address, goes public
    elif not request.user.is_authenticated:
        context["public_address"] = request.candor_meta.ip
    return render(request, "wiki/edit.html", context, status=status)


def _save(request: HttpRequest, title: Title) -> HttpResponse:
    form = EditForm(request.POST)
    if not form.is_valid():
        return _edit_form(request, title, form, status=400)
    user = request.user if request.user.is_authenticated else None
    try:
        do_save_revision(
            title=title,
            text=form.cleaned_data["text"],
            summary=form.cleaned_data["summary"],
            base_revision_id=form.cleaned_data["base"],
            user=user,
            meta=request.candor_meta,
            browser=None if user else temporary.browser_of(request),
        )
    except EditConflict as conflict:
        # Their text stays in the form; the base moves to the revision they must now build on.
        data = request.POST.copy()
        data["base"] = str(conflict.latest.pk)
        rows = compare(conflict.latest.text, form.cleaned_data["text"])
        return _edit_form(
            request, title, EditForm(data), status=409, conflict=conflict.latest, conflict_rows=rows
        )
    except PageProtected as refusal:
        return render(request, "wiki/protected.html", {"title": title, "reason": str(refusal)}, status=403)
    except EditBlocked as blocked:
        # Their text is shown back to them, unsaved, so that nothing they wrote is lost.
        context = {"title": title, "notice": blocked.notice, "form": form}
        return render(request, "accounts/blocked.html", context, status=403)
    except EditRefused as refusal:
        form.add_error(None, str(refusal))
        return _edit_form(request, title, form, status=400)
    return HttpResponseRedirect(title.url, status=303)


_ACTIONS = {"view": view_page, "edit": edit_view, "history": history_view, "raw": raw_view}
