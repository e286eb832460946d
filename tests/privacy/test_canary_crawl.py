"""C34, C45, C49, C50, C53, C55, C59, C06, C33: nothing nonpublic reaches any public response.

Alice signs up, logs out, fails a login, logs in, edits, searches and changes her private settings through
the real HTTP routes, from addresses, with user agents, a forwarded-for header, a referrer, email addresses,
passwords and a search term that are all unique canaries. A logged-out reader edits once. Then an anonymous
client and Bob crawl the site: every route of the URL configuration (a route with arguments must have samples
here, so a route added later cannot escape the crawl), then every same-origin link found, breadth first. No
canary may appear in any status line, header, cookie or body. The logged-out reader's address is the one
exception (C33): it must appear on that edit, which also proves the crawl can see an address at all.

A value the crawler itself puts in a URL (Alice's address in Special:Contributions/<address>, her search
term in Special:Search?q=...) comes back as an echo. Such a page is exempt from that canary, and is compared
instead with the same page for an unused value of the same kind: it must not differ, so it knows nothing.
"""

import functools
import html
import io
import ipaddress
import json
import re
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import astuple, dataclass, field
from datetime import UTC, timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, quote_plus, unquote, unquote_plus, urlencode, urljoin, urlsplit

import pytest
from django.http import HttpResponseBase
from django.test import Client
from django.urls import URLResolver, get_resolver, include, path
from django.urls.resolvers import RegexPattern
from django.utils import translation

from candor.accounts.models import User
from candor.api import siteinfo
from candor.api.query import directory as api_directory
from candor.api.query import meta as api_meta
from candor.media.models import FileVersion
from candor.media.processing import THUMB_WIDTHS
from candor.privacy import clock
from candor.privacy.cookies import DECLARED_NAMES
from candor.privacy.models import EventType, PrivateEvent
from candor.privacy.roles import Role, RoleAssignment
from candor.publiclog.models import LogType
from candor.stats import actions as stats_actions
from candor.stats import counting
from candor.wiki.models import Page, Revision
from tests.media.conftest import photo as media_photo
from tests.steps import EDITOR_ADDRESS, READER_ADDRESS, SIGNUP_ADDRESS, opened, revisions_of, save

HOST = "testserver"  # the Django test client's host: "same origin" means this host, or no host at all
MAX_URLS = 1500
CRAWLER_ADDRESS = "192.0.2.250"
FAILED_LOGIN_ADDRESS = "198.51.100.201"
CHATHAM = "Pacific/Chatham"
# A time shown in Chatham time: how Alice's private time zone would show if it coloured anyone else's page.
CHATHAM_TIME = re.compile(r"\d\d:\d\d \+1[23]45")
PATH_SAFE = ":/()'!,;*~@$"  # the characters Title.url leaves unquoted
MASK = "\x00private value\x00"


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


def _unique_ipv6() -> str:
    """An address in the documentation prefix 2001:db8::/32 (RFC 3849) that nothing else uses."""
    return ipaddress.IPv6Address(bytes.fromhex("20010db8") + uuid.uuid4().bytes[:12]).compressed


def _spellings(*values: str) -> frozenset[str]:
    """How a response could carry each value: as is, HTML-escaped, URL-encoded (once or twice), in JSON."""
    forms: set[str] = set()
    for value in values:
        encoded = quote(value, safe="")
        forms |= {value, html.escape(value), json.dumps(value)[1:-1]}
        forms |= {encoded, quote(encoded, safe=""), quote(value), quote_plus(value)}
    return frozenset(form.lower() for form in forms)


@dataclass(frozen=True)
class Canary:
    """A nonpublic value, and the spellings under which a response could carry it (matched lower-cased)."""

    what: str
    value: str
    spellings: frozenset[str]
    harmless: tuple[str, ...] = ()  # exact snippets where the value says nothing about anyone

    def found_in(self, text: str) -> bool:
        for snippet in self.harmless:
            text = text.replace(snippet, "")
        return any(spelling in text for spelling in self.spellings)


def text_canary(what: str, value: str) -> Canary:
    """Also matched by its uuid alone, so that no re-spelling of the value can hide it."""
    token = re.search(r"[0-9a-f]{32}", value)
    return Canary(what, value, _spellings(value, *([token.group()] if token else [])))


