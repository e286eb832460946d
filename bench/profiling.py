"""Where a request's time goes: the benchmarked requests, run in one process under Django's test client.

`python bench/profiling.py KIND...` (with the server's environment, see run.py) prints, as JSON, for each
kind: the wall and CPU time per request without a profiler, the SQL one request runs, and where a
cProfile profile of the requests spends its time, as shares: by area (SQLite, the ORM, templates, ...; a
built-in or standard-library function counts for the area of its caller), by function (own time), and
by Candor function (cumulative time). gunicorn and the network are left out: comparing the CPU time here
with the server's CPU per request under load shows what they add.
"""

import cProfile
import json
import os
import pstats
import random
import sys
import time
from collections import Counter
from collections.abc import Callable

import django
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from load import form_fields, percentile

PAGE_VIEWS = "page views"
HISTORY_FIRST = "history, first page"
HISTORY_DEEP = "history, deep page"
SAVES_LOGGED_OUT = "saves, logged out"
SAVES_LOGGED_IN = "saves, logged in"

# One request: a function that prepares it untimed (loads the edit form, say) and returns the request
# itself, to be timed and profiled.
Scenario = Callable[[], Callable[[], None]]

WARMUP = 20
REQUESTS = 300
TOP_FUNCTIONS = 12
HOST = "127.0.0.1"

# The area of a function, from its file (or, for a built-in, its name): the first match wins.
_AREAS: list[tuple[str, str | None]] = [
    ("sqlite3", "SQLite (the C library)"),
    ("SQLiteCursorWrapper", "SQLite (the C library)"),
    ("/django/db/", "Django ORM"),
    ("/django/template/", "Django templates"),
    ("/django/test/", "test client (not in production)"),
    ("/django/utils/", None),  # escaping, dates, lazy objects: charged to their callers, like built-ins
    ("/django/", "Django request handling: middleware, forms, URLs, responses"),
    ("markdown_it/", "Markdown rendering (markdown-it-py)"),
    ("mdurl/", "Markdown rendering (markdown-it-py)"),
    ("nh3", "HTML sanitising (nh3)"),
    ("argon2", "password hashing (argon2)"),
    ("/candor/", "Candor's own code"),
    ("site-packages/", "other libraries (whitenoise, asgiref, ...)"),
]
_OTHER_AREA = "Python built-ins, standard library and django.utils, called from the above"


def main(kinds: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "candor.settings")
    django.setup()
    import dataset  # only after setup: it imports Candor's models

    wiki = dataset.describe()
    rng = random.Random(1)
    json.dump([profile(kind, _scenario(kind, wiki, rng)) for kind in kinds], sys.stdout)


def _scenario(kind: str, wiki, rng: random.Random) -> Scenario:
    reader = Client(HTTP_HOST=HOST)
    history = wiki.long_history_url + "?action=history"
    if kind == PAGE_VIEWS:
        return lambda: _get(reader, rng.choice(wiki.page_urls))
    if kind == HISTORY_FIRST:
        return lambda: _get(reader, history)
    if kind == HISTORY_DEEP:
        return lambda: _get(reader, f"{history}&before={wiki.deep_history_before}")
    editor = Client(HTTP_HOST=HOST, enforce_csrf_checks=True)
    if kind == SAVES_LOGGED_OUT:
        return _saves(editor, wiki, rng)
    if kind == SAVES_LOGGED_IN:
        return _saves(_signed_up(editor), wiki, rng)
    raise SystemExit(f"no benchmark is called {kind!r}")


def _get(client: Client, path: str) -> Callable[[], None]:
    return lambda: _expect(client.get(path).status_code, 200, path)


def _saves(client: Client, wiki, rng: random.Random) -> Scenario:
    pages = [url for url in wiki.page_urls if url != wiki.long_history_url]

    def prepare() -> Callable[[], None]:
        path = rng.choice(pages) + "?action=edit"
        fields = form_fields(client.get(path).content.decode())
        fields["text"] += f"\n\nProfiled save at {time.time():.6f}.\n"
        fields["summary"] = "Profiled save"
        return lambda: _expect(client.post(path, fields).status_code, 303, path)

    return prepare


def _signed_up(client: Client) -> Client:
    fields = form_fields(client.get("/accounts/signup").content.decode())
    fields |= {"username": "Profiled saver", "password": "a-long-profiling-password"}
    _expect(client.post("/accounts/signup", fields).status_code, 302, "/accounts/signup")
    return client


def _expect(status: int, expected: int, path: str) -> None:
    if status != expected:
        raise SystemExit(f"{path} answered {status}, not {expected}")


def profile(kind: str, prepare: Scenario) -> dict:
    for _ in range(WARMUP):
        prepare()()
    walls, cpus = [], []
    for _ in range(REQUESTS):
        request = prepare()
        wall, cpu = time.perf_counter(), time.process_time()
        request()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    request = prepare()
    with CaptureQueriesContext(connection) as captured:
        request()
    queries = [query["sql"] for query in captured.captured_queries]  # now: the next request clears them
    profiler = cProfile.Profile()
    for _ in range(REQUESTS):
        profiler.runcall(prepare())
    return {
        "kind": kind,
        "requests": REQUESTS,
        "wall_p50_ms": percentile(walls, 50) * 1000,
        "wall_p99_ms": percentile(walls, 99) * 1000,
        "cpu_ms": sum(cpus) / REQUESTS * 1000,
        "queries": queries,
        **_summary(pstats.Stats(profiler)),
    }


def _summary(stats: pstats.Stats) -> dict[str, list]:
    """Shares of the profiled time: by area, and of the functions that take the most, own and in Candor."""
    entries = stats.stats  # type: ignore[attr-defined]
    total = sum(own for _, _, own, _, _ in entries.values())
    by_area: Counter[str] = Counter()
    for key, (_, _, own, _, callers) in entries.items():
        area = _area(key)
        if area is None and callers:  # a built-in or the standard library: charged to its callers
            for caller, (_, _, own_for_caller, _) in callers.items():
                by_area[_area(caller) or _OTHER_AREA] += own_for_caller
        else:
            by_area[area or _OTHER_AREA] += own

    def ranked(measure: int, keys: list) -> list[tuple[str, float, float]]:
        rows = [(_label(key), entries[key][measure] / total, entries[key][1] / REQUESTS) for key in keys]
        return sorted(rows, key=lambda row: row[1], reverse=True)[:TOP_FUNCTIONS]

    return {
        "areas": [(area, seconds / total) for area, seconds in by_area.most_common()],
        "own": ranked(2, list(entries)),
        # Middleware wraps the whole request: its cumulative time says nothing.
        "candor": ranked(3, [key for key in entries if "/candor/" in key[0] and "middleware" not in key[0]]),
    }


def _area(key: tuple[str, int, str]) -> str | None:
    """The area of a function; None for one charged to its callers."""
    file, _, name = key
    where = name if file == "~" else file
    return next((label for pattern, label in _AREAS if pattern in where), None)


def _label(key: tuple[str, int, str]) -> str:
    file, line, name = key
    return name if file == "~" else f"{_short(file)}:{line} {name}"


def _short(file: str) -> str:
    for marker in ("site-packages/", "src/", "lib/python3."):
        if marker in file:
            return file.split(marker, 1)[1]
    return file


if __name__ == "__main__":
    main(sys.argv[1:])
