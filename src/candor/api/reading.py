"""action=parse, action=compare and action=help: reading through the API what the HTML pages render.

parse answers a page's stored, sanitised HTML (or renders a given text through the same Markdown and nh3
pipeline, writing nothing); compare answers the diff table of two revisions of live pages.
"""

from django.conf import settings
from django.utils.html import escape

from candor.api.action import ApiError, Context
from candor.publiclog.titles import InvalidTitle
from candor.publiclog.titles import parse as parse_title
from candor.wiki.diff import compare as compare_texts
from candor.wiki.markup import render
from candor.wiki.models import Page, Revision

PARSE_PROPS = {
    "text",
    "wikitext",
    "revid",
    "displaytitle",
    "sections",
    "links",
    "templates",
    "images",
    "externallinks",
    "categories",
    "langlinks",
    "iwlinks",
    "properties",
    "parsewarnings",
    "headhtml",
    "modules",
    "jsconfigvars",
    "encodedjsconfigvars",
    "indicators",
    "limitreportdata",
    "limitreporthtml",
    "parsetree",
    "subtitle",
    "categorieshtml",
    "headitems",
}
_LIST_PROPS = (
    "sections",
    "links",
    "templates",
    "images",
    "externallinks",
    "categories",
    "langlinks",
    "iwlinks",
)


def _revision_for(ctx: Context, module: str, *, title_key: str, id_key: str, rev_key: str) -> Revision | None:
    params = ctx.params
    params.one_of(title_key, id_key, rev_key)
    rows = Revision.objects.live().select_related("page", "user")
    if rev_key in params:
        number = params.integer(rev_key)
        revision = rows.filter(pk=number).first()
        if revision is None:
            raise ApiError("nosuchrevid", f"There is no revision with ID {number}.")
        return revision
    if id_key in params:
        number = params.integer(id_key)
        page = Page.objects.live().filter(pk=number).only("latest_id").first()
        if page is None:
            raise ApiError("nosuchpageid", f"There is no page with ID {number}.")
        return rows.get(pk=page.latest_id)
    raw = params.raw(title_key)
    if raw is None:
        return None
    try:
        title = parse_title(raw)
    except InvalidTitle as problem:
        raise ApiError("invalidtitle", f'Bad title "{raw}".') from problem
    page = Page.objects.live().filter(namespace=title.namespace, title=title.key).only("latest_id").first()
    if page is None:
        raise ApiError("missingtitle", "The page you specified doesn't exist.")
    return rows.get(pk=page.latest_id)


def parse(ctx: Context) -> dict:
    params = ctx.params
    props = set(params.choices(ctx, "parse", "prop", PARSE_PROPS, ["text", "revid", "displaytitle"]))
    for ignored in (
        "pst",
        "onlypst",
        "disablelimitreport",
        "disableeditsection",
        "disabletoc",
        "mobileformat",
        "section",
        "sectiontitle",
        "contentmodel",
        "contentformat",
        "summary",
        "useskin",
        "wrapoutputclass",
        "preview",
        "sectionpreview",
        "redirects",
        "disablestylededuplication",
        "showstrategykeys",
        "parsoid",
        "effectivelanglinks",
        "generatexml",
        "templatesandboxtitle",
    ):
        params.raw(ignored)
    if "text" in params:
        params.one_of("text", "page")
        params.one_of("text", "pageid")
        params.one_of("text", "oldid")
        text = params.text("text")
        if len(text.encode("utf-8")) > settings.CANDOR_MAX_PAGE_BYTES:
            kib = settings.CANDOR_MAX_PAGE_BYTES // 1024
            raise ApiError(
                "contenttoobig", f"The content you supplied exceeds the page size limit of {kib} kibibytes."
            )
        raw_title = params.text("title", "API")
        try:
            title = parse_title(raw_title)
        except InvalidTitle as problem:
            raise ApiError("invalidtitle", f'Bad title "{raw_title}".') from problem
        answer: dict = {"title": title.display, "pageid": 0}
        html, source = render(text), text
    else:
        revision = _revision_for(ctx, "parse", title_key="page", id_key="pageid", rev_key="oldid")
        if revision is None:
            raise ApiError(
                "missingparam", 'One of the parameters "text", "page", "pageid" and "oldid" is required.'
            )
        title = revision.page.title_object
        answer = {"title": title.display, "pageid": revision.page_id}
        if "revid" in props:
            answer["revid"] = revision.id
        html, source = revision.html, revision.text
    if "text" in props:
        answer["text"] = html if ctx.v2 else ctx.content(html)
    if "wikitext" in props:
        answer["wikitext"] = source if ctx.v2 else ctx.content(source)
    if "displaytitle" in props:
        answer["displaytitle"] = escape(title.display)
    for name in _LIST_PROPS:
        if name in props:
            answer[name] = []
    if "properties" in props:
        answer["properties"] = [] if not ctx.v2 else {}
    return {"parse": answer}


