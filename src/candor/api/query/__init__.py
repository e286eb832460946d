"""action=query: the page set (titles, pageids, revids), its props, the lists and the meta modules.

Each list reads what the matching HTML page shows and nothing more: recent changes, contributions and
histories are revisions of live pages, with an account's username or a logged-out edit's address as the
author (C33); the logs are the public log (C38); search is the page index; the watchlist is the caller's
own (C60). Paging is keyset, by revision or log id, never OFFSET: each continuation costs one index range
scan, as the HTML listings do (wiki/paging.py).
"""

from collections.abc import Callable

from candor.api import siteinfo
from candor.api.action import Context
from candor.api.query.changes import (
    list_logevents,
    list_recentchanges,
    list_usercontribs,
    list_watchlist,
    list_watchlistraw,
)
from candor.api.query.common import page_entry, page_set
from candor.api.query.directory import list_allpages, list_allusers, list_search, list_users
from candor.api.query.meta import meta_tokens, meta_userinfo
from candor.api.query.props import prop_info, prop_revisions, revision_props
from candor.wiki.models import Page

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
    if query:
        result["query"] = query
    elif not result:
        result["batchcomplete"] = True
    return result
