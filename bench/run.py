"""`make bench`: the speed figures of docs/performance.md, measured on SQLite behind gunicorn.

How fast Candor serves page views, histories and saves; what its privacy layer costs them; and how its
retention purge, key destruction and sealing perform.

What is measured, against the targets of the performance issues (`--only` names each benchmark):

1. `page-views`: GET /wiki/<a random page of 1,000>, anonymous: requests/s (target ≥ 600), p50 and p99;
2. `history`: the history of a page with 5,000 revisions: its first page of 50 rows, and a page 4,000
   rows deep (`?before=<id>`): p50 (target < 30 ms) and p99;
3. `saves`: saves, logged out and logged in (after signing up): one client posting the edit form one save
   after another: saves/s (target ≥ 100) and p99 (target < 50 ms);
4. `privacy-layer`: anonymous page views (DNT on half of them) and logged-out saves with the privacy
   layer and without it (bench/settings_without_privacy_layer.py), the page views of each side in turn,
   the saves of both sides interleaved, median of 7 rounds: with it, at least 95% of the throughput
   without it (bench/privacy_layer.py);
5. `purge`: `candor purge --yes` of 1,000,000 expired private events on SQLite (target < 60 s), the
   p99 of logged-out saves while it runs (target < 200 ms; smaller batches are tried if it is missed),
   and the same purge on PostgreSQL (no target) (bench/purge.py);
6. `sealing`: `sealing.seal` alone (target: p50 < 1 ms), the save latency it adds (from the
   privacy-layer run), and the time to destroy a day's key for a day of 10 rows and one of 1,000,000
   (the same: one file removal) (bench/sealing_costs.py);
7. `api`: the Action API (issue 13): page text through `prop=revisions` beside the HTML view (at least 90%
   of its rate), logged-in `action=edit` saves (≥ 100/s, p99 < 50 ms), `list=recentchanges` of 500 rows
   (p50 < 30 ms) (bench/api.py).

How: bench/dataset.py builds the wiki once into var/bench/candor.sqlite3 through the real save action;
each run serves a fresh copy of it with gunicorn (deploy/gunicorn.conf.py, 2 sync workers, 127.0.0.1 on a
free port; bench/server.py). The load comes from a second process on 127.0.0.1: wrk for the reads, a
Python client for the saves (bench/load.py). Before each measurement the run waits for other programs to
go quiet and warms the server up; during it, it counts who used the CPU (bench/machine.py). For every
missed target of 1-3 it profiles the request in-process (bench/profiling.py). The tables are printed, and
the generated part of docs/performance.md is rewritten (bench/report.py), with the latest figures of the
benchmarks this run left out (kept in var/bench/results.json).
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import textwrap
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import django
from django.core.management import call_command
from django.db import connection

import api
import frontcache as frontcache_bench
import i18n as i18n_bench
import load
import machine
import media as media_bench
import mwimport as mwimport_bench
import privacy_layer
import purge
import report
import sealing_costs
import server
import stats as stats_bench
from profiling import HISTORY_DEEP, HISTORY_FIRST, PAGE_VIEWS, SAVES_LOGGED_IN, SAVES_LOGGED_OUT

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "var" / "bench"
DATASET = DATA_DIR / "candor.sqlite3"
WORKING_COPY = DATA_DIR / "run.sqlite3"
DOC = ROOT / "docs" / "performance.md"
RESULTS = DATA_DIR / "results.json"
SEALING_DIR = DATA_DIR / "sealing"

BENCHMARKS = ["page-views", "history", "saves", "privacy-layer", "purge", "sealing", "stats", "api"]
BENCHMARKS.append("mwimport")  # the MediaWiki import and wikitext views (bench/mwimport.py, issue 14)
BENCHMARKS.append("media")  # uploads and thumbnails (bench/media.py, issue 15)
BENCHMARKS.append("i18n")  # page views with translation active (bench/i18n.py, issue 17)
BENCHMARKS.append("frontcache")  # page views through Varnish (bench/frontcache.py, issue 19)

PAGE_VIEW_SECONDS = 15
HISTORY_SECONDS = 10
WARMUP_SECONDS = 3
PAGE_VIEW_CONNECTIONS = 4  # two per worker: neither worker waits for the next request to arrive
HISTORY_CONNECTIONS = 2  # one per worker: both busy, no request queued, so latency is service time
SAVES_MOST = 2_000
SAVES_SECONDS = 15
SAVES_WARMUP = 20
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
    f"**Before each measurement** the run waits (up to {machine.QUIET_WAIT_SECONDS} s) until other programs "
    f"use under {machine.QUIET_SHARE:.0%} of the CPU, then warms up with {WARMUP_SECONDS} s of the same "
    f"load, or {SAVES_WARMUP} saves (and before the first, fetches every page once, checking that it answers "
    "200).",
    "**During each measurement** it counts CPU time from /proc. *Server CPU per request* is the gunicorn "
    "processes' CPU time divided by the requests (for saves it includes loading the form). *Others* is the "
    "share of both cores used neither by the server nor by the load generator: other programs (a test "
    "suite running meanwhile makes every figure worse), and kernel work charged to no process.",
    "**Profiles**: for each missed target (every one with `--profile-all`), the same request in one process "
    "under Django's test client (`bench/profiling.py`), timed without a profiler, then under cProfile.",
    privacy_layer.METHOD,
    purge.METHOD,
    sealing_costs.METHOD,
    api.METHOD,
]
METHOD = "\n".join(textwrap.fill(item, 110, initial_indent="- ", subsequent_indent="  ") for item in _METHOD)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile-all", action="store_true", help="profile every benchmark, not just misses")
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="measure nothing: rewrite docs/performance.md from the figures kept by earlier runs",
    )
    parser.add_argument(
        "--only",
        type=_benchmark_names,
        default=BENCHMARKS,
        help=f"run these benchmarks only, comma-separated: {','.join(BENCHMARKS)} (default: all)",
    )
    arguments = parser.parse_args()
    if arguments.report_only:
        _write_report(report.load_records(RESULTS))
        return
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
    load.ensure_wrk()
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    revision = _revision()
    records = report.load_records(RESULTS)
    chosen = arguments.only

    fresh: list[report.Record] = []

    def keep(*measured: report.Record) -> None:
        """Keep each benchmark's record as soon as it is measured: a later failure does not lose it."""
        for record in measured:
            records[record.benchmark] = replace(record, when=when, revision=revision)
            fresh.append(records[record.benchmark])
        report.save_records(RESULTS, records)

    if {"page-views", "history", "saves"} & set(chosen):
        keep(*_original(wiki, chosen, arguments.profile_all))
    if "privacy-layer" in chosen:
        keep(privacy_layer.measure(DATASET, DATA_DIR, wiki.page_urls, wiki.long_history_url))
    if "purge" in chosen:
        keep(purge.measure(DATASET, DATA_DIR, wiki.page_urls, wiki.long_history_url))
    if "sealing" in chosen:
        keep(sealing_costs.measure(SEALING_DIR, records.get("privacy-layer")))
    if "stats" in chosen:  # writes its own section of docs/performance.md (bench/stats.py)
        stats_bench.run(wiki.page_urls)
    if "mwimport" in chosen:  # writes its own section of docs/performance.md (bench/mwimport.py)
        mwimport_bench.run()
    if "media" in chosen:  # writes its own section of docs/performance.md (bench/media.py)
        media_bench.run()
    if "i18n" in chosen:  # writes its own section of docs/performance.md (bench/i18n.py)
        i18n_bench.run(wiki.page_urls)
    if "frontcache" in chosen:  # writes its own section of docs/performance.md (bench/frontcache.py)
        frontcache_bench.run(wiki.page_urls)
    if "api" in chosen:
        keep(api.measure(DATASET, DATA_DIR, wiki.page_urls, wiki.long_history_url))

    print(report.table(fresh), flush=True)
    _write_report(records)


