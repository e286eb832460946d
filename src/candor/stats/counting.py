"""Page views counted per page, day and country, without knowing who viewed them (C47, C94, C107).

What is counted, and how each reader's share is bounded:

- Only a plain view of an existing page (GET /wiki/<Title>, answered 200, no `action`, `oldid` or `diff`),
  not of a user page (about a person), by a browser that keeps the `candor_views` cookie
  (privacy/cookies.py). The cookie holds the day and a short digest of each page counted for it that day,
  at most `VIEWS_PER_DAY` of them, and nothing that tells apart two readers who read the same pages: it is
  not an identifier. A view is counted only if the cookie came with the request, names today (or an
  earlier day, which starts a new one), holds fewer than VIEWS_PER_DAY digests and not this page's. So one
  browser adds at most 1 to at most 10 cells (page, country) a day: the bound the releases' noise is
  calibrated to (stats/releases.py). A browser that refuses the cookie, or sends none yet, is simply not
  counted: a request without it could be anyone, any number of times. A browser that forges the cookie
  can only inflate its own contribution, which weakens no one's protection but its own.
- The country comes from the address at request time (privacy/countries.py) and joins the total at once;
  the address is never kept, nor is the user agent, the account, the session or the cookie's value.
- Nothing is written per request: the counts are kept per server process and added to the database in one
  batch every FLUSH_EVERY counted views or FLUSH_SECONDS, as the DNT/GPC totals are
  (privacy/browser_signals.py). Increments add up correctly across any number of processes.

Counting is off unless the wiki turns it on (CANDOR_STATS_COUNT_PAGE_VIEWS): off, reading sets no cookie
at all, as before.
"""

import atexit
import hashlib
import threading
import time
from collections import Counter
from datetime import UTC, date, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse

from candor.privacy import clock
from candor.privacy.countries import country_of
from candor.stats.models import PageViewCount

COOKIE = "candor_views"
COOKIE_LIFETIME = timedelta(days=7)
COOKIE_MAX_AGE = int(COOKIE_LIFETIME.total_seconds())
VIEWS_PER_DAY = 10  # Wikimedia's bound: a device's first 10 unique page views of the day
DIGEST_CHARS = 3  # 12 bits a page: 10,000 pages share each digest with ~2 others; ≤ 0.25% views missed
FLUSH_EVERY = 2000
# Special pages are not pages; user pages are about a person, and views of them are no one's business.
UNCOUNTED_PREFIXES = frozenset({"special", "user", "user_talk"})
FLUSH_SECONDS = 30.0  # a release of a day waits this long past its end

_lock = threading.Lock()
_pending: Counter[tuple[date, str, str]] = Counter()
_pending_views = 0  # sum(_pending.values()), kept as it changes
_last_flush = time.monotonic()


def digest(day: date, page: str) -> str:
    """A short digest of the page, different every day, so that the cookie does not spell out the titles."""
    return hashlib.blake2s(f"{day.isoformat()}\n{page}".encode(), digest_size=2).hexdigest()[:DIGEST_CHARS]


def parse_cookie(value: str | None) -> tuple[str, list[str]] | None:
    """(the day as YYYYMMDD, the digests) of a well-formed cookie value, else None."""
    if not value:
        return None
    day, _, rest = value.partition(".")
    digests = [part for part in rest.split(".") if part] if rest else []
    if len(day) != 8 or not day.isdigit() or len(digests) > VIEWS_PER_DAY:
        return None
    if any(len(part) != DIGEST_CHARS for part in digests):
        return None
    return day, digests


def viewed_page(request: HttpRequest, response: HttpResponse) -> str | None:
    """The title of the page this response showed as a plain view, or None."""
    if request.method != "GET" or response.status_code != 200:
        return None
    match = request.resolver_match
    if match is None or match.url_name != "wiki":
        return None
    if request.GET and set(request.GET) - {"action"} or request.GET.get("action", "view") != "view":
        return None
    raw_title = match.kwargs.get("raw_title", "")
    if raw_title.partition(":")[0].casefold() in UNCOUNTED_PREFIXES:
        return None
    return raw_title.replace("_", " ")  # canonical: a non-canonical path was redirected (wiki.views.page)


def count(request: HttpRequest, response: HttpResponse) -> None:
    """Count the view `response` shows, if it is one and the browser's bound allows it; keep the cookie."""
    page = viewed_page(request, response)
    if page is None:
        return
    now = clock.now().astimezone(UTC)
    today = now.date()
    stamp = f"{today.year:04d}{today.month:02d}{today.day:02d}"  # strftime costs more than counting
    sent = request.COOKIES.get(COOKIE)
    parsed = parse_cookie(sent)
    if parsed is None:  # no cookie (or a broken one): not counted; offer it for the next view
        _set_cookie(response, f"{stamp}.")
        return
    day, digests = parsed
    if day != stamp:
        digests = []
    mark = digest(today, page)
    if len(digests) >= VIEWS_PER_DAY or mark in digests:
        if day != stamp:
            _set_cookie(response, f"{stamp}.")
        return
    digests.append(mark)
    _set_cookie(response, ".".join([stamp, *digests]))
    country = country_of(request.candor_meta.ip)
    global _pending_views
    with _lock:
        _pending[(today, page, country)] += 1
        _pending_views += 1
        due = _pending_views >= FLUSH_EVERY or time.monotonic() - _last_flush >= FLUSH_SECONDS
    if due:
        flush()


def _set_cookie(response: HttpResponse, value: str) -> None:
    """The cookie, through response.cookies (so FirstPartyOnlyMiddleware sees it), with Max-Age only:
    Django's set_cookie also formats an Expires date, which cost more than the rest of counting."""
    response.cookies[COOKIE] = value
    morsel = response.cookies[COOKIE]
    morsel["max-age"] = COOKIE_MAX_AGE
    morsel["path"] = "/"
    morsel["httponly"] = True
    morsel["samesite"] = "Lax"
    if settings.SESSION_COOKIE_SECURE:
        morsel["secure"] = True


def pending() -> int:
    with _lock:
        return _pending_views


def discard() -> None:
    """Forget this process's pending counts (tests)."""
    global _pending_views
    with _lock:
        _pending.clear()
        _pending_views = 0


def flush() -> None:
    """Add this process's pending counts to the database, in one statement per batch."""
    global _last_flush, _pending_views
    with _lock:
        batch = dict(_pending)
        _pending.clear()
        _pending_views = 0
        _last_flush = time.monotonic()
    if batch:
        add_counts([(day, page, country, views) for (day, page, country), views in batch.items()])


def add_counts(rows: list[tuple[date, str, str, int]]) -> None:
    """Add (day, page, country, views) to the totals: an upsert that increments, on SQLite and PostgreSQL."""
    table = connection.ops.quote_name(PageViewCount._meta.db_table)
    # Only the model's own table name goes into the text; every value is a parameter.
    statement = (
        f"INSERT INTO {table} (day, page, country, views) VALUES (%s, %s, %s, %s) "  # noqa: S608
        f"ON CONFLICT (day, page, country) DO UPDATE SET views = {table}.views + excluded.views"
    )
    adapt = connection.ops.adapt_datefield_value
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            statement, [(adapt(day), page, country, views) for day, page, country, views in rows]
        )


atexit.register(lambda: flush() if _pending else None)
