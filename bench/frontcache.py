"""Anonymous page views through Varnish, beside gunicorn alone (issue 19 §2; target ≥ 10,000/s through it).

`python bench/frontcache.py` (or `make bench`, `--only frontcache`) measures, and rewrites its own section
of docs/performance.md (between the markers below, outside run.py's generated part):

One gunicorn server (deploy/gunicorn.conf.py, 2 sync workers) on a fresh copy of the benchmark wiki, and
varnishd (Debian's varnish 7.1, installed with apt-get if missing) in front of it with deploy/varnish.vcl,
its backend port substituted, on another free port of 127.0.0.1. wrk reads random pages of the 1,000 as an
anonymous reader without cookies (bench/load.py): first from gunicorn alone with the page-view benchmark's
4 connections, then through Varnish, after one request per page has filled the cache, with more
connections (Varnish answers from memory on many threads; 4 would measure wrk's round trips). The cache's
own counters (varnishstat) give the hit ratio of the measured run. Each side is measured while the machine
is quiet (bench/machine.py), the least disturbed of up to three attempts.
"""

import json
import os
import shutil
import subprocess
import sys
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.varnishd starts Varnish as the front-cache tests do
DATA_DIR = ROOT / "var" / "bench"
DATASET = DATA_DIR / "candor.sqlite3"
DOC = ROOT / "docs" / "performance.md"
BEGIN = "<!-- frontcache:begin: written by bench/frontcache.py; edits between these markers are lost -->"
END = "<!-- frontcache:end -->"

SECONDS = 10
WARMUP_SECONDS = 3
GUNICORN_CONNECTIONS = 4  # as the page-view benchmark: two per sync worker
VARNISH_CONNECTIONS = 32
TARGET = 10_000


def _varnish_programs() -> tuple[str, str]:
    path = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"
    if shutil.which("varnishd", path=path) is None:
        print("varnishd is missing: installing the Debian package with apt-get (needs root)...", flush=True)
        subprocess.run(["apt-get", "update", "-q"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "varnish"], check=True)
    varnishd, varnishstat = shutil.which("varnishd", path=path), shutil.which("varnishstat", path=path)
    if varnishd is None or varnishstat is None:
        raise SystemExit("apt-get installed varnish, but varnishd or varnishstat is not on PATH")
    return varnishd, varnishstat


def _fill(url: str, page_urls: list[str]) -> None:
    """One request per page, so the measured run reads a warm cache; the second must be a hit."""
    for path in page_urls:
        with urllib.request.urlopen(url + path, timeout=10) as response:  # noqa: S310 (127.0.0.1)
            response.read()
    with urllib.request.urlopen(url + page_urls[0], timeout=10) as response:  # noqa: S310
        if response.headers["X-Cache"] != "HIT":
            raise SystemExit("Varnish did not keep an anonymous page view: check the Cache-Control headers")


