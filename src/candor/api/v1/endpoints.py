"""Candor's own JSON API: /api/v1/..., read-only, its OpenAPI schema at /api/openapi.json (issue 13 §2).

Each endpoint asks the wiki's own public queries (wiki/queries.py, wiki/search.py, wiki/diff.py), the ones
the HTML pages ask, and answers in the typed schemas of schemas.py, so it can show nothing the HTML hides
(C06). Lists page by keyset (`before`/`after` a revision id, wiki/paging.py). Every 200 carries an ETag
(a digest of the body); a request whose If-None-Match matches gets 304 and no body. Errors are
`{"error": {"code": ..., "message": ...}}` with a 4xx status.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.http import ConditionalGetMiddleware
from django.utils.decorators import decorator_from_middleware
from ninja import NinjaAPI, Path, Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.errors import ValidationError
from pydantic import Field

from candor.api.v1 import files, schemas
from candor.privacy.network import normalise_address
from candor.publiclog.titles import InvalidTitle, Title, parse
from candor.wiki import queries
from candor.wiki import search as search_index
from candor.wiki.diff import compare
from candor.wiki.models import Revision
from candor.wiki.paging import DEFAULT_LIMIT, MAX_LIMIT, paginate

MAX_ID = 2**63 - 1  # the largest id a database column holds; a larger number cannot name anything
SEARCH_LIMIT = 100


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _error(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message}}


api = NinjaAPI(
    title="Candor",
    version="1",
    description=(
        "Candor's JSON API: pages, revisions, histories, diffs, recent changes, contributions and search. "
        "Read-only, public data only; see docs/api.md."
    ),
    urls_namespace="candor-api",
    docs_url=None,  # the interactive docs would load a script bundle; the schema is the documentation
)
v1 = Router(tags=["v1"])


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return api.create_response(request, _error(exc.code, exc.message), status=exc.status)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = []
    for error in exc.errors:
        where = ".".join(str(part) for part in error.get("loc", ())[1:]) or "request"
        problems.append(f"{where}: {error.get('msg', 'invalid')}")
    message = "; ".join(problems) or "The request's parameters are not valid."
    return api.create_response(request, _error("invalid_parameter", message), status=400)


_conditional = decorator_from_middleware(ConditionalGetMiddleware)
_ERRORS = {400: schemas.Error, 404: schemas.Error}


def _get(path: str, response: type, summary: str) -> Callable:
    """A GET endpoint answering `response`, 304 when If-None-Match matches its ETag, and errors as Error."""

    def register(function: Callable) -> Callable:
        responses: dict[int, Any] = {200: response, 304: None, **_ERRORS}
        function = decorate_view(_conditional)(function)
        return v1.get(path, response=responses, summary=summary, operation_id=function.__name__)(function)

    return register


class PagingParams(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Rows per page.")
    before: int | None = Field(None, ge=1, le=MAX_ID, description="Rows older than this revision id.")
    after: int | None = Field(None, ge=1, le=MAX_ID, description="Rows newer than this revision id.")


class TitleParams(Schema):
    title: str = Field(
        min_length=1, max_length=1000, description="A page title, `Talk:Main Page`.", examples=["Quay"]
    )


class HistoryParams(PagingParams, TitleParams):
    pass


class ContributionsParams(PagingParams):
    target: str = Field(
        min_length=1,
        max_length=1000,
        description="A username, or an IP address.",
        examples=["Alice", "203.0.113.9"],
    )


class DiffParams(TitleParams):
    diff: str = Field(
        pattern=r"^([1-9][0-9]{0,17}|prev|next|cur)$",
        description="The newer revision's id, or `prev`, `next`, `cur` relative to `oldid` (as on the wiki).",
    )
    oldid: int | None = Field(None, ge=1, le=MAX_ID, description="The older revision's id.")


class SearchParams(Schema):
    q: str = Field(max_length=300, description="Words to find in titles and text.", examples=["quay"])
    limit: int = Field(20, ge=1, le=SEARCH_LIMIT)


def _title(raw: str) -> Title:
    try:
        return parse(raw)
    except InvalidTitle as exc:
        raise ApiError(400, "invalid_title", str(exc)) from None


def _page_ref(title: Title) -> dict:
    return {"title": title.display, "namespace": int(title.namespace), "url": title.url}


def _author(revision: Revision) -> dict:
    if revision.user_id:
        return {"kind": "account", "name": revision.user.username, "url": revision.author_url}
    return {"kind": "ip", "name": str(revision.ip), "url": revision.author_url}  # C33


def _summary(revision: Revision, title: Title | None = None) -> dict:
    return {
        "id": revision.id,
        "page": _page_ref(title or revision.page.title_object),
        "parent_id": revision.parent_id,
        "timestamp": revision.timestamp,
        "author": _author(revision),
        "summary": revision.summary,
        "size": revision.size,
        "size_change": revision.size_change,
    }


def _full(revision: Revision, title: Title | None = None) -> dict:
    return {**_summary(revision, title), "text": revision.text, "html": revision.html}


def _listing(revisions, params: PagingParams) -> dict:
    page = paginate(revisions, {"limit": params.limit, "before": params.before, "after": params.after})
    return {
        "items": [_summary(revision) for revision in page.rows],
        "paging": {"limit": page.limit, "older": page.older, "newer": page.newer},
    }


@_get("/page", schemas.Page, "A page: its current revision with the text and the HTML")
def page(request: HttpRequest, params: Query[TitleParams]):
    title = _title(params.title)
    wiki_page = queries.live_page(title)
    if wiki_page is None:
        raise ApiError(404, "no_such_page", f"The page “{title}” does not exist.")
    return {
        "page_id": wiki_page.id,
        **_page_ref(title),
        "revision": _full(wiki_page.latest, title),
    }


@_get("/revisions/{revision_id}", schemas.Revision, "One revision, with its text and HTML")
def revision(request: HttpRequest, revision_id: int = Path(..., ge=1, le=MAX_ID)):
    found = queries.live_revision(revision_id)
    if found is None:
        raise ApiError(404, "no_such_revision", f"There is no revision {revision_id}.")
    return _full(found)


@_get("/history", schemas.RevisionList, "A page's revisions, newest first")
def history(request: HttpRequest, params: Query[HistoryParams]):
    title = _title(params.title)
    wiki_page = queries.live_page(title)
    if wiki_page is None:
        raise ApiError(404, "no_such_page", f"The page “{title}” does not exist, so it has no history.")
    return _listing(queries.history(wiki_page), params)


@_get("/diff", schemas.Diff, "The lines that differ between two revisions of a page")
def diff(request: HttpRequest, params: Query[DiffParams]):
    title = _title(params.title)
    wanted = {"diff": params.diff}
    if params.oldid is not None:
        wanted["oldid"] = str(params.oldid)
    try:
        older, newer = queries.diff_pair(title, wanted)
    except queries.BadRevisionRequest as exc:
        raise ApiError(400, "invalid_parameter", f"{exc} prev, next and cur need an oldid.") from None
    except queries.NoSuchRevision:
        raise ApiError(404, "no_such_revision", f"“{title}” has no such revision to compare.") from None
    rows = compare(older.text if older else "", newer.text)
    return {
        "older": _summary(older, title) if older else None,
        "newer": _summary(newer, title),
        "rows": [vars(row) for row in rows],
    }


@_get("/recentchanges", schemas.RevisionList, "Every page's revisions, newest first")
def recent_changes(request: HttpRequest, params: Query[PagingParams]):
    return _listing(queries.recent_changes(), params)


@_get("/contributions", schemas.Contributions, "An account's edits, or the logged-out edits of an address")
def contributions(request: HttpRequest, params: Query[ContributionsParams]):
    found = queries.contributions(params.target)
    if found is None:
        raise ApiError(404, "no_such_user", f"There is no user called “{params.target}”.")
    kind = "ip" if normalise_address(params.target) is not None else "account"
    return {"target": found.who, "target_kind": kind, **_listing(found.revisions, params)}


@_get("/search", schemas.SearchResults, "Pages whose title or text has every word, title matches first")
def search(request: HttpRequest, params: Query[SearchParams]):
    query = params.q.strip()
    hits = search_index.search(query, params.limit) if query else []
    return {
        "query": query,
        "hits": [{**_page_ref(hit.title), "snippet": hit.snippet} for hit in hits],
    }


v1.add_router("", files.router)  # POST /api/v1/files, the upload (out of the read-only schema)
api.add_router("/v1", v1)


def no_such_endpoint(request: HttpRequest, unknown: str) -> HttpResponse:
    """Any other address under /api/: a JSON 404, not the wiki's HTML page."""
    message = f"There is no endpoint /api/{unknown}; the schema at /api/openapi.json lists them."
    return JsonResponse(_error("no_such_endpoint", message), status=404)
