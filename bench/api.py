"""`--only api`: the Action API's speed against issue 13's targets, on the benchmark wiki behind gunicorn.

1. `api.php?action=query&prop=revisions&rvprop=content&titles=<random page>` against the HTML view of the
   same random pages, on the same server, side by side: wrk on each for 5 s, in turns A B B A, three
   rounds; the API's rate must be at least 90% of the HTML's (the sum of each side's requests over its time);
2. `action=edit` logged in (through `action=clientlogin`), one client, one save after another, each
   appending a line to a random page with the session's csrf token: ≥ 100 saves/s, p99 < 50 ms;
3. `list=recentchanges&rclimit=500`: wrk, 2 connections (one per worker, so latency is service time),
   10 s: p50 < 30 ms.
"""

import json
import random
import time
import urllib.parse
from dataclasses import replace
from functools import partial
from pathlib import Path

import load
import machine
import report
import server

SIDE_SECONDS = 5
ROUNDS = 3
READ_CONNECTIONS = 4
LIST_CONNECTIONS = 2
LIST_SECONDS = 10
SAVES_SECONDS = 15
SAVES_MOST = 2_000
SAVES_WARMUP = 20
ACCOUNT = ("Bench API bot", "a-long-benchmark-password")

API_READ = "API read (prop=revisions, content)"
HTML_READ = "HTML page view, side by side"
API_SAVE = "API edit, logged in"
API_RC = "API recentchanges, 500 rows"

METHOD = (
    "**Action API** (`--only api`, bench/api.py): `prop=revisions&rvprop=content&rvslots=main&titles=<random "
    f"page>` and the HTML view of the same pages on one server, wrk with {READ_CONNECTIONS} connections, "
    f"{SIDE_SECONDS} s a side in turns A B B A, {ROUNDS} rounds, rates summed per side; `action=edit` logged "
    "in through `action=clientlogin`, one client appending a line to a random page, one save after another; "
    f"`list=recentchanges&rclimit=500`, wrk with {LIST_CONNECTIONS} connections for {LIST_SECONDS} s."
)


def _api_path(params: dict[str, str]) -> str:
    return "/w/api.php?" + urllib.parse.urlencode({"format": "json", **params})


def _title_of(url: str) -> str:
    return urllib.parse.unquote(url.removeprefix("/wiki/")).replace("_", " ")


def measure(dataset: Path, data_dir: Path, page_urls: list[str], long_history_url: str) -> report.Record:
    database = data_dir / "api.sqlite3"
    server.copy_database(dataset, database)
    env = server.environment(data_dir, database)
    pages = [url for url in page_urls if url != long_history_url]
    api_paths = [
        _api_path(
            {
                "action": "query",
                "prop": "revisions",
                "rvprop": "content",
                "rvslots": "main",
                "titles": _title_of(url),
            }
        )
        for url in pages
    ]
    with server.gunicorn(env, data_dir / "api.log") as running:
        _check_answers(running.url, api_paths[:50])
        reads = _side_by_side(running, pages, api_paths)
        recent = _recent_changes(running)
        saves = _saves(running, pages)
    database.unlink(missing_ok=True)
    return report.record_of("api", [*reads, recent, saves], [])


def _check_answers(base_url: str, paths: list[str]) -> None:
    browser = load.Browser(base_url)
    for path in paths:
        answer = browser.get(path)
        pages = json.loads(answer.body)["query"]["pages"]
        if answer.status != 200 or any("missing" in page for page in pages.values()):
            raise SystemExit(f"GET {path} did not answer the page: {answer.body[:200]}")