def address_canary(what: str, address: str) -> Canary:
    ip = ipaddress.ip_address(address)
    return Canary(what, ip.compressed, _spellings(ip.compressed, ip.exploded))


@dataclass
class Planted:
    """What Alice and the reader left behind. All of it is nonpublic except the reader's address."""

    signup_agent: str = field(default_factory=lambda: _unique("CanarySignupUA/1.0"))
    login_address: str = field(default_factory=_unique_ipv6)
    login_agent: str = field(default_factory=lambda: _unique("CanaryLoginUA/1.0"))
    failed_login_agent: str = field(default_factory=lambda: _unique("CanaryFailedLoginUA/1.0"))
    edit_agent: str = field(default_factory=lambda: _unique("CanaryEditUA/1.0"))
    forwarded_for: str = field(default_factory=_unique_ipv6)
    referrer: str = field(default_factory=lambda: f"https://{_unique('canary-referrer')}.example.org/from")
    reader_agent: str = field(default_factory=lambda: _unique("CanaryReaderUA/1.0"))
    email: str = field(default_factory=lambda: _unique("canary-mail") + "@example.org")
    new_email: str = field(default_factory=lambda: _unique("canary-newmail") + "@example.org")
    password: str = field(default_factory=lambda: _unique("canary-password"))
    wrong_password: str = field(default_factory=lambda: _unique("canary-wrong-password"))
    search_term: str = field(default_factory=lambda: _unique("rare-term"))
    reader_revision_id: int = 0

    def canaries(self) -> list[Canary]:
        option = f'<option value="{CHATHAM}">{CHATHAM}</option>'.lower()  # one of every zone, to choose from
        return [
            address_canary("Alice's signup address", SIGNUP_ADDRESS),
            address_canary("Alice's login address", self.login_address),
            address_canary("the address of a failed login as Alice", FAILED_LOGIN_ADDRESS),
            address_canary("Alice's editing address", EDITOR_ADDRESS),
            address_canary("Alice's X-Forwarded-For", self.forwarded_for),
            text_canary("Alice's signup user agent", self.signup_agent),
            text_canary("Alice's login user agent", self.login_agent),
            text_canary("the user agent of a failed login as Alice", self.failed_login_agent),
            text_canary("Alice's editing user agent", self.edit_agent),
            text_canary("Alice's referrer", self.referrer),
            text_canary("the logged-out reader's user agent", self.reader_agent),
            text_canary("Alice's first email address", self.email),
            text_canary("Alice's email address", self.new_email),
            text_canary("Alice's password", self.password),
            text_canary("a wrong password tried for Alice", self.wrong_password),
            text_canary("Alice's search term", self.search_term),
            Canary("Alice's time zone", CHATHAM, _spellings(CHATHAM), harmless=(option,)),
        ]

    @functools.cached_property
    def lookups(self) -> list[tuple[Canary, Canary]]:
        """Private values a stranger could type into a lookup, each with an unused value of the same kind."""
        unused_ipv4 = iter(f"192.0.2.{n}" for n in range(100, 200))
        private_addresses = [
            SIGNUP_ADDRESS,
            self.login_address,
            FAILED_LOGIN_ADDRESS,
            EDITOR_ADDRESS,
            self.forwarded_for,
        ]
        pairs = []
        for address in private_addresses:
            unused = next(unused_ipv4) if ipaddress.ip_address(address).version == 4 else _unique_ipv6()
            pairs.append((address_canary("a private address", address), address_canary("unused", unused)))
        for value, prefix, suffix in [
            (self.email, "canary-mail", "@example.org"),
            (self.new_email, "canary-newmail", "@example.org"),
            (self.search_term, "rare-term", ""),
        ]:
            unused = _unique(prefix) + suffix
            pairs.append((text_canary(f"Alice's {prefix}", value), text_canary("unused", unused)))
        return pairs


