"""`make bench`: how fast Candor serves page views, histories and saves, on SQLite, behind gunicorn.

What is measured, against the targets of the performance issue:

1. page views: GET /wiki/<a random page of 1,000>, anonymous: requests/s (target ≥ 600), p50 and p99;
2. the history of a page with 5,000 revisions: its first page of 50 rows, and a page 4,000 rows deep
   (`?before=<id>`): p50 (target < 30 ms) and p99;
3. saves, logged out and logged in (after signing up): one client posting the edit form one save after
   another: saves/s (target ≥ 100) and p99 (target < 50 ms).

How: bench/dataset.py builds the wiki once into var/bench/candor.sqlite3 through the real save action;
each run serves a fresh copy of it with gunicorn (deploy/gunicorn.conf.py, 2 sync workers, 127.0.0.1 on a
free port; bench/server.py). The load comes from a second process on 127.0.0.1: wrk for the reads, a
Python client for the saves (bench/load.py). Before each measurement the run waits for other programs to
go quiet and warms the server up; during it, it counts who used the CPU (bench/machine.py). For every
missed target it profiles the request in-process (bench/profiling.py). The table is printed, and the
generated part of docs/performance.md is rewritten (bench/report.py).
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TypeVar

import django
from django.core.management import call_command
from django.db import connection

import load
import machine
import report
import server
from profiling import HISTORY_DEEP, HISTORY_FIRST, PAGE_VIEWS, SAVES_LOGGED_IN, SAVES_LOGGED_OUT

T = TypeVar("T")

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "var" / "bench"
DATASET = DATA_DIR / "candor.sqlite3"
WORKING_COPY = DATA_DIR / "run.sqlite3"
DOC = ROOT / "docs" / "performance.md"

PAGE_VIEW_SECONDS = 15
HISTORY_SECONDS = 10
WARMUP_SECONDS = 3
PAGE_VIEW_CONNECTIONS = 4  # two per worker: neither worker waits for the next request to arrive
HISTORY_CONNECTIONS = 2  # one per worker: both busy, no request queued, so latency is service time
SAVES_MOST = 2_000
SAVES_SECONDS = 15
SAVES_WARMUP = 20
QUIET_WAIT_SECONDS = 30
ATTEMPTS = 3
SAVER = ("Bench saver", "a-long-benchmark-password")

MEDIAWIKI = {"page views": 90, "history": 35, "saves": 30}  # MediaWiki 1.39 on this class of machine

THROUGHPUT = report.Target("per_second", 600, at_least=True)
HISTORY_P50 = report.Target("p50_ms", 30, at_least=False)
SAVE_RATE = report.Target("per_second", 100, at_least=True)
SAVE_P99 = report.Target("p99_ms", 50, at_least=False)

_METHOD = [
    f"**Server**: gunicorn with `deploy/gunicorn.conf.py`, {server.WORKERS} sync workers, bound to 127.0.0.1 "
    "on a free port, its access log going to a file. It serves a fresh copy of the benchmark wiki (SQLite, "
    'WAL): 1,000 pages and 20,000 revisions made through `do_save_revision`, one page ("Long history") '
    "with 5,000 of them, a quarter of the edits logged out (`bench/dataset.py`).",
    "**Load**, from a second process on 127.0.0.1, which shares the two cores with the server. Reads: `wrk`, "
    f"1 thread; {PAGE_VIEW_CONNECTIONS} connections for page views (two per worker, so that neither waits "
    f"for the next request to arrive), {PAGE_VIEW_SECONDS} s; {HISTORY_CONNECTIONS} for each history (one "
    f"per worker, so that the latency is service time, not queueing), {HISTORY_SECONDS} s; p50 and p99 are "
    "wrk's, from its histogram of every request. Saves: one Python client (`http.client`), one request at "
    "a time, like a person's browser: it loads the edit form of a random page (CSRF token, base revision, "
    f"text), appends a line and posts it, for {SAVES_SECONDS} s or {SAVES_MOST:,} saves; only the POST is "
    "timed, saves/s is 1 / its mean time, percentiles are nearest-rank. Logged in, it first signs up "
    "through `/accounts/signup` and keeps the session cookie.",
    f"**Before each measurement** the run waits (up to {QUIET_WAIT_SECONDS} s) until other programs use "
    f"under {machine.QUIET_SHARE:.0%} of the CPU, then warms up with {WARMUP_SECONDS} s of the same load, or "
    f"{SAVES_WARMUP} saves (and before the first, fetches every page once, checking that it answers 200).",
    "**During each measurement** it counts CPU time from /proc. *Server CPU per request* is the gunicorn "
    "processes' CPU time divided by the requests (for saves it includes loading the form). *Others* is the "
    "share of both cores used neither by the server nor by the load generator: other programs (a test "
    "suite running meanwhile makes every figure worse), and kernel work charged to no process.",
    "**Profiles**: for each missed target (every one with `--profile-all`), the same request in one process "
    "under Django's test client (`bench/profiling.py`), timed without a profiler, then under cProfile.",
]
METHOD = "\n".join(textwrap.fill(item, 110, initial_indent="- ", subsequent_indent="  ") for item in _METHOD)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile-all", action="store_true", help="profile every benchmark, not just misses")
    arguments = parser.parse_args()
    # A plain `kill` must stop gunicorn too: SystemExit unwinds through server.gunicorn(), which stops it.
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))

    os.environ.update(
        DJANGO_SETTINGS_MODULE="candor.settings",
        CANDOR_DATA_DIR=str(DATA_DIR),
        DATABASE_URL=f"sqlite:///{DATASET}",
    )
    django.setup()
    import dataset  # only after setup: it imports Candor's models

    _refuse_unmigrated_models()
    wiki = dataset.ensure(DATASET)
    connection.close()
    server.copy_database(DATASET, WORKING_COPY)
    env = server.environment(DATA_DIR, WORKING_COPY)
    load.ensure_wrk()

    with server.gunicorn(env, DATA_DIR / "server.log") as running:
        results = _reads(running, wiki) + _saves(running, wiki)

    print(report.table(results), flush=True)
    names = [result.name for result in results if arguments.profile_all or not result.passed]
    profiles = _profiles(env, names) if names else []
    generated = report.markdown(
        when=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        revision=_revision(),
        machine=machine.describe() | {"load generator": _wrk_version()},
        method=METHOD,
        results=results,
        profiles=profiles,
    )
    report.update(DOC, generated, skeleton="# Performance\n\n{generated}\n")
    print(f"Wrote {DOC.relative_to(ROOT)}.")


def _refuse_unmigrated_models() -> None:
    try:
        call_command("makemigrations", check=True, dry_run=True, verbosity=0)
    except SystemExit:
        raise SystemExit("The models have changes that no migration makes yet: nothing to measure.") from None


def _reads(running: server.Server, wiki) -> list[report.Result]:
    _fetch_every_page(running.url, wiki.page_urls)
    history = wiki.long_history_url + "?action=history"
    deep = f"{history}&before={wiki.deep_history_before}"
    return [
        _read(
            running, PAGE_VIEWS, "GET /wiki/<random page>", wiki.page_urls,
            connections=PAGE_VIEW_CONNECTIONS, seconds=PAGE_VIEW_SECONDS, targets=[THROUGHPUT],
            mediawiki=MEDIAWIKI["page views"],
        ),
        _read(
            running, HISTORY_FIRST, f"GET {history}", [history],
            connections=HISTORY_CONNECTIONS, seconds=HISTORY_SECONDS, targets=[HISTORY_P50],
            mediawiki=MEDIAWIKI["history"],
        ),
        _read(
            running, HISTORY_DEEP, f"GET {deep}", [deep],
            connections=HISTORY_CONNECTIONS, seconds=HISTORY_SECONDS, targets=[HISTORY_P50],
            mediawiki=MEDIAWIKI["history"],
        ),
    ]  # fmt: skip


def _fetch_every_page(base_url: str, paths: list[str]) -> None:
    """Warm the server and check that every page answers 200 (wrk would not notice a redirect)."""
    browser = load.Browser(base_url)
    for path in paths:
        status = browser.get(path).status
        if status != 200:
            raise SystemExit(f"GET {path} answered {status}, not 200")


def _read(
    running: server.Server,
    name: str,
    request: str,
    paths: list[str],
    *,
    connections: int,
    seconds: int,
    targets: list[report.Target],
    mediawiki: float,
) -> report.Result:
    print(f"{name}: {connections} connections for {seconds} s...", flush=True)
    figures, cpu = _least_disturbed(
        running.pid,
        warm_up=partial(load.run_wrk, running.url, paths, seconds=WARMUP_SECONDS, connections=connections),
        measure=partial(load.run_wrk, running.url, paths, seconds=seconds, connections=connections),
    )
    return report.Result(
        name=name,
        request=request,
        load=f"wrk, {connections} connections, {seconds} s",
        figures=figures,
        cpu=cpu,
        targets=targets,
        mediawiki_per_second=mediawiki,
    )


def _saves(running: server.Server, wiki) -> list[report.Result]:
    pages = [url for url in wiki.page_urls if url != wiki.long_history_url]
    logged_out = load.Browser(running.url)
    logged_in = load.Browser(running.url)
    load.sign_up(logged_in, *SAVER)
    results = []
    for name, browser, seed in [(SAVES_LOGGED_OUT, logged_out, 1), (SAVES_LOGGED_IN, logged_in, 2)]:
        print(f"{name}: one client, {SAVES_SECONDS} s or {SAVES_MOST:,} saves...", flush=True)
        saves = partial(load.run_saves, browser, pages, seconds=SAVES_SECONDS)
        measured, cpu = _least_disturbed(
            running.pid,
            warm_up=partial(saves, most=SAVES_WARMUP, seed=0),
            measure=partial(saves, most=SAVES_MOST, seed=seed),
        )
        results.append(
            report.Result(
                name=name,
                request="GET and POST /wiki/<random page>?action=edit",
                load="one client, sequential",
                figures=measured.saves,
                cpu=cpu,
                targets=[SAVE_RATE, SAVE_P99],
                mediawiki_per_second=MEDIAWIKI["saves"],
                counted="saves",
                note=f"Loading the edit form before each save: p50 {measured.form_p50_ms:.1f} ms; form and "
                f"save together, one after the other: {measured.cycles_per_second:.0f}/s.",
            )
        )
    return results


def _least_disturbed(
    server_pid: int, *, warm_up: Callable[[], object], measure: Callable[[], T]
) -> tuple[T, machine.CpuUse]:
    """Warm up and measure, again while other programs disturbed it (ATTEMPTS at most): the least
    disturbed measurement."""
    best: tuple[T, machine.CpuUse] | None = None
    for _ in range(ATTEMPTS):
        machine.wait_until_quiet(QUIET_WAIT_SECONDS)
        warm_up()
        figures, cpu = machine.cpu_during(server_pid, measure)
        if best is None or cpu.others < best[1].others:
            best = figures, cpu
        if cpu.others <= machine.DISTURBED_SHARE:
            break
        print(f"  other programs used {cpu.others:.0%} of the CPU meanwhile: measuring again", flush=True)
    assert best is not None
    return best


def _profiles(env: dict[str, str], names: list[str]) -> list[dict]:
    print(f"Profiling in-process: {', '.join(names)}...", flush=True)
    machine.wait_until_quiet(QUIET_WAIT_SECONDS)
    command = [sys.executable, str(ROOT / "bench" / "profiling.py"), *names]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise SystemExit(f"profiling failed:\n{done.stderr}")
    return json.loads(done.stdout)


def _revision() -> str:
    def git(*arguments: str) -> str:
        return subprocess.run(["git", *arguments], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown commit"
    changed = git("status", "--porcelain", "--", "src")
    return f"commit {commit}" + (" with uncommitted changes in src/" if changed else "")


def _wrk_version() -> str:
    done = subprocess.run([load.ensure_wrk(), "--version"], capture_output=True, text=True)
    return (done.stdout or done.stderr).split("Copyright")[0].strip()


if __name__ == "__main__":
    main()