def _side_by_side(running: server.Server, html_paths: list[str], api_paths: list[str]) -> list[report.Result]:
    print(f"{API_READ} vs {HTML_READ}: {ROUNDS} rounds of {SIDE_SECONDS} s a side...", flush=True)
    totals = {"html": [0, 0.0, [], []], "api": [0, 0.0, [], []]}
    cpu_seconds = {"html": 0.0, "api": 0.0}
    last_cpu = {}
    wrk = partial(load.run_wrk, running.url, seconds=SIDE_SECONDS, connections=READ_CONNECTIONS)
    load.run_wrk(running.url, html_paths, seconds=2, connections=READ_CONNECTIONS)
    load.run_wrk(running.url, api_paths, seconds=2, connections=READ_CONNECTIONS)
    machine.wait_until_quiet(machine.QUIET_WAIT_SECONDS)
    for _ in range(ROUNDS):
        for side in ("html", "api", "api", "html"):
            paths = html_paths if side == "html" else api_paths
            figures, cpu = machine.cpu_during([running.pid], partial(wrk, paths))
            total = totals[side]
            total[0] += figures.count
            total[1] += figures.count / figures.per_second
            total[2].append(figures.p50_ms)
            total[3].append(figures.p99_ms)
            cpu_seconds[side] += cpu.server_seconds
            last_cpu[side] = cpu
    results = []
    html_rate = totals["html"][0] / totals["html"][1]
    for side, name, request, targets in (
        ("html", HTML_READ, "GET /wiki/<random page>", []),
        (
            "api",
            API_READ,
            "GET /w/api.php?action=query&prop=revisions&rvprop=content&titles=<random page>",
            [report.Target("per_second", round(0.9 * html_rate, 1), at_least=True)],
        ),
    ):
        count, seconds, p50s, p99s = totals[side]
        figures = load.Figures(count, count / seconds, sorted(p50s)[len(p50s) // 2], max(p99s))
        cpu = last_cpu[side]
        share = figures.per_second / html_rate
        results.append(
            report.Result(
                name=name,
                request=request,
                load=f"wrk, {READ_CONNECTIONS} connections, {ROUNDS * 2}×{SIDE_SECONDS} s, in turns",
                figures=figures,
                cpu=replace(cpu, each_server_seconds=(cpu_seconds[side],)),
                targets=targets,
                mediawiki_per_second=90,
                note=f"{share:.1%} of the HTML page view rate measured beside it." if side == "api" else "",
            )
        )
    return results


def _recent_changes(running: server.Server) -> report.Result:
    path = _api_path(
        {
            "action": "query",
            "list": "recentchanges",
            "rclimit": "500",
            "rcprop": "title|ids|user|timestamp|comment|sizes|flags",
        }
    )
    print(f"{API_RC}: {LIST_CONNECTIONS} connections for {LIST_SECONDS} s...", flush=True)
    figures, cpu = machine.least_disturbed(
        [running.pid],
        warm_up=partial(load.run_wrk, running.url, [path], seconds=2, connections=LIST_CONNECTIONS),
        measure=partial(
            load.run_wrk, running.url, [path], seconds=LIST_SECONDS, connections=LIST_CONNECTIONS
        ),
    )
    return report.Result(
        name=API_RC,
        request="GET /w/api.php?action=query&list=recentchanges&rclimit=500",
        load=f"wrk, {LIST_CONNECTIONS} connections, {LIST_SECONDS} s",
        figures=figures,
        cpu=cpu,
        targets=[report.Target("p50_ms", 30, at_least=False)],
        mediawiki_per_second=35,
    )


def _log_in(browser: load.Browser) -> str:
    """Sign up through the form, log in through the API, and return the session's csrf token."""
    load.sign_up(browser, *ACCOUNT)
    browser.cookies.clear()
    answer = json.loads(browser.get(_api_path({"action": "query", "meta": "tokens", "type": "login"})).body)
    token = answer["query"]["tokens"]["logintoken"]
    fields = {
        "action": "clientlogin",
        "format": "json",
        "username": ACCOUNT[0],
        "password": ACCOUNT[1],
        "logintoken": token,
        "loginreturnurl": "http://127.0.0.1/",
    }
    answer = json.loads(browser.post("/w/api.php", fields).body)
    if answer.get("clientlogin", {}).get("status") != "PASS":
        raise SystemExit(f"clientlogin failed: {answer}")
    answer = json.loads(browser.get(_api_path({"action": "query", "meta": "tokens"})).body)
    return answer["query"]["tokens"]["csrftoken"]


def _run_saves(browser: load.Browser, token: str, titles: list[str], *, most: int, seconds: float, seed: int):
    chooser = random.Random(seed)  # noqa: S311 - which page to edit, not a secret
    times: list[float] = []
    deadline = time.monotonic() + seconds
    while len(times) < most and time.monotonic() < deadline:
        fields = {
            "action": "edit",
            "format": "json",
            "title": chooser.choice(titles),
            "summary": "bench",
            "appendtext": f"\nA line from the API benchmark, {len(times)}.",
            "token": token,
        }
        answer = browser.post("/w/api.php", fields)
        if answer.status != 200 or '"result":"Success"' not in answer.body:
            raise SystemExit(f"an API save failed: {answer.status} {answer.body[:300]}")
        times.append(answer.seconds)
    mean = sum(times) / len(times)
    return load.Figures(
        len(times), 1 / mean, load.percentile(times, 50) * 1000, load.percentile(times, 99) * 1000
    )


def _saves(running: server.Server, pages: list[str]) -> report.Result:
    browser = load.Browser(running.url)
    token = _log_in(browser)
    titles = [_title_of(url) for url in pages]
    print(f"{API_SAVE}: one client, {SAVES_SECONDS} s or {SAVES_MOST:,} saves...", flush=True)
    saves = partial(_run_saves, browser, token, titles, seconds=SAVES_SECONDS)
    figures, cpu = machine.least_disturbed(
        [running.pid],
        warm_up=partial(saves, most=SAVES_WARMUP, seed=0),
        measure=partial(saves, most=SAVES_MOST, seed=3),
    )
    return report.Result(
        name=API_SAVE,
        request="POST /w/api.php action=edit (appendtext, csrf token)",
        load="one client, sequential",
        figures=figures,
        cpu=cpu,
        targets=[
            report.Target("per_second", 100, at_least=True),
            report.Target("p99_ms", 50, at_least=False),
        ],
        mediawiki_per_second=30,
        counted="saves",
    )
