"""action=edit: the edit form's save, through the API.

It calls the form's own action (`wiki.actions.do_save_revision`), so the private event, the blocks, the
size limit, the protection and the attribution are the form's (C33, C34, C48). The base revision is the
one the client names (`baserevid`, or the revision that was current at `basetimestamp`, to the second as
MediaWiki's timestamps are); a page that moved on since is MediaWiki's `editconflict`, never a silent
overwrite. Without either, the edit builds on the current revision, as in MediaWiki.
"""

import hashlib
from datetime import timedelta

from django.conf import settings

from candor.accounts import temporary
from candor.api import tokens
from candor.api.action import ApiError, Context, iso
from candor.api.query.common import CONTENT_MODEL
from candor.publiclog.titles import InvalidTitle, Namespace, Title, parse
from candor.wiki.actions import (
    MAX_SUMMARY_CHARS,
    EditBlocked,
    EditConflict,
    EditRefused,
    PageProtected,
    do_save_revision,
)
from candor.wiki.models import Page, Revision


def _title(ctx: Context) -> Title:
    params = ctx.params
    params.one_of("title", "pageid")
    if "pageid" in params:
        number = params.integer("pageid")
        page = Page.objects.live().filter(pk=number).only("namespace", "title").first()
        if page is None:
            raise ApiError("nosuchpageid", f"There is no page with ID {number}.")
        return page.title_object
    raw = params.raw("title")
    if raw is None:
        raise ApiError("missingparam", 'One of the parameters "title" and "pageid" is required.')
    try:
        title = parse(raw)
    except InvalidTitle as problem:
        raise ApiError("invalidtitle", f'Bad title "{raw}".', invalidreason=str(problem)) from problem
    if title.namespace == Namespace.SPECIAL:
        raise ApiError("invalidtitle", f'Bad title "{raw}".')
    return title


def _check_token(ctx: Context) -> None:
    token = ctx.params.raw("token")
    if token is None:
        raise ApiError("missingparam", 'The "token" parameter must be set.')
    if not tokens.is_valid_session_token(ctx.request, "csrf", token):
        raise ApiError("badtoken", "Invalid CSRF token.")


def _base_of(ctx: Context, page: Page | None) -> int | None:
    """The revision the client's text is built on."""
    params = ctx.params
    if page is None:
        return None
    baserevid = params.integer("baserevid")
    if baserevid is not None:
        if not Revision.objects.filter(pk=baserevid, page=page).exists():
            raise ApiError("nosuchrevid", f"There is no revision with ID {baserevid}.")
        return baserevid
    basetimestamp = params.timestamp("basetimestamp")
    if basetimestamp is not None:
        base = (
            Revision.objects.filter(page=page, timestamp__lt=basetimestamp + timedelta(seconds=1))
            .order_by("-id")
            .values_list("id", flat=True)
            .first()
        )
        return base if base is not None else -1  # before the page existed: it changed since
    return page.latest_id


def edit(ctx: Context) -> dict:
    params = ctx.params
    _check_token(ctx)
    title = _title(ctx)
    given = [name for name in ("text", "appendtext", "prependtext") if name in params]
    if not given:
        raise ApiError(
            "missingparam", 'One of the parameters "text", "appendtext" and "prependtext" is required.'
        )
    params.one_of("text", "appendtext")
    params.one_of("text", "prependtext")
    params.one_of("createonly", "nocreate")
    for ignored in (
        "minor",
        "notminor",
        "bot",
        "watch",
        "unwatch",
        "watchlist",
        "watchlistexpiry",
        "tags",
        "recreate",
        "starttimestamp",
        "redirect",
        "contentformat",
        "contentmodel",
        "captchaid",
        "captchaword",
        "returnto",
        "returntoquery",
        "returntoanchor",
        "undo",
        "undoafter",
        "sectiontitle",
        "section",
        "summary",
        "md5",
        "nocreate",
        "createonly",
    ):
        params.raw(ignored)
    model = params.raw("contentmodel")
    if model and model not in {CONTENT_MODEL, "wikitext", "text"}:
        raise ApiError("badvalue", f'Unrecognized value for parameter "contentmodel": {model}.')
    if params.raw("section") not in (None, "", "0"):
        raise ApiError("nosuchsection", "Candor pages are edited whole: there are no sections to edit.")

    page = (
        Page.objects.live().filter(namespace=title.namespace, title=title.key).only("id", "latest_id").first()
    )
    if page is None and params.flag("nocreate"):
        raise ApiError("missingtitle", "The page you specified doesn't exist.")
    if page is not None and params.flag("createonly"):
        raise ApiError("articleexists", "The article you tried to create has been created already.")
    base = _base_of(ctx, page)
    if "text" in params:
        text = params.text("text")
    else:
        current = (
            Revision.objects.filter(pk=page.latest_id).values_list("text", flat=True).first() if page else ""
        )
        text = params.text("prependtext") + (current or "") + params.text("appendtext")
    md5 = params.raw("md5")
    if md5 is not None and hashlib.md5(text.encode("utf-8")).hexdigest() != md5.lower():  # noqa: S324 - MediaWiki's check
        raise ApiError("badmd5", "The supplied MD5 hash was incorrect.")
    size = len(text.encode("utf-8"))
    if size > settings.CANDOR_MAX_PAGE_BYTES:
        kib = settings.CANDOR_MAX_PAGE_BYTES // 1024
        raise ApiError(
            "contenttoobig", f"The content you supplied exceeds the page size limit of {kib} kibibytes."
        )
    summary = params.text("summary")
    if len(" ".join(summary.split())) > MAX_SUMMARY_CHARS:
        raise ApiError(
            "summarytoolong", f"The edit summary can be at most {MAX_SUMMARY_CHARS} characters long."
        )

    try:
        revision = do_save_revision(
            title=title,
            text=text,
            summary=summary,
            base_revision_id=base,
            user=ctx.user,
            meta=ctx.request.candor_meta,
            # Logged out: the cookie of the form's temporary account when the client sends it (issue 18).
            browser=None if ctx.user else temporary.browser_of(ctx.request),
        )
    except EditConflict as conflict:
        raise ApiError("editconflict", "Edit conflict.", latestrevid=conflict.latest.pk) from conflict
    except PageProtected as refusal:
        raise ApiError("protectedpage", str(refusal)) from refusal
    except EditBlocked as blocked:
        notice = blocked.notice
        raise ApiError(
            "blocked",
            f"You have been blocked from editing. {notice.what} is blocked "
            f"({notice.reference}): {notice.reason}",
            blockinfo={
                "blockedby": notice.blocked_by,
                "blockreason": notice.reason,
                "blockexpiry": iso(notice.until) if notice.until else "infinite",
            },
        ) from blocked
    except EditRefused as refusal:
        raise ApiError("editfailed", str(refusal)) from refusal

    answer: dict = {
        "result": "Success",
        "pageid": revision.page_id,
        "title": title.display,
        "contentmodel": CONTENT_MODEL,
    }
    if page is not None and revision.id == page.latest_id:
        answer["nochange"] = True
        answer["newtimestamp"] = iso(revision.timestamp)
        return {"edit": answer}
    if revision.parent_id is None:
        answer["new"] = True
    answer.update(
        oldrevid=revision.parent_id or 0, newrevid=revision.id, newtimestamp=iso(revision.timestamp)
    )
    return {"edit": answer}
