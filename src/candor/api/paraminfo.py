"""action=paraminfo: the modules and parameters this Action API accepts, as MediaWiki describes its own.

pywikibot reads it before anything else, to learn each module's prefix, limits and parameters. The list
below is what the modules of this package read; a parameter they do not read is not listed.
"""

from candor.api import siteinfo, tokens
from candor.api.action import MAX_VALUES, ApiError, Context
from candor.publiclog.models import LogType

_MULTI = {"multi": True, "limit": MAX_VALUES, "lowlimit": MAX_VALUES, "highlimit": 500}


def _p(name: str, kind="string", *, multi: bool = False, default=None, **extra) -> dict:
    parameter: dict = {"name": name, "type": kind}
    if multi:
        parameter.update(_MULTI)
    if default is not None:
        parameter["default"] = default
    parameter.update(extra)
    return parameter


def _limit(most: int = 500, default: int = 10) -> dict:
    return _p("limit", "limit", default=default, min=1, max=most, highmax=most)


def _submodules(name: str, modules, parent: str = "", *, multi: bool = True) -> dict:
    paths = {module: f"{parent}+{module}" if parent else module for module in modules}
    return _p(name, sorted(paths), multi=multi, submodules=paths)


_NAMESPACE = _p("namespace", "namespace", multi=True, extranamespaces=[])
_DIR = _p("dir", ["newer", "older"], default="older")
_RANGE = [_p("start", "timestamp"), _p("end", "timestamp"), _DIR, _p("continue")]
_BOOLS = lambda *names: [_p(name, "boolean") for name in names]  # noqa: E731

ACTIONS = ("query", "login", "clientlogin", "logout", "edit", "parse", "compare", "help", "paraminfo")
# Pages have none of these (no templates, categories, language links, files): answered, always empty.
EMPTY_PROPS = {
    "templates": "tl",
    "categories": "cl",
    "links": "pl",
    "langlinks": "ll",
    "images": "im",
    "extlinks": "el",
    "iwlinks": "iw",
    "pageprops": "pp",
}
PROPS = ("revisions", "info", *EMPTY_PROPS)
LISTS = (
    "recentchanges",
    "usercontribs",
    "logevents",
    "search",
    "allpages",
    "watchlist",
    "watchlistraw",
    "users",
    "allusers",
)
METAS = ("siteinfo", "userinfo", "tokens")
REVISION_PROPS = [
    "ids",
    "flags",
    "timestamp",
    "user",
    "userid",
    "size",
    "slotsize",
    "sha1",
    "slotsha1",
    "contentmodel",
    "comment",
    "parsedcomment",
    "content",
    "tags",
    "roles",
]
RC_PROPS = [
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
]
RC_SHOW = [
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
]
TYPES = ["edit", "new", "log", "external", "categorize"]