@pytest.fixture
def planted(reader, settings, tmp_path) -> Planted:
    """Alice's traces, left through the real routes, and one logged-out edit by the reader."""
    settings.CANDOR_MEDIA_DIR = tmp_path / "media"
    planted = Planted()
    alice = Client(REMOTE_ADDR=SIGNUP_ADDRESS, HTTP_USER_AGENT=planted.signup_agent)
    signup = {"username": "Alice", "password": planted.password, "email": planted.email}
    assert alice.post("/accounts/signup", signup).status_code == 302
    assert alice.post("/accounts/logout").status_code == 302

    stranger = Client(REMOTE_ADDR=FAILED_LOGIN_ADDRESS, HTTP_USER_AGENT=planted.failed_login_agent)
    failed = stranger.post("/accounts/login", {"username": "Alice", "password": planted.wrong_password})
    assert failed.status_code == 400
    login = {"username": "Alice", "password": planted.password}
    again = {"REMOTE_ADDR": planted.login_address, "HTTP_USER_AGENT": planted.login_agent}
    assert alice.post("/accounts/login", login, **again).status_code == 302

    editing = {
        "REMOTE_ADDR": EDITOR_ADDRESS,
        "HTTP_USER_AGENT": planted.edit_agent,
        "HTTP_X_FORWARDED_FOR": planted.forwarded_for,
        "HTTP_REFERER": planted.referrer,
    }
    harbour = "A stone harbour. See [[Lighthouse]]. ![beacon](https://tracker.example/p.gif)"  # C53
    reading = {"HTTP_USER_AGENT": planted.reader_agent}
    for who, headers, title, text in [
        (alice, editing, "Harbour", harbour),
        (alice, editing, "Lighthouse", "A lighthouse on the [[Harbour]] wall."),
        (alice, editing, "User:Alice", "I write about harbours."),
        (alice, editing, "Talk:Harbour", "Is the wall older than the quay?"),
        (reader, reading, "Harbour", harbour + "\n\nBuilt in 1820."),
        (alice, editing, "Harbour", harbour + "\n\nBuilt in 1820 of granite."),
    ]:
        assert save(who, title, text, "an edit", **headers).status_code == 303
        if who is reader:
            planted.reader_revision_id = revisions_of(title)[-1].id

    # An upload with its camera metadata stripped (C43), embedded in a page, and one kept and listed (C44).
    stripped = {"name": "Harbour photo.jpg", "comment": "the quay", "file": io.BytesIO(media_photo())}
    assert alice.post("/wiki/Special:Upload", stripped, **editing).status_code == 302
    kept = {"name": "Kept photo.jpg", "keep_metadata": "on", "file": io.BytesIO(media_photo())}
    pending = alice.post("/wiki/Special:Upload", kept, **editing).context["form"].initial["pending"]
    confirm = {"name": "Kept photo.jpg", "keep_metadata": "on", "confirm": "on", "pending": pending}
    assert alice.post("/wiki/Special:Upload", confirm, **editing).status_code == 302
    quay = "The quay: ![the quay](File:Harbour_photo.jpg) [[File:Kept_photo.jpg|thumb|kept]]"
    assert save(alice, "Quay", quay, "an edit", **editing).status_code == 303

    preferences = {"form": "preferences", "time_zone": CHATHAM}
    assert alice.post("/accounts/preferences", preferences, **editing).status_code == 302
    email = {"form": "email", "email": planted.new_email}
    assert alice.post("/accounts/preferences", email, **editing).status_code == 302
    searched = alice.get("/wiki/Special:Search", {"q": planted.search_term}, **editing)
    assert searched.status_code == 200 and planted.search_term in searched.content.decode()
    return planted


@pytest.mark.ip_attribution
def test_the_canaries_are_stored_privately_so_the_crawl_has_something_to_find(planted):
    """C25, C34, C49: every canary went where it belongs (the private events, the account), not nowhere."""
    alice = User.objects.get(username="Alice")
    events = {
        (event.event_type, *astuple(opened(event))) for event in PrivateEvent.objects.filter(actor=alice)
    }
    editing = (EDITOR_ADDRESS, planted.edit_agent, planted.forwarded_for)

    assert (EventType.SIGNUP, SIGNUP_ADDRESS, planted.signup_agent, "") in events
    assert (EventType.LOGIN_FAILED, FAILED_LOGIN_ADDRESS, planted.failed_login_agent, "") in events
    assert (EventType.LOGIN, planted.login_address, planted.login_agent, "") in events
    for event_type in (EventType.EDIT, EventType.PREFERENCES_CHANGE, EventType.EMAIL_CHANGE):
        assert (event_type, *editing) in events
    logged_out_edits = PrivateEvent.objects.filter(event_type=EventType.EDIT, actor=None)
    assert (READER_ADDRESS, planted.reader_agent) in {
        (opened(event).ip, opened(event).user_agent) for event in logged_out_edits
    }
    assert (alice.email, alice.time_zone) == (planted.new_email, CHATHAM)
    assert alice.check_password(planted.password)
    assert not Revision.objects.filter(user=alice, ip__isnull=False).exists()
    assert Revision.objects.get(pk=planted.reader_revision_id).ip == READER_ADDRESS


