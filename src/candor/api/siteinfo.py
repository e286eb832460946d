"""meta=siteinfo: what a client asks about the wiki when it starts (mwclient and pywikibot ask a lot).

Candor answers as a MediaWiki 1.39 would, where it has the thing, and with an empty list where it has none
(no extensions, no interwiki links, no file uploads), so that a client learns the truth instead of failing.
"""

from django.conf import settings

from candor.accounts.models import User
from candor.api.action import Context, iso
from candor.privacy import clock
from candor.publiclog.titles import Namespace
from candor.wiki.models import Page, Revision

GENERATOR = "MediaWiki 1.39.0"  # the Action API version Candor's answers follow (docs/api.md)
SITE_NAME = "Candor"
ANONYMOUS_RIGHTS = ["read", "edit", "createpage", "createtalk", "writeapi", "editmyprivateinfo"]
USER_RIGHTS = [
    *ANONYMOUS_RIGHTS,
    "minoredit",
    "viewmywatchlist",
    "editmywatchlist",
    "applychangetags",
    "upload",
]
DEFAULT_OPTIONS = {
    "language": "en",
    "variant": "en",
    "skin": "candor",
    "date": "default",
    "timecorrection": "System|0",
    "gender": "unknown",
    "watchdefault": 0,
    "watchcreations": 0,
    "minordefault": 0,
}
PROPS = {
    "general",
    "namespaces",
    "namespacealiases",
    "specialpagealiases",
    "magicwords",
    "interwikimap",
    "dbrepllag",
    "statistics",
    "usergroups",
    "autocreatetempuser",
    "libraries",
    "extensions",
    "fileextensions",
    "rightsinfo",
    "restrictions",
    "languages",
    "languagevariants",
    "skins",
    "extensiontags",
    "functionhooks",
    "showhooks",
    "variables",
    "protocols",
    "defaultoptions",
    "uploaddialog",
}
_EMPTY_LISTS = (
    "specialpagealiases",
    "magicwords",
    "interwikimap",
    "libraries",
    "extensions",
    "fileextensions",
    "extensiontags",
    "functionhooks",
    "showhooks",
    "variables",
)