# path: (group, prefix, parameters, must be posted)
MODULES: dict[str, tuple[str, str, list[dict], bool]] = {
    "main": (
        "",
        "",
        [
            _submodules("action", ACTIONS, multi=False) | {"default": "help"},
            _p(
                "format",
                ["json", "jsonfm"],
                default="jsonfm",
                submodules={"json": "json", "jsonfm": "jsonfm"},
            ),
            _p("maxlag", "integer"),
            _p("smaxage", "integer", default=0),
            _p("maxage", "integer", default=0),
            _p("assert", ["anon", "bot", "user"]),
            _p("assertuser", "user"),
            _p("requestid"),
            *_BOOLS("servedby", "curtimestamp", "responselanginfo"),
            _p("origin"),
            _p("uselang", default="user"),
            _p("variant"),
            _p("errorformat", ["bc", "plaintext", "wikitext", "html", "raw", "none"], default="bc"),
            _p("errorlang", default="uselang"),
            _p("errorsuselocal", "boolean"),
        ],
        False,
    ),
    "json": (
        "format",
        "",
        [_p("callback"), *_BOOLS("utf8", "ascii"), _p("formatversion", ["1", "2", "latest"], default="1")],
        False,
    ),
    "jsonfm": (
        "format",
        "",
        [*_BOOLS("wrappedhtml", "utf8", "ascii"), _p("formatversion", ["1", "2", "latest"], default="1")],
        False,
    ),
    "paraminfo": (
        "action",
        "",
        [
            _p("modules", multi=True),
            _p("helpformat", ["html", "none", "raw", "wikitext"], default="none"),
            _p("querymodules", multi=True),
            _p("mainmodule", "boolean"),
            _p("pagesetmodule", "boolean"),
            _p("formatmodules", multi=True),
        ],
        False,
    ),
    "query": (
        "action",
        "",
        [
            _submodules("prop", PROPS, "query"),
            _submodules("list", LISTS, "query"),
            _submodules("meta", METAS, "query"),
            *_BOOLS(
                "indexpageids", "export", "exportnowrap", "iwurl", "rawcontinue", "redirects", "converttitles"
            ),
            _p("continue"),
            _p("titles", multi=True),
            _p("pageids", "integer", multi=True),
            _p("revids", "integer", multi=True),
            _submodules("generator", ["allpages", *EMPTY_PROPS], "query", multi=False),
        ],
        False,
    ),
    "query+revisions": (
        "prop",
        "rv",
        [
            _p("prop", REVISION_PROPS, multi=True, default="ids|timestamp|flags|comment|user"),
            _p("slots", ["main"], multi=True),
            _limit(),
            _p("startid", "integer"),
            _p("endid", "integer"),
            *_RANGE,
            _p("user", "user"),
            _p("excludeuser", "user"),
        ],
        False,
    ),
    "query+info": (
        "prop",
        "in",
        [
            _p(
                "prop",
                ["protection", "talkid", "watched", "subjectid", "url", "readable", "displaytitle"],
                multi=True,
            ),
            _p("continue"),
        ],
        False,
    ),
    "query+recentchanges": (
        "list",
        "rc",
        [
            *_RANGE,
            _NAMESPACE,
            _p("user", "user"),
            _p("excludeuser", "user"),
            _p("prop", RC_PROPS, multi=True, default="title|timestamp|ids"),
            _p("show", RC_SHOW, multi=True),
            _limit(),
            _p("type", TYPES, multi=True, default="edit|new|log|categorize"),
            _p("toponly", "boolean"),
            _p("title", "title"),
        ],
        False,
    ),
    "query+watchlist": (
        "list",
        "wl",
        [
            _p("allrev", "boolean"),
            *_RANGE,
            _NAMESPACE,
            _p("user", "user"),
            _p("excludeuser", "user"),
            _limit(),
            _p("prop", RC_PROPS, multi=True, default="ids|title|flags"),
            _p("show", RC_SHOW, multi=True),
            _p("type", TYPES, multi=True, default="edit|new|log|categorize"),
            _p("owner", "user"),
            _p("token", "password"),
        ],
        False,
    ),
    "query+watchlistraw": (
        "list",
        "wr",
        [
            _p("continue"),
            _NAMESPACE,
            _limit(),
            _p("owner", "user"),
            _p("token", "password"),
        ],
        False,
    ),
    "query+usercontribs": (
        "list",
        "uc",
        [
            _limit(),
            *_RANGE,
            _p("user", "user", multi=True),
            _p("userids", "integer", multi=True),
            _p("userprefix"),
            _NAMESPACE,
            _p(
                "prop",
                [
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
                ],
                multi=True,
                default="ids|title|timestamp|comment|size|flags",
            ),
            _p(
                "show",
                [
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
                ],
                multi=True,
            ),
        ],
        False,
    ),
    "query+logevents": (
        "list",
        "le",
        [
            _p(
                "prop",
                [
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
                ],
                multi=True,
                default="ids|title|type|user|timestamp|comment|details",
            ),
            _p("type", sorted(LogType.values)),
            _p("action"),
            *_RANGE,
            _p("user", "user"),
            _p("title", "title"),
            _p("namespace", "namespace"),
            _limit(),
        ],
        False,
    ),
    "query+search": (
        "list",
        "sr",
        [
            _p("search", required=True),
            _NAMESPACE | {"default": "0"},
            _limit(),
            _p("offset", "integer", default=0),
            _p("what", ["title", "text", "nearmatch"]),
            _p(
                "info",
                ["totalhits", "suggestion", "rewrittenquery"],
                multi=True,
                default="totalhits|suggestion|rewrittenquery",
            ),
            _p(
                "prop",
                ["size", "wordcount", "timestamp", "snippet", "titlesnippet"],
                multi=True,
                default="size|wordcount|timestamp|snippet",
            ),
        ],
        False,
    ),
    "query+allpages": (
        "list",
        "ap",
        [
            _p("from"),
            _p("continue"),
            _p("to"),
            _p("prefix"),
            _p("namespace", "namespace", default=0),
            _p("filterredir", ["all", "nonredirects", "redirects"], default="all"),
            _limit(),
            _p("dir", ["ascending", "descending"], default="ascending"),
        ],
        False,
    ),
    "query+users": (
        "list",
        "us",
        [
            _p(
                "prop",
                [
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
                ],
                multi=True,
            ),
            _p("users", "user", multi=True),
            _p("userids", "integer", multi=True),
        ],
        False,
    ),
    "query+allusers": ("list", "au", [_p("from"), _p("continue"), _p("prefix"), _limit()], False),
    "query+siteinfo": (
        "meta",
        "si",
        [_p("prop", sorted(siteinfo.PROPS), multi=True, default="general")],
        False,
    ),
    "query+userinfo": (
        "meta",
        "ui",
        [
            _p(
                "prop",
                [
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
                    "registrationdate",
                    "unreadcount",
                    "centralids",
                    "latestcontrib",
                    "cancreateaccount",
                ],
                multi=True,
            ),
        ],
        False,
    ),
    "query+tokens": ("meta", "", [_p("type", list(tokens.TYPES), multi=True, default="csrf")], False),
    "login": (
        "action",
        "lg",
        [_p("name"), _p("password", "password"), _p("domain"), _p("token", "password")],
        True,
    ),
    "clientlogin": (
        "action",
        "login",
        [
            _p("returnurl"),
            _p("continue", "boolean"),
            _p("token", "password", tokentype="login"),
            _p("messageformat", default="wikitext"),
            _p("requests", multi=True),
        ],
        True,
    ),
    "logout": ("action", "", [_p("token", "password", tokentype="csrf", required=True)], True),
    "edit": (
        "action",
        "",
        [
            _p("title", "title"),
            _p("pageid", "integer"),
            _p("section"),
            _p("text", "text"),
            _p("summary"),
            *_BOOLS("minor", "notminor", "bot", "recreate", "createonly", "nocreate"),
            _p("baserevid", "integer"),
            _p("basetimestamp", "timestamp"),
            _p("starttimestamp", "timestamp"),
            _p("watchlist", ["nochange", "preferences", "unwatch", "watch"], default="preferences"),
            _p("md5"),
            _p("prependtext", "text"),
            _p("appendtext", "text"),
            _p("contentformat"),
            _p("contentmodel"),
            _p("token", "password", tokentype="csrf", required=True),
        ],
        True,
    ),
    "parse": (
        "action",
        "",
        [
            _p("title", default="API"),
            _p("text", "text"),
            _p("page"),
            _p("pageid", "integer"),
            _p("oldid", "integer"),
            _p(
                "prop",
                [
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
                ],
                multi=True,
                default="text|revid|displaytitle",
            ),
        ],
        False,
    ),
    "compare": (
        "action",
        "",
        [
            _p("fromtitle"),
            _p("fromid", "integer"),
            _p("fromrev", "integer"),
            _p("totitle"),
            _p("toid", "integer"),
            _p("torev", "integer"),
            _p("torelative", ["cur", "next", "prev"]),
        ],
        False,
    ),
    "help": (
        "action",
        "",
        [
            _p("modules", multi=True, default="main"),
            *_BOOLS("submodules", "recursivesubmodules", "wrap", "toc"),
        ],
        False,
    ),
}
for _name, _prefix in EMPTY_PROPS.items():
    MODULES[f"query+{_name}"] = ("prop", _prefix, [_NAMESPACE, _limit(), _p("continue"), _DIR], False)