# --- Which URLs the URL configuration has, and samples for the routes that take arguments ------------------


@dataclass(frozen=True)
class Route:
    route: str  # as written in the URL configuration, with the prefixes of its includes
    converters: dict = field(default_factory=dict)  # argument name -> converter; empty: a plain URL

    def url(self, arguments: dict[str, str] | None = None, query: str = "") -> str:
        def fill(match: re.Match) -> str:
            name = match["name"]
            return quote(self.converters[name].to_url((arguments or {})[name]), safe=PATH_SAFE)

        filled = re.sub(r"<(?:\w+:)?(?P<name>\w+)>", fill, self.route)
        return "/" + filled + ("?" + query if query else "")


def routes(patterns: Iterable, prefix: str = "", converters: dict | None = None) -> Iterator[Route]:
    """Every endpoint of the URL configuration, includes followed."""
    for entry in patterns:
        pattern = entry.pattern
        found = {**(converters or {}), **getattr(pattern, "converters", {})}
        text = str(pattern)
        if isinstance(pattern, RegexPattern):
            if pattern.regex.groups:  # Candor uses path(); a regex route with groups needs a filler here
                found[f"regex group of {text}"] = None
            text = text.removeprefix("^").removesuffix("$")
        if isinstance(entry, URLResolver):
            yield from routes(entry.url_patterns, prefix + text, found)
        else:
            yield Route(prefix + text, found)


Sample = tuple[dict[str, str], str]  # the route's arguments, and a query string


def _title(raw: str, query: str = "") -> Sample:
    return {"raw_title": raw}, query


def wiki_samples(planted: Planted) -> Iterator[Sample]:
    """Every page with every action, every old revision and diff, every special page, and private lookups."""
    raw_titles = {page.title_object.display.replace(" ", "_") for page in Page.objects.all()}
    raw_titles |= {"User:Alice", "User_talk:Alice", "Main_Page", "Privacy_policy", "No_such_page"}
    raw_titles |= {"File:Harbour_photo.jpg", "File:Kept_photo.jpg", "File:No_such_file.jpg"}  # uploads
    for raw in sorted(raw_titles):
        for query in ("", "action=history", "action=raw", "action=edit", "action=history&limit=1"):
            yield _title(raw, query)
    # The error pages: a bad title, an unknown action, revisions that are malformed or do not exist.
    yield _title("Bad|title")
    for query in ("action=nonsense", "oldid=0", "oldid=abc", "oldid=999999", "diff=abc", "diff=999999"):
        yield _title("Harbour", query)
    for revision in Revision.objects.select_related("page").order_by("id"):
        raw = revision.page.title_object.display.replace(" ", "_")
        yield _title(raw, f"oldid={revision.id}")
        yield _title(raw, f"action=raw&oldid={revision.id}")
        yield _title(raw, f"diff={revision.id}")
        for position in ("prev", "next", "cur"):
            yield _title(raw, f"diff={position}&oldid={revision.id}")
        if revision.parent_id:
            yield _title(raw, f"diff={revision.id}&oldid={revision.parent_id}")

    yield _title("Special:RecentChanges")
    yield _title("Special:RecentChanges", "limit=1")
    for name in [*User.objects.values_list("username", flat=True), READER_ADDRESS]:
        yield _title(f"Special:Contributions/{name}")
        yield _title(f"Special:Contributions/{name}", "limit=1")
    yield _title("Special:Search")
    for words in ("Harbour", "rare-term", "Alice"):
        yield _title("Special:Search", urlencode({"q": words}))
    yield _title("Special:Log")
    yield _title("Special:Log", "limit=1")
    for log_type in LogType.values:
        yield _title(f"Special:Log/{log_type}")
    yield _title("Special:No_such_special_page")
    for private, unused in planted.lookups:
        for canary in (private, unused):
            yield from lookup_samples(canary.value)


