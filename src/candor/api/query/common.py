"""The page set of action=query (titles, pageids, revids) and what every query module shares:
parameters read the same way, keyset paging by id, an author as MediaWiki names them (C33)."""

import hashlib

from django.db.models import Q

from candor.api.action import ApiError, Context
from candor.publiclog.titles import InvalidTitle, Namespace, Title, parse
from candor.wiki.models import Page, Revision

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
        ids = [positive(ctx, "pageids", value) for value in params.values_of("pageids")]
        found = live.in_bulk(ids)
        for number in dict.fromkeys(ids):
            if number in found:
                pages.found.append(found[number])
            else:
                pages.missing.append({"pageid": number, "missing": True})
    elif "revids" in params:
        ids = [positive(ctx, "revids", value) for value in params.values_of("revids")]
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


def positive(ctx: Context, name: str, value: str) -> int:
    if not value.isdigit() or len(value) > 18:
        raise ApiError("badinteger", f'Invalid value "{value}" for integer parameter "{name}".')
    return int(value)


def page_entry(page: Page) -> dict:
    title = page.title_object
    return {"pageid": page.id, "ns": int(page.namespace), "title": title.display}
