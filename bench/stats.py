"""What counting page views costs, and how long a release over 1,000,000 totals takes (issue 16).

`python bench/stats.py` (or `make bench`, `--only stats`) measures, and rewrites its own section of
docs/performance.md (between the markers below, outside run.py's generated part):

1. Counting: two gunicorn servers (deploy/gunicorn.conf.py, 2 sync workers each) on two fresh copies of
   the benchmark wiki, one with CANDOR_STATS_COUNT_PAGE_VIEWS=true and one without, are read by wrk with
   the privacy-layer benchmark's method (bench/privacy_layer.py): bursts of 2 s, the sides taking turns
   A B B A, rounds of which the median of the with / without ratios is the figure (target ≥ 98%). Every
   request carries a `candor_views` cookie of today that has counted no page yet, so every request on the
   counting side is counted (and answered with a new cookie): the dearest case.
2. A release: `country_page_day` over 10,000 pages × 100 countries = 1,000,000 totals, through
   `stats.actions.do_publish_release` on a fresh SQLite database holding the 1,000,000 totals (target
   < 10 s), and the OpenDP computation alone (`stats.releases.compute` on the same totals in memory).
3. With candor[spark] and Java: the same computation on Tumult Analytics over local Spark, on the first
   SPARK_PAGES pages' totals (one row a view inside Spark), after Spark's start, beside OpenDP's time on them.
"""

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "var" / "bench"
DATASET = DATA_DIR / "candor.sqlite3"
DOC = ROOT / "docs" / "performance.md"
BEGIN = "<!-- stats:begin: written by bench/stats.py; edits between these markers are lost -->"
END = "<!-- stats:end -->"

ROUNDS = 7
BURSTS = 4  # of each side, each round
BURST_SECONDS = 2
WARMUP_SECONDS = 3
CONNECTIONS = 4
SHARE_TARGET = 0.98
RELEASE_TARGET_SECONDS = 10.0
PAGES, COUNTRIES = 10_000, 100
SPARK_PAGES = 100  # Spark's release: 100 pages × 100 countries, one row a view (about 1,000,000)

WITH, WITHOUT = "counting on", "counting off"