def lookup_samples(value: str) -> list[Sample]:
    """The pages where a stranger could type a value to see what the site knows about it."""
    return [
        _title(f"Special:Contributions/{value}"),
        _title("Special:Contributions", urlencode({"target": value})),
        _title("Special:Search", urlencode({"q": value})),
    ]


def api_revision_samples(planted: Planted) -> Iterator[Sample]:
    """The JSON API's revisions, each one and some that are not; its query endpoints are crawled with
    samples in tests/api/test_v1_privacy.py."""
    for revision_id in [*Revision.objects.order_by("id").values_list("id", flat=True), 0, 999999, "abc"]:
        yield {"revision_id": str(revision_id)}, ""


def api_unknown_samples(planted: Planted) -> Iterator[Sample]:
    for unknown in ("v1/nothing", "v2/page", "v1/revisions/"):
        yield {"unknown": unknown}, ""


def stats_release_samples(planted: Planted) -> Iterator[Sample]:
    """A published release of yesterday's page views over the planted pages, and one that does not exist
    (C47, C94: a release holds totals only)."""
    steward = User.objects.create_user(username="Crawl steward", password=None)
    RoleAssignment.objects.create(user=steward, role=Role.STEWARD, granted_at=clock.now())
    yesterday = clock.now().astimezone(UTC).date() - timedelta(days=1)
    pages = [page.title_object.display for page in Page.objects.live()]
    counting.add_counts([(yesterday, page, "GB", 500) for page in pages])
    release = stats_actions.do_publish_release(
        "page_day", yesterday, approver=steward, reason="Crawl sample", threshold=0
    )
    for release_id in (release.pk, 999999):
        yield {"release_id": str(release_id)}, ""


def api_urls(planted: Planted) -> list[str]:
    """C06: the Action API's modules, with every prop, over every page, revision and account, and with the
    private values a stranger could type (answered as for unused ones, since nothing matches them)."""
    revision_props = (
        "ids|flags|timestamp|user|userid|size|sha1|contentmodel|comment|parsedcomment|content|tags"
    )
    rc_props = "user|userid|comment|parsedcomment|flags|timestamp|title|ids|sizes|tags|sha1"
    queries = [
        {
            "meta": "siteinfo|userinfo|tokens",
            "siprop": "|".join(sorted(siteinfo.PROPS)),
            "uiprop": "|".join(sorted(api_meta.UI_PROPS)),
            "type": "csrf|login|watch",
        },
        {"list": "recentchanges", "rcprop": rc_props, "rclimit": "max"},
        {
            "list": "logevents",
            "lelimit": "max",
            "leprop": "ids|title|type|user|userid|timestamp|comment|details",
        },
        {"list": "allpages|allusers|watchlist|watchlistraw", "aplimit": "max", "aulimit": "max"},
        {"list": "search", "srsearch": "Harbour"},
    ]
    for page in Page.objects.all():
        title = page.title_object.display
        queries.append(
            {
                "prop": "revisions|info",
                "titles": title,
                "rvprop": revision_props,
                "rvslots": "main",
                "rvlimit": "max",
                "inprop": "protection|url|talkid|subjectid|watched|watchers",
            }
        )
        queries.append({"action": "parse", "page": title})
    for revision in Revision.objects.order_by("id"):
        queries.append({"prop": "revisions", "revids": str(revision.id), "rvprop": revision_props})
        queries.append({"action": "compare", "fromrev": str(revision.id), "torelative": "prev"})
    for name in [*User.objects.values_list("username", flat=True), READER_ADDRESS]:
        queries.append({"list": "usercontribs", "ucuser": name, "uclimit": "max"})
        queries.append({"list": "users", "ususers": name, "usprop": "|".join(sorted(api_directory.US_PROPS))})
    for private, unused in planted.lookups:
        for value in (private.value, unused.value):
            queries.append(
                {"list": "usercontribs|users|search", "ucuser": value, "ususers": value, "srsearch": value}
            )
    urls = []
    for params in queries:
        for version in ("1", "2"):
            urls.append(
                "/w/api.php?"
                + urlencode({"action": "query", **params, "format": "json", "formatversion": version})
            )
    return urls