def describe(path: str) -> dict:
    group, prefix, parameters, posted = MODULES[path]
    name = path.rsplit("+", 1)[-1]
    module: dict = {
        "name": name,
        "classname": "Candor\\Api\\" + name,
        "path": path,
        "group": group or "action",
        "prefix": prefix,
        "source": "Candor",
        "sourcename": "Candor",
        "licensetag": "",
        "licenselink": "",
        "readrights": True,
        "helpurls": [],
        "examples": [],
        "parameters": [{"index": index + 1, **parameter} for index, parameter in enumerate(parameters)],
        "templatedparameters": [],
    }
    if posted:
        module.update(mustbeposted=True, writerights=True)
    if group in {"prop", "list", "meta"}:
        module["group"] = group
    return module


def paraminfo(ctx: Context) -> dict:
    params = ctx.params
    params.raw("helpformat")
    wanted: list[str] = list(params.values_of("modules"))
    wanted += [f"query+{name}" for name in params.values_of("querymodules")]
    if params.flag("mainmodule"):
        wanted.append("main")
    wanted += params.values_of("formatmodules")
    paths: list[str] = []
    for path in wanted:
        if path == "*":
            paths += [name for name in MODULES if "+" not in name and name not in {"main", "json", "jsonfm"}]
        elif path == "query+*":
            paths += [name for name in MODULES if name.startswith("query+")]
        else:
            paths.append(path)
    if len(paths) > 500:
        raise ApiError("toomanyvalues", 'Too many values supplied for parameter "modules".')
    modules = []
    for path in dict.fromkeys(paths):
        if path in MODULES:
            modules.append(describe(path))
        else:
            ctx.warn("paraminfo", "badmodule", f'The module "{path}" was not found.')
            modules.append({"name": path, "missing": True})
    answer: dict = {"modules": modules}
    if params.flag("pagesetmodule"):
        answer["pagesetmodule"] = {
            "name": "pageset",
            "path": "pageset",
            "group": "",
            "prefix": "",
            "parameters": [
                _p("titles", multi=True),
                _p("pageids", "integer", multi=True),
                _p("revids", "integer", multi=True),
            ],
        }
    return {"paraminfo": answer}