def server(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


def general(ctx: Context) -> dict:
    base = server(ctx.request)
    return {
        "mainpage": "Main Page",
        "base": base + "/wiki/Main_Page",
        "sitename": SITE_NAME,
        "mainpageisdomainroot": False,
        "logo": "",
        "generator": GENERATOR,
        "phpversion": "",
        "phpsapi": "",
        "dbtype": "",
        "dbversion": "",
        "imagewhitelistenabled": False,
        "langconversion": False,
        "linkconversion": False,
        "titleconversion": False,
        "linkprefixcharset": "",
        "linkprefix": "",
        "linktrail": "/^([a-z]+)(.*)$/sD",
        "legaltitlechars": " %!\"$&'()*,\\-.\\/0-9:;=?@A-Z\\\\^_`a-z~\\x80-\\xFF+",
        "invalidusernamechars": "@:>=",
        "allunicodefixes": False,
        "fixarabicunicode": True,
        "fixmalayalamunicode": True,
        "git-hash": "",
        "git-branch": "",
        "case": "first-letter",
        "lang": "en",
        "fallback": [],
        "rtl": False,
        "fallback8bitEncoding": "windows-1252",
        "readonly": False,
        "writeapi": True,
        "maxarticlesize": settings.CANDOR_MAX_PAGE_BYTES,
        "timezone": "UTC",
        "timeoffset": 0,
        "articlepath": "/wiki/$1",
        "scriptpath": "/w",
        "script": "/w/index.php",
        "variantarticlepath": False,
        "server": base,
        "servername": ctx.request.get_host().rsplit(":", 1)[0],
        "wikiid": "candor",
        "time": iso(clock.now()),
        "misermode": False,
        "uploadsenabled": False,
        "maxuploadsize": 0,
        "minuploadchunksize": 1024,
        "galleryoptions": {},
        "thumblimits": {},
        "imagelimits": {},
        "favicon": base + "/static/favicon.ico",
        "centralidlookupprovider": "local",
        "allcentralidlookupproviders": ["local"],
        "interwikimagic": False,
        "magiclinks": {},
        "categorycollation": "uppercase",
        "nofollowlinks": True,
        "nofollownsexceptions": [],
        "nofollowdomainexceptions": [],
        "externallinktarget": False,
    }


# MediaWiki's built-in namespaces that Candor has no pages in. Clients assume they exist (pywikibot looks
# for templates in 10 before every save); listing them tells the truth, since each holds nothing.
BUILT_IN_ELSEWHERE = [
    (-2, "Media"), (6, "File"), (7, "File talk"), (8, "MediaWiki"), (9, "MediaWiki talk"), (10, "Template"),
    (11, "Template talk"), (12, "Help"), (13, "Help talk"), (14, "Category"), (15, "Category talk"),
]  # fmt: skip


def namespaces(ctx: Context) -> dict:
    answer = {}
    for value, label in sorted([*Namespace.choices, *BUILT_IN_ELSEWHERE]):
        entry = {
            "id": value,
            "case": "first-letter",
            "canonical": label,
            "subpages": value not in (Namespace.MAIN, Namespace.SPECIAL),
            "content": value == Namespace.MAIN,
            "nonincludable": False,
        }
        entry.update(ctx.content(label) if not ctx.v2 else {"name": label})
        if value == Namespace.MAIN:
            entry.pop("canonical")
        answer[str(value)] = entry
    return answer


def statistics() -> dict:
    edits = Revision.objects.count()
    return {
        "pages": Page.objects.live().count(),
        "articles": Page.objects.live().filter(namespace=Namespace.MAIN).count(),
        "edits": edits,
        "images": 0,
        "users": User.objects.count(),
        "activeusers": 0,
        "admins": 0,
        "jobs": 0,
    }


def meta_siteinfo(ctx: Context) -> dict:
    props = ctx.params.choices(ctx, "siteinfo", "siprop", PROPS, ["general"])
    for ignored in ("sifilteriw", "sishowalldb", "sinumberingroup", "siinlanguagecode"):
        ctx.params.raw(ignored)
    answer: dict = {}
    for prop in props:
        if prop == "general":
            answer["general"] = general(ctx)
        elif prop == "namespaces":
            answer["namespaces"] = namespaces(ctx)
        elif prop == "namespacealiases":
            answer["namespacealiases"] = []
        elif prop == "statistics":
            answer["statistics"] = statistics()
        elif prop == "rightsinfo":
            answer["rightsinfo"] = {"url": "", "text": "See each page's history for its authors."}
        elif prop == "dbrepllag":
            answer["dbrepllag"] = [{"host": "db", "lag": 0}]
        elif prop == "usergroups":
            answer["usergroups"] = [
                {"name": "*", "rights": ANONYMOUS_RIGHTS},
                {"name": "user", "rights": USER_RIGHTS},
            ]
        elif prop == "restrictions":
            answer["restrictions"] = {
                "types": ["edit", "move"],
                "levels": ["", "sysop"],
                "cascadinglevels": [],
                "semiprotectedlevels": [],
            }
        elif prop == "languages":
            answer["languages"] = [{"code": "en", "bcp47": "en", **ctx.content("English")}]
        elif prop == "languagevariants":
            answer["languagevariants"] = {}
        elif prop == "skins":
            answer["skins"] = [{"code": "candor", "default": True, **ctx.content("Candor")}]
        elif prop == "protocols":
            answer["protocols"] = ["http://", "https://", "mailto:"]
        elif prop == "defaultoptions":
            answer["defaultoptions"] = dict(DEFAULT_OPTIONS)
        elif prop == "uploaddialog":
            answer["uploaddialog"] = {}
        elif prop == "autocreatetempuser":
            answer["autocreatetempuser"] = {"enabled": False}
        elif prop in _EMPTY_LISTS:
            answer[prop] = []
    return answer