def media_samples(planted: Planted) -> Iterator[Sample]:
    """Every stored upload's bytes, and hashes that are none (issue 15)."""
    for sha256 in [*FileVersion.objects.values_list("sha256", flat=True), "0" * 64, "abc"]:
        yield {"sha256": sha256}, ""


def media_thumb_samples(planted: Planted) -> Iterator[Sample]:
    for sha256 in [*FileVersion.objects.values_list("sha256", flat=True), "0" * 64]:
        for width in (*THUMB_WIDTHS, 7):
            yield {"width": str(width), "sha256": sha256}, ""


# The route string of every route with arguments, mapped to the samples the crawl starts from.
SAMPLES: dict[str, Callable[[Planted], Iterable[Sample]]] = {
    "wiki/<path:raw_title>": wiki_samples,
    "api/v1/revisions/<revision_id>": api_revision_samples,
    "api/<path:unknown>": api_unknown_samples,
    "stats/releases/<int:release_id>": stats_release_samples,
    "media/<str:sha256>": media_samples,
    "media/thumb/<int:width>/<str:sha256>": media_thumb_samples,
}


def routes_without_samples(patterns: Iterable) -> list[str]:
    return [route.route for route in routes(patterns) if route.converters and route.route not in SAMPLES]


def start_urls(patterns: Iterable, planted: Planted) -> list[str]:
    urls = []
    for route in routes(patterns):
        if not route.converters:
            urls.append(route.url())  # POST-only routes too: a GET must answer without leaking
            continue
        urls.extend(route.url(arguments, query) for arguments, query in SAMPLES[route.route](planted))
    return urls


def test_a_route_with_arguments_and_no_crawl_samples_is_named():
    """A route added later cannot escape the crawl: its samples are required, by its route string."""

    def view(request):
        raise AssertionError("never called")

    patterns = [
        path("plain", view),
        path("wiki/<path:raw_title>", view),
        path("api/", include([path("users/<str:name>", view), path("openapi.json", view)])),
    ]

    assert routes_without_samples(patterns) == ["api/users/<str:name>"]
    plain = [route.url() for route in routes(patterns) if not route.converters]
    assert plain == ["/plain", "/api/openapi.json"]


# --- The crawl ---------------------------------------------------------------------------------------------


class PageReferences(HTMLParser):
    """What an HTML page makes a browser load, and where its links and GET forms lead."""

    def __init__(self):
        super().__init__()
        self.resources: list[str] = []  # loaded without a click: must be same-origin (C53)
        self.links: list[str] = []
        self._form: tuple[str, list[tuple[str, str]]] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        for name in ("src", "data", "poster", "formaction"):
            if name in attributes:
                self.resources.append(attributes[name])
        if "srcset" in attributes:
            self.resources += [part.split()[0] for part in attributes["srcset"].split(",") if part.strip()]
        if tag in {"link", "base"} and "href" in attributes:
            self.resources.append(attributes["href"])
        if tag in {"a", "link"} and "href" in attributes:
            self.links.append(attributes["href"])
        if "src" in attributes:
            self.links.append(attributes["src"])
        if tag == "form":
            self.resources.append(attributes.get("action", ""))
            if attributes.get("method", "get").lower() == "get":
                self._form = (attributes.get("action", ""), [])
        if tag == "input" and self._form is not None and attributes.get("name"):
            if attributes.get("type", "text").lower() not in {"submit", "button", "image", "reset", "file"}:
                self._form[1].append((attributes["name"], attributes.get("value", "")))

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            action, fields = self._form
            self.links.append(action + "?" + urlencode(fields))
            self._form = None


def same_origin(reference: str) -> bool:
    parts = urlsplit(reference.strip())
    if not parts.scheme and not parts.netloc:
        return True
    return parts.scheme in {"http", "https"} and parts.netloc == HOST


def dedupe_key(url: str) -> tuple[str, str]:
    """Path and query; `next` (where to go after logging in) is left out, or login?next=login?next=... is
    an endless chain of distinct URLs for the same page."""
    parts = urlsplit(url)
    query = [pair for pair in parse_qsl(parts.query, keep_blank_values=True) if pair[0] != "next"]
    return unquote(parts.path), urlencode(sorted(query))


