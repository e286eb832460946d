"""meta=tokens and meta=userinfo: the caller's own tokens, rights and groups, nobody else's."""

from candor.accounts import temporary
from candor.api import siteinfo, tokens
from candor.api.action import Context, iso
from candor.privacy import clock
from candor.wiki.models import Revision

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
    temporary_account = None
    if user is None and temporary.enabled():
        temporary_account = temporary.current_account(temporary.browser_of(ctx.request), clock.now())
    if temporary_account is not None:
        # The browser's temporary account, as MediaWiki names a caller logged in to one (issue 18).
        info: dict = {"id": temporary_account.user_id, "name": temporary_account.user.username, "temp": True}
        groups, rights = ["*", "temp"], siteinfo.ANONYMOUS_RIGHTS
    elif user is None:
        info = {"id": 0, "name": ctx.request.candor_meta.ip, "anon": True}
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