def _counters(varnishstat: str, state: Path) -> dict[str, int]:
    output = subprocess.run(
        [varnishstat, "-n", str(state), "-1", "-j", "-f", "MAIN.cache_hit", "-f", "MAIN.cache_miss"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    counters = json.loads(output)
    counters = counters.get("counters", counters)  # varnishstat 7 nests them
    return {name: int(counters[f"MAIN.{name}"]["value"]) for name in ("cache_hit", "cache_miss")}


def measure(page_urls: list[str]) -> dict:
    from tests.varnishd import running

    import load
    import machine
    import server

    varnishd, varnishstat = _varnish_programs()
    database = DATA_DIR / "frontcache.sqlite3"
    server.copy_database(DATASET, database)
    env = server.environment(DATA_DIR, database)
    with server.gunicorn(env, DATA_DIR / "frontcache.log") as backend:
        port = int(backend.url.rsplit(":", 1)[1])
        with running(port, DATA_DIR / "varnish", storage="malloc,256m", program=varnishd) as cache:
            cache_url = f"http://{server.HOST}:{cache.port}"
            print("front cache: gunicorn alone...", flush=True)
            alone, alone_cpu = machine.least_disturbed(
                [backend.pid],
                warm_up=lambda: load.run_wrk(
                    backend.url, page_urls, seconds=WARMUP_SECONDS, connections=GUNICORN_CONNECTIONS
                ),
                measure=lambda: load.run_wrk(
                    backend.url, page_urls, seconds=SECONDS, connections=GUNICORN_CONNECTIONS
                ),
            )
            print("front cache: through Varnish...", flush=True)
            counted = {}

            def warm_up() -> None:
                _fill(cache_url, page_urls)
                load.run_wrk(cache_url, page_urls, seconds=WARMUP_SECONDS, connections=VARNISH_CONNECTIONS)

            def through_varnish() -> object:
                before = _counters(varnishstat, cache.state)
                figures = load.run_wrk(cache_url, page_urls, seconds=SECONDS, connections=VARNISH_CONNECTIONS)
                after = _counters(varnishstat, cache.state)
                counted.update({name: after[name] - before[name] for name in after})
                return figures

            through, through_cpu = machine.least_disturbed(
                [backend.pid, cache.pid], warm_up=warm_up, measure=through_varnish
            )
    for suffix in ("", "-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    looked_up = counted["cache_hit"] + counted["cache_miss"]
    return {
        "alone": alone,
        "through": through,
        "hit_ratio": counted["cache_hit"] / looked_up if looked_up else 0.0,
        "others": (alone_cpu.others, through_cpu.others),
        "server_share": (alone_cpu.server, through_cpu.server),
        "wrk_share": through_cpu.load_generator,
        "version": subprocess.run([varnishd, "-V"], capture_output=True, text=True).stderr.splitlines()[0],
    }


def report(figures: dict, when: str) -> str:
    alone, through = figures["alone"], figures["through"]
    met = "yes" if through.per_second >= TARGET else "**no**"
    lines = [
        BEGIN,
        "",
        "## A front cache (issue 19 §2): anonymous page views through Varnish",
        "",
        f"Measured {when} by `bench/frontcache.py` ({figures['version']}, deploy/varnish.vcl).",
        "",
        "| anonymous page views | requests/s | p50 | p99 | target | met |",
        "|---|--:|--:|--:|---|---|",
        f"| gunicorn alone, {GUNICORN_CONNECTIONS} connections | {alone.per_second:,.0f} | "
        f"{alone.p50_ms:.2f} ms | {alone.p99_ms:.2f} ms | | |",
        f"| through Varnish, {VARNISH_CONNECTIONS} connections | {through.per_second:,.0f} | "
        f"{through.p50_ms:.2f} ms | {through.p99_ms:.2f} ms | ≥ {TARGET:,}/s | {met} |",
        "",
        f"- Through Varnish: {through.per_second / alone.per_second:.1f}× gunicorn alone; "
        f"{figures['hit_ratio']:.2%} of the measured lookups were hits (varnishstat), the cache filled "
        f"beforehand by one request for each of the {SECONDS}-second run's 1,000 pages.",
        f"- The two cores are shared by the server and wrk: through Varnish, varnishd and gunicorn used "
        f"{figures['server_share'][1]:.0%} of the machine and wrk {figures['wrk_share']:.0%} (gunicorn "
        f"alone: {figures['server_share'][0]:.0%}); other programs {figures['others'][1]:.0%} and "
        f"{figures['others'][0]:.0%}. A hit costs Varnish a hash lookup and a copy from memory; a "
        "gunicorn page view a Django request with its database reads and template.",
        "- Only anonymous readers without cookies are served from the cache: a logged-in reader, or one "
        'with the language cookie, costs what gunicorn alone does (docs/operations.md, "A front cache").',
        "",
        END,
    ]
    return "\n".join(lines)


def run(page_urls: list[str]) -> None:
    import report as document

    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    document.write_section(DOC, BEGIN, END, report(measure(page_urls), when))


def main() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    import server

    run(server.benchmark_wiki_page_urls(DATA_DIR, DATASET))


if __name__ == "__main__":
    main()