def third_party_sources(policy: str) -> list[str]:
    """Sources in a Content-Security-Policy that are neither a keyword ('self', 'none') nor a local path."""
    found = []
    for directive in policy.split(";"):
        name, *sources = directive.split() or [""]
        found += [f"{name} {source}" for source in sources if not source.startswith(("'", "/"))]
    return found


@dataclass
class Fetched:
    status: int
    head: str  # status line, headers and cookies, lower-cased for matching
    body: str  # lower-cased for matching
    html: str  # as sent, for reading its links (Title URLs are case-sensitive)


@dataclass
class Crawl:
    client: Client
    canaries: list[Canary]
    fetched: dict[tuple[str, str], Fetched] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    bound_reached: bool = False

    def run(self, urls: Iterable[str]) -> None:
        queue: deque[str] = deque()
        seen: set[tuple[str, str]] = set()

        def enqueue(url: str) -> None:
            key = dedupe_key(url)
            if key in seen:
                return
            if len(seen) >= MAX_URLS:
                self.bound_reached = True
                return
            seen.add(key)
            queue.append(url)

        for url in urls:
            enqueue(url)
        while queue:
            url = queue.popleft()
            for link in self.visit(url):
                absolute = urljoin(f"http://{HOST}{url}", link.strip())
                if same_origin(absolute) and urlsplit(absolute).scheme in {"http", "https"}:
                    parts = urlsplit(absolute)
                    enqueue(parts.path + ("?" + parts.query if parts.query else ""))

    def visit(self, url: str) -> list[str]:
        try:
            response = self.client.get(url)
        except Exception as exc:  # a view that crashes is a finding too; the crawl goes on
            self.problems.append(f"{url}: raised {exc!r}")
            return []
        page = self._read(response)
        self.fetched[dedupe_key(url)] = page
        self._check(url, response, page)
        links = [response["Location"]] if response.has_header("Location") else []
        if response.get("Content-Type", "").startswith("text/html"):
            references = PageReferences()
            references.feed(page.html)
            references.close()
            for resource in references.resources:
                if not same_origin(resource):
                    self.problems.append(f"{url}: loads {resource!r} from another origin (C53)")
            links += references.links
        return links

    @staticmethod
    def _read(response: HttpResponseBase) -> Fetched:
        if response.streaming:
            content = b"".join(response.streaming_content)  # the test client closes it at the end
        else:
            content = response.content
        head = "\n".join(
            [
                f"{response.status_code} {response.reason_phrase}",
                *(f"{name}: {value}" for name, value in response.items()),
                response.cookies.output(),
            ]
        )
        text = content.decode("utf-8", "replace")
        return Fetched(response.status_code, head.lower(), text.lower(), text)

    def _check(self, url: str, response: HttpResponseBase, page: Fetched) -> None:
        asked = " ".join([url, unquote(url), unquote_plus(url)]).lower()
        for canary in self.canaries:
            if canary.found_in(asked):
                continue  # the crawler's own value, echoed back: see lookup_problems
            for part, text in (("status line, headers or cookies", page.head), ("body", page.body)):
                if canary.found_in(text):
                    self.problems.append(f"{url}: {canary.what} ({canary.value!r}) is in the {part}")
        if CHATHAM_TIME.search(page.body):
            self.problems.append(f"{url}: a time is shown in Alice's private time zone ({CHATHAM})")
        if response.status_code >= 500:
            self.problems.append(f"{url}: status {response.status_code}")
        for name in response.cookies:
            if name not in DECLARED_NAMES:
                self.problems.append(f"{url}: sets the undeclared cookie {name!r} (C55)")
        if response.get("Content-Type", "").startswith("text/html"):
            policy = response.get("Content-Security-Policy")
            if not policy:
                self.problems.append(f"{url}: an HTML response without a Content-Security-Policy (C53)")
            elif third_party_sources(policy):
                self.problems.append(f"{url}: the CSP allows {third_party_sources(policy)} (C53)")

    def page(self, url: str) -> Fetched | None:
        return self.fetched.get(dedupe_key(url))