def _write_report(records: dict[str, report.Record]) -> None:
    """Rewrite the generated part of the document with the latest record of each benchmark; the heading
    names the most recent run among them."""
    if not records:
        raise SystemExit(f"No figures kept in {RESULTS.relative_to(ROOT)}: run some benchmarks first.")
    latest = max(records.values(), key=lambda record: record.when)
    generated = report.markdown(
        when=latest.when,
        revision=latest.revision,
        machine=machine.describe() | {"load generator": _wrk_version()},
        method=METHOD,
        records=[records[name] for name in BENCHMARKS if name in records],
    )
    report.update(DOC, generated, skeleton="# Performance\n\n{generated}\n")
    print(f"Wrote {DOC.relative_to(ROOT)}.")


def _benchmark_names(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"choose among {','.join(BENCHMARKS)}, not {text!r}")
    return names


def _original(wiki, chosen: list[str], profile_all: bool) -> list[report.Record]:
    """Page views, histories and saves, on one server: a record for each of those chosen."""
    server.copy_database(DATASET, WORKING_COPY)
    env = server.environment(DATA_DIR, WORKING_COPY)
    groups: dict[str, list[report.Result]] = {}
    with server.gunicorn(env, DATA_DIR / "server.log") as running:
        if {"page-views", "history"} & set(chosen):
            _fetch_every_page(running.url, wiki.page_urls)
        if "page-views" in chosen:
            groups["page-views"] = [_page_views(running, wiki)]
        if "history" in chosen:
            groups["history"] = _histories(running, wiki)
        if "saves" in chosen:
            groups["saves"] = _saves(running, wiki)
    results = [result for group in groups.values() for result in group]
    names = [result.name for result in results if profile_all or not result.passed]
    profiles = _profiles(env, names) if names else []
    return [
        report.record_of(
            benchmark, group, [profile for profile in profiles if profile["kind"] in {r.name for r in group}]
        )
        for benchmark, group in groups.items()
    ]


def _refuse_unmigrated_models() -> None:
    try:
        call_command("makemigrations", check=True, dry_run=True, verbosity=0)
    except SystemExit:
        raise SystemExit("The models have changes that no migration makes yet: nothing to measure.") from None


def _page_views(running: server.Server, wiki) -> report.Result:
    return _read(
        running, PAGE_VIEWS, "GET /wiki/<random page>", wiki.page_urls,
        connections=PAGE_VIEW_CONNECTIONS, seconds=PAGE_VIEW_SECONDS, targets=[THROUGHPUT],
        mediawiki=MEDIAWIKI["page views"],
    )  # fmt: skip


def _histories(running: server.Server, wiki) -> list[report.Result]:
    history = wiki.long_history_url + "?action=history"
    deep = f"{history}&before={wiki.deep_history_before}"
    return [
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
    figures, cpu = machine.least_disturbed(
        [running.pid],
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
        measured, cpu = machine.least_disturbed(
            [running.pid],
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


def _profiles(env: dict[str, str], names: list[str]) -> list[dict]:
    print(f"Profiling in-process: {', '.join(names)}...", flush=True)
    machine.wait_until_quiet(machine.QUIET_WAIT_SECONDS)
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