def compare(ctx: Context) -> dict:
    params = ctx.params
    params.choices(
        ctx,
        "compare",
        "prop",
        {"diff", "diffsize", "rel", "ids", "title", "user", "comment", "parsedcomment", "size", "timestamp"},
        [],
    )
    for ignored in (
        "slots",
        "difftype",
        "fromslots",
        "toslots",
        "frompst",
        "topst",
        "fromcontentmodel",
        "tocontentmodel",
        "fromcontentformat",
        "tocontentformat",
        "fromsection",
        "tosection",
    ):
        params.raw(ignored)
    older = _revision_for(ctx, "compare", title_key="fromtitle", id_key="fromid", rev_key="fromrev")
    relative = params.choice("torelative", ("prev", "next", "cur"))
    if relative is not None:
        if older is None:
            raise ApiError(
                "compare-relative-to-nothing", 'No "from" revision for "torelative" to be relative to.'
            )
        rows = Revision.objects.live().select_related("page", "user").filter(page_id=older.page_id)
        if relative == "prev":
            newer, older = older, (rows.filter(pk=older.parent_id).first() if older.parent_id else None)
        elif relative == "next":
            newer = rows.filter(parent_id=older.pk).first() or older
        else:
            newer = rows.get(pk=older.page.latest_id)
    else:
        newer = _revision_for(ctx, "compare", title_key="totitle", id_key="toid", rev_key="torev")
    if older is None and relative != "prev":
        raise ApiError("missingparam", 'One of the parameters "fromtitle", "fromid", "fromrev" is required.')
    if newer is None:
        raise ApiError(
            "missingparam", 'One of the parameters "totitle", "toid", "torev" and "torelative" is required.'
        )
    answer: dict = {}
    for side, revision in (("from", older), ("to", newer)):
        if revision is None:
            continue
        title = revision.page.title_object
        answer.update(
            {
                f"{side}id": revision.page_id,
                f"{side}revid": revision.id,
                f"{side}ns": int(title.namespace),
                f"{side}title": title.display,
            }
        )
    body = _diff_html(older.text if older else "", newer.text)
    answer.update({"body": body} if ctx.v2 else {"*": body})
    return {"compare": answer}


def _diff_html(old: str, new: str) -> str:
    cells = {
        "same": ("diff-context", "diff-context"),
        "removed": ("diff-deletedline", ""),
        "added": ("", "diff-addedline"),
    }
    lines = []
    for row in compare_texts(old, new):
        if row.kind == "gap":
            lines.append('<tr><td colspan="4" class="diff-lineno">…</td></tr>')
            continue
        left, right = cells[row.kind]
        text = escape(row.text)
        lines.append(
            "<tr>"
            + (
                f'<td class="diff-marker">−</td><td class="{left}">{text}</td>'
                if left
                else '<td colspan="2"></td>'
            )
            + (
                f'<td class="diff-marker">+</td><td class="{right}">{text}</td>'
                if right
                else '<td colspan="2"></td>'
            )
            + "</tr>"
        )
    return "\n".join(lines)


def help_module(ctx: Context) -> dict:
    from candor.api.action import _actions

    ctx.params.raw("modules")
    ctx.params.raw("submodules")
    ctx.params.raw("recursivesubmodules")
    ctx.params.raw("wrap")
    ctx.params.raw("toc")
    return {
        "help": {
            "mime": "text/plain",
            "help": "Candor's MediaWiki Action API. Actions: "
            + ", ".join(sorted(_actions()))
            + ". What each supports is in docs/api.md.",
        }
    }