def _neutral(page: Fetched, masked: Canary) -> tuple[int, str]:
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page.body)
    for spelling in sorted(masked.spellings, key=len, reverse=True):
        text = text.replace(spelling, MASK)
    return page.status, text


def lookup_problems(crawl: Crawl, planted: Planted) -> list[str]:
    """C34, C50, C59: a lookup of Alice's private value must answer as it does for a value nobody used."""
    problems = []
    for private, unused in planted.lookups:
        for (arguments, query), (twin_arguments, twin_query) in zip(
            lookup_samples(private.value), lookup_samples(unused.value), strict=True
        ):
            url = _wiki_url(arguments, query)
            twin = _wiki_url(twin_arguments, twin_query)
            page, twin_page = crawl.page(url), crawl.page(twin)
            if page is None or twin_page is None:
                problems.append(f"the crawl did not fetch {url} and {twin}")
            elif _neutral(page, private) != _neutral(twin_page, unused):
                problems.append(f"{url}: answers differently than {twin}, so it reveals {private.what}")
    return problems


def _wiki_url(arguments: dict[str, str], query: str) -> str:
    return "/wiki/" + quote(arguments["raw_title"], safe=PATH_SAFE) + ("?" + query if query else "")


def attribution_problems(crawl: Crawl, planted: Planted, language: str = "en") -> list[str]:
    """C32, C33: the logged-out reader's address is public on that edit, and not elsewhere."""
    attributed = f'<a href="/wiki/special:contributions/{READER_ADDRESS}">{READER_ADDRESS}</a>'
    row = f"?oldid={planted.reader_revision_id}"  # the edit's row in a listing
    with translation.override(language):
        heading = translation.gettext("Contributions of %(who)s") % {"who": READER_ADDRESS}
    shows = {
        "/wiki/Harbour?action=history": (attributed, row),
        f"/wiki/Harbour?oldid={planted.reader_revision_id}": (attributed,),
        "/wiki/Special:RecentChanges": (attributed, row),
        f"/wiki/Special:Contributions/{READER_ADDRESS}": (f"<h1>{heading.lower()}</h1>", row),
    }
    hides = ["/wiki/Lighthouse?action=history", "/wiki/Special:Contributions/Alice", "/wiki/User:Alice"]
    problems = []
    for url, snippets in shows.items():
        page = crawl.page(url)
        if page is None or not all(snippet in page.body for snippet in snippets):
            problems.append(f"{url}: the logged-out edit is not attributed to {READER_ADDRESS} (C33)")
    for url in hides:
        page = crawl.page(url)
        if page is None or READER_ADDRESS in page.body:
            problems.append(f"{url}: not fetched, or shows {READER_ADDRESS}, who did not edit there")
    return problems


# Each shipped language's interface is crawled too (issue 17): a translation must leak no more than English.
PERSONAS = [("anonymous", "en"), ("bob", "en"), *(("anonymous", code) for code in ("fr", "de", "es", "ar"))]


@pytest.mark.ip_attribution
@pytest.mark.parametrize(("persona", "language"), PERSONAS)
def test_no_nonpublic_canary_reaches_any_public_response(planted, persona, language, request):
    """C34, C45, C49, C50, C59 (and C06 for whatever the URL configuration serves): no canary anywhere;
    C53: every HTML response has a first-party CSP and loads nothing from another origin; C55: every cookie
    is declared; C33: the logged-out edit alone shows its address. C51: in every shipped language."""
    if persona == "anonymous":
        client = Client(REMOTE_ADDR=CRAWLER_ADDRESS)
    else:
        client = request.getfixturevalue("outsider")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    patterns = get_resolver().url_patterns
    missing = routes_without_samples(patterns)
    assert not missing, f"add crawl samples for {', '.join(missing)} to SAMPLES"

    crawl = Crawl(client, planted.canaries())
    crawl.run([*start_urls(patterns, planted), *api_urls(planted)])

    assert not crawl.bound_reached, f"the crawl reached {MAX_URLS} URLs: a link loop, or raise the bound"
    assert len(crawl.fetched) > 100, "the crawl fetched too little to mean anything"
    problems = (
        crawl.problems + lookup_problems(crawl, planted) + attribution_problems(crawl, planted, language)
    )
    assert not problems, f"as {persona} in {language}, {len(problems)} problems:\n" + "\n".join(problems[:60])