_LUA = """
local paths = {%(paths)s}
local cookie = "candor_views=%(stamp)s."
request = function()
  return wrk.format("GET", paths[math.random(#paths)], {["Cookie"] = cookie})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\n{"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p99_us": %%d, "errors": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def _wrk(base_url: str, paths: list[str], seconds: int):
    import load

    script = _LUA % {
        "paths": ", ".join(json.dumps(path) for path in paths),
        "stamp": datetime.now(UTC).strftime("%Y%m%d"),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        lua.write(script)
        lua.flush()
        command = [load.ensure_wrk(), "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "-s", lua.name, base_url]
        result = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 30)
    stats = json.loads(result.stdout.strip().splitlines()[-1])
    if stats["errors"]:
        raise SystemExit(f"wrk saw {stats['errors']} failed requests:\n{result.stdout}")
    return load.Figures(
        count=stats["requests"],
        per_second=stats["requests"] / (stats["duration_us"] / 1e6),
        p50_ms=stats["p50_us"] / 1000,
        p99_ms=stats["p99_us"] / 1000,
    )


def measure_counting(page_urls: list[str]) -> dict:
    import machine
    import server

    databases = {
        side: DATA_DIR / f"stats-{'on' if side == WITH else 'off'}.sqlite3" for side in (WITH, WITHOUT)
    }
    for database in databases.values():
        server.copy_database(DATASET, database)
    environments = {
        side: {
            **server.environment(DATA_DIR, databases[side]),
            "CANDOR_STATS_COUNT_PAGE_VIEWS": "true" if side == WITH else "false",
        }
        for side in (WITH, WITHOUT)
    }
    rates: dict[str, list[float]] = {WITH: [], WITHOUT: []}
    p50: dict[str, list[float]] = {WITH: [], WITHOUT: []}
    others: list[float] = []
    with (
        server.gunicorn(environments[WITH], DATA_DIR / "stats-on.log") as on,
        server.gunicorn(environments[WITHOUT], DATA_DIR / "stats-off.log") as off,
    ):
        running = {WITH: on, WITHOUT: off}
        for number in range(ROUNDS):
            print(f"counting, round {number + 1}/{ROUNDS}...", flush=True)
            a, b = (WITH, WITHOUT) if number % 2 == 0 else (WITHOUT, WITH)

            def warm_up() -> None:
                for side in running:
                    _wrk(running[side].url, page_urls, WARMUP_SECONDS)

            def bursts(a=a, b=b):
                measured = {WITH: [], WITHOUT: []}
                for side in [a, b, b, a] * (BURSTS // 2):
                    measured[side].append(_wrk(running[side].url, page_urls, BURST_SECONDS))
                return measured

            measured, cpu = machine.least_disturbed([on.pid, off.pid], warm_up=warm_up, measure=bursts)
            others.append(cpu.others)
            for side, figures in measured.items():
                count = sum(f.count for f in figures)
                rates[side].append(count / sum(f.count / f.per_second for f in figures))
                p50[side].append(median(f.p50_ms for f in figures))
    counted = _counted(databases[WITH])
    for database in databases.values():
        for suffix in ("", "-wal", "-shm"):
            database.with_name(database.name + suffix).unlink(missing_ok=True)
    ratios = [with_ / without for with_, without in zip(rates[WITH], rates[WITHOUT], strict=True)]
    return {
        "with_per_second": median(rates[WITH]),
        "without_per_second": median(rates[WITHOUT]),
        "with_p50_ms": median(p50[WITH]),
        "without_p50_ms": median(p50[WITHOUT]),
        "share": median(ratios),
        "ratios": ratios,
        "others": others,
        "counted": counted,
    }


def _counted(database: Path) -> int:
    import sqlite3

    db = sqlite3.connect(database)
    try:
        return db.execute("SELECT coalesce(sum(views), 0) FROM stats_pageviewcount").fetchone()[0]
    finally:
        db.close()


def measure_release() -> dict:
    """In a child process, on a database of its own (the release reads Django's default database)."""
    import machine

    machine.wait_until_quiet(machine.QUIET_WAIT_SECONDS)
    database = DATA_DIR / "stats-release.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "candor.settings",
        "CANDOR_DATA_DIR": str(DATA_DIR),
        "CANDOR_KEY_DIR": str(DATA_DIR / "keys"),
        "DATABASE_URL": f"sqlite:///{database}",
    }
    done = subprocess.run(
        [sys.executable, __file__, "--release-child"], env=env, capture_output=True, text=True, timeout=1800
    )
    for suffix in ("", "-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    if done.returncode != 0:
        raise SystemExit(f"the release benchmark failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _release_child() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    import numpy as np
    import polars as pl

    from candor.accounts.actions import do_create_account, do_grant_role
    from candor.privacy import clock
    from candor.privacy.capture import RequestMeta
    from candor.privacy.roles import Role
    from candor.stats import actions, counting, releases
    from candor.wiki.models import Page

    day = (datetime.now(UTC) - timedelta(days=1)).date()
    countries = releases.RELEASE_COUNTRIES[:COUNTRIES]
    releases.RELEASE_COUNTRIES = countries  # the 100 countries, for this measurement only
    pages = [f"Bench page {number:05d}" for number in range(PAGES)]
    now = clock.now()
    Page.objects.bulk_create(
        Page(namespace=0, title=title.replace(" ", "_"), created_at=now) for title in pages
    )
    rng = random.Random(16)
    started = time.perf_counter()
    rows = [(day, page, country, rng.randint(0, 200)) for page in pages for country in countries]
    for start in range(0, len(rows), 100_000):
        counting.add_counts(rows[start : start + 100_000])
    loaded = time.perf_counter() - started
    steward = do_create_account(username="Bench steward", password="a-long-bench-password",
                                meta=RequestMeta.from_address("127.0.0.1"))  # fmt: skip
    do_grant_role(target=steward, role=Role.STEWARD, reason="Benchmark")

    started = time.perf_counter()
    release = actions.do_publish_release("country_page_day", day, approver=steward, reason="Benchmark")
    end_to_end = time.perf_counter() - started

    query = releases.QUERIES["country_page_day"]
    keys = releases.keyset(query, pages)
    counts = keys.with_columns(pl.Series("value", np.asarray([row[3] for row in rows]), dtype=pl.Int64))
    parameters = releases.Parameters(0.015, 90, 10, 1)
    started = time.perf_counter()
    computed = releases.compute(query, parameters, keys, counts)
    compute_only = time.perf_counter() - started
    print(json.dumps({
        "keys": release.keys, "cells": release.cells, "sigma": release.noise_scale, "rho": release.rho,
        "end_to_end_s": end_to_end, "release_compute_s": release.seconds, "compute_only_s": compute_only,
        "compute_only_cells": len(computed.rows), "load_s": loaded, "threads": os.cpu_count(),
        "spark": _spark_release(query, parameters, keys, counts),
    }))  # fmt: skip


def _spark_release(query, parameters, keys, counts) -> dict | None:
    """The same computation on Tumult Analytics over local Spark, on the first SPARK_PAGES pages' totals:
    Spark's start, then the release (one row a view inside Spark). None without candor[spark] or Java."""
    import polars as pl

    from candor.stats import releases

    if not releases.engine_available(releases.SPARK):
        return None
    from candor.stats import releases_spark

    started = time.perf_counter()
    releases_spark.spark()
    start_s = time.perf_counter() - started
    pages = keys["page"].unique(maintain_order=True).head(SPARK_PAGES)
    keys, counts = (frame.filter(pl.col("page").is_in(pages.implode())) for frame in (keys, counts))
    started = time.perf_counter()
    computed = releases.compute(query, parameters, keys, counts, releases.SPARK)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    releases.compute(query, parameters, keys, counts)
    opendp_s = time.perf_counter() - started
    return {"keys": len(keys), "views": int(counts["value"].sum()), "cells": len(computed.rows),
            "start_s": start_s, "seconds": seconds, "opendp_s": opendp_s}  # fmt: skip


def report(counting: dict | None, release: dict | None, when: str) -> str:
    head = "## Statistics (issue 16): counting and releases"
    lines = [BEGIN, "", head, "", f"Measured {when} by `bench/stats.py`.", ""]
    lines += ["| measurement | figure | target | met |", "|---|--:|---|---|"]

    def verdict(met: bool) -> str:
        return "yes" if met else "**no**"

    if counting:
        share, rate_on, rate_off = (
            counting["share"],
            counting["with_per_second"],
            counting["without_per_second"],
        )
        lines += [
            f"| page views, with counting / without | {share:.1%} ({rate_on:,.0f}/s, {rate_off:,.0f}/s) "
            f"| ≥ {SHARE_TARGET:.0%} | {verdict(share >= SHARE_TARGET)} |",
            f"| page views, p50 with / without | {counting['with_p50_ms']:.2f} ms / "
            f"{counting['without_p50_ms']:.2f} ms | | |",
        ]
    if release:
        seconds = release["end_to_end_s"]
        lines += [
            f"| release over {release['keys']:,} totals ({PAGES:,} pages × {COUNTRIES} countries), end to "
            f"end | {seconds:.1f} s | < {RELEASE_TARGET_SECONDS:.0f} s "
            f"| {verdict(seconds < RELEASE_TARGET_SECONDS)} |",
            f"| the same, OpenDP computation alone | {release['compute_only_s']:.1f} s | | |",
        ]
        spark = release.get("spark")
        if spark:
            lines += [
                f"| release over {spark['keys']:,} totals ({SPARK_PAGES} pages × {COUNTRIES} countries, "
                f"{spark['views']:,} views) on Tumult Analytics / local Spark | {spark['seconds']:.1f} s "
                f"(OpenDP: {spark['opendp_s']:.1f} s) | | |",
                f"| Spark's start, once a process | {spark['start_s']:.1f} s | | |",
            ]
        else:
            lines.append("| on Tumult Analytics / Spark | not measured (candor[spark] or Java missing) | | |")
    lines.append("")
    if counting:
        ratios = ", ".join(f"{ratio:.1%}" for ratio in counting["ratios"])
        others = ", ".join(f"{share:.0%}" for share in counting["others"])
        lines.append(
            f"- **Counting**: {ROUNDS} rounds of {BURSTS} bursts of {BURST_SECONDS} s on each side, A B B A; "
            f"with / without round by round {ratios}; others' CPU {others}; {counting['counted']:,} views "
            "counted on the counting side (each request sent a cookie of the day that counted nothing yet)."
        )
    if release:
        lines.append(
            f"- **Release**: σ = {release['sigma']:.2f} for ρ = {release['rho']:.4f} and ten views a "
            f"browser; {release['cells']:,} of {release['keys']:,} cells published (threshold 90, totals "
            f"drawn uniformly from 0 to 200); noise on {release['threads']} threads. OpenDP's discrete "
            "Gaussian sampler costs about 10 µs a cell on one core here, most of the time. Loading the "
            f"totals into SQLite beforehand (not part of the release) took {release['load_s']:.1f} s."
        )
    if release and release.get("spark"):
        lines.append(
            "- **Spark** (docs/statistics.md, section 5): the same release definition, the computation alone "
            "(`stats.releases.compute` with the spark engine) on a slice of the same totals, since Tumult "
            "counts one row a view inside Spark; Spark on `local[*]`, bound to 127.0.0.1."
        )
    lines += ["", END]
    return "\n".join(lines)


def run(page_urls: list[str], *, counting: bool = True, release: bool = True) -> None:
    import report as document

    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    counted = measure_counting(page_urls) if counting else None
    released = measure_release() if release else None
    document.write_section(DOC, BEGIN, END, report(counted, released, when))


def main() -> None:
    if "--release-child" in sys.argv:
        _release_child()
        return
    sys.path.insert(0, str(ROOT / "bench"))
    import server

    os.environ.update(
        DJANGO_SETTINGS_MODULE="candor.settings",
        CANDOR_DATA_DIR=str(DATA_DIR),
        DATABASE_URL=f"sqlite:///{DATASET}",
    )
    counting = "--release-only" not in sys.argv
    page_urls = server.benchmark_wiki_page_urls(DATA_DIR, DATASET) if counting else []
    run(page_urls, counting=counting, release="--counting-only" not in sys.argv)


if __name__ == "__main__":
    main()
