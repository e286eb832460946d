"""The retention purge of a million expired private events: how long it takes, and what it does to saves.

SQLite: a copy of the benchmark wiki, its own private events replaced by ROWS expired ones spread over DAYS
days (bench/expired_events.py, sealed under their days' keys), is kept as the seeded database; each trial
purges a fresh copy of it (database and key directory) with `candor purge --yes --batch-size N`, the
command an operator or the daily job runs, in its own process:

1. alone, with nothing else running: the purge's own time (target: under a minute);
2. while gunicorn serves the same copy and one client saves logged-out edits one after another, from
   the purge's start to its end: their p50 and p99 (target: p99 under 200 ms), and the purge's time.
   A purge lasts a few seconds, and the saves it holds up are few, so the trial is repeated (on a fresh
   copy each time) until MIN_SAVES_DURING saves have been timed, MOST_PURGES purges at most; the
   percentiles are those of all its saves together, the purge time the median.

When the saves miss their target at the default batch size (retention.BATCH_SIZE), trial 2 is repeated
with smaller batches until one meets it. PostgreSQL: the same purge of the same rows, alone, in a database
made for it and dropped afterwards (no target).

Every trial's purge must report `expired=ROWS deleted=ROWS keys_destroyed=DAYS` for PrivateEvent, or the
run stops. The times are wall times of the whole command, its start-up included (measured apart, with
`candor purge --history`). The command runs with --skip-checks: the system checks are not the purge, and
a check failing on work in progress elsewhere in the tree must not stop the measurement.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from statistics import median

import psycopg
from psycopg import sql

import load
import machine
import report
import server

ROOT = Path(__file__).resolve().parent.parent
ROWS = 1_000_000
DAYS = 30
PURGE_LIMIT_SECONDS = 60
SAVE_P99_LIMIT_MS = 200
SMALLER_BATCH_SIZES = (1_000, 500, 200, 100)
SAVES_WARMUP = 20
BASELINE_SAVES = 200  # saves on the same copy before each purge starts, for comparison
MIN_SAVES_DURING = 500  # saves timed during a trial's purges before its p99 is read (the 5th slowest)
MOST_PURGES = 5
SAVE_TIMEOUT_SECONDS = 60  # a save may wait for the database's write lock (busy timeout: 20 s)
POSTGRES_URL = os.environ.get("CANDOR_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/candor_bench")
LOOPBACK = {"127.0.0.1", "::1", "localhost"}
LOGS = "purge-logs"  # the servers' logs of the trials, kept (in var/bench) until the next run

METHOD = (
    f"**Purge** (`purge`): {ROWS:,} private events, all expired, spread over {DAYS} days that ended "
    "100 to 130 days ago (the window is 90 days), are written in bulk into a copy of the benchmark "
    "wiki whose own events are removed first (`bench/expired_events.py`): for each day and each of "
    "16 (address, browser) pairs, `capture.record` runs once, with the clock on that day; that event "
    "(its blind-index digests included) is copied to the day's rows from that pair (`executemany`, one "
    "transaction) and then deleted. Each trial purges a fresh copy of it (database and day keys) "
    "with `candor purge --yes --skip-checks --batch-size N` in its own process, timed from start to "
    "exit, its start-up included. First alone; then while gunicorn serves the same copy and one "
    "client saves logged-out edits one after another from the purge's start to its end "
    f"({SAVES_WARMUP} saves first to warm up, and {BASELINE_SAVES} before the purge to compare), "
    f"repeated on a fresh copy until {MIN_SAVES_DURING} saves were timed during purges "
    f"({MOST_PURGES} purges at most): the percentiles are of all of them, a failed save counts as a "
    "miss, the purge time is the median. When the saves miss their target at the default batch size "
    "(`retention.BATCH_SIZE`), again with each smaller one of "
    f"{', '.join(f'{size:,}' for size in SMALLER_BATCH_SIZES)} until one meets it. On PostgreSQL, "
    "the same rows in a database created for the run and dropped after it "
    "(`CANDOR_BENCH_POSTGRES_URL`, 127.0.0.1 only), ANALYZEd after the load as autovacuum would, "
    "purged alone."
)


@dataclass(frozen=True)
class Trial:
    batch_size: int
    each_purge_seconds: list[float]
    saves: load.SaveFigures | None  # during the purges; None when they ran alone
    baseline: load.SaveFigures | None  # just before each, on the same copy
    others: float  # the largest share of the CPU other programs used during one of its purges
    errors: tuple[str, ...] = ()  # the exceptions in the server's log, if saves failed

    @property
    def purge_seconds(self) -> float:
        return median(self.each_purge_seconds)


def measure(dataset: Path, data_dir: Path, page_urls: list[str], long_history_url: str) -> report.Record:
    from candor.privacy.retention import BATCH_SIZE

    work = data_dir / "purge"
    shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(data_dir / LOGS, ignore_errors=True)
    (data_dir / LOGS).mkdir()
    seeded, run = work / "seeded", work / "run"
    seeded.mkdir(parents=True)
    server.copy_database(dataset, seeded / "candor.sqlite3")
    print(f"purge: writing {ROWS:,} expired private events into a copy of the wiki...", flush=True)
    seeding = _seed(server.environment(seeded, seeded / "candor.sqlite3"))
    pages = [url for url in page_urls if url != long_history_url]
    try:
        startup = _startup_seconds(_fresh_copy(seeded, run))
        trials = [_alone(_fresh_copy(seeded, run), BATCH_SIZE)]
        for batch_size in (BATCH_SIZE, *[size for size in SMALLER_BATCH_SIZES if size < BATCH_SIZE]):
            trials.append(_with_saves(seeded, run, data_dir / LOGS, pages, batch_size))
            if _saves_met(trials[-1].saves):
                break
        postgres = _postgres(work / "postgres", BATCH_SIZE)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return _record(seeding, startup, trials, postgres, BATCH_SIZE)


def _seed(env: dict[str, str]) -> dict:
    command = [sys.executable, str(ROOT / "bench" / "expired_events.py"), str(ROWS), str(DAYS)]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise SystemExit(f"seeding the expired events failed:\n{done.stderr}")
    seeding = json.loads(done.stdout)
    if seeding["rows"] != ROWS:
        raise SystemExit(f"seeding wrote {seeding['rows']} events, not {ROWS}")
    return seeding


def _fresh_copy(seeded: Path, run: Path) -> dict[str, str]:
    """A fresh copy of the seeded database and of its day keys, in `run`, migrated to the code's schema
    (which may have moved on since the seeding); its environment."""
    shutil.rmtree(run, ignore_errors=True)
    run.mkdir()
    server.copy_database(seeded / "candor.sqlite3", run / "candor.sqlite3")
    shutil.copytree(seeded / "keys", run / "keys")
    env = server.environment(run, run / "candor.sqlite3")
    command = [str(ROOT / ".venv/bin/candor"), "migrate", "--noinput", "--skip-checks"]
    subprocess.run(command, cwd=ROOT, env=env, capture_output=True, check=True, timeout=300)
    return env


def _purge_command(batch_size: int) -> list[str]:
    return [
        str(ROOT / ".venv/bin/candor"),
        "purge",
        "--yes",
        "--skip-checks",
        "--batch-size",
        str(batch_size),
    ]


def _startup_seconds(env: dict[str, str]) -> float:
    """How long the command takes to start and stop, doing nothing: part of every purge time."""
    command = [str(ROOT / ".venv/bin/candor"), "purge", "--history", "--skip-checks"]
    started = time.monotonic()
    subprocess.run(command, cwd=ROOT, env=env, capture_output=True, check=True, timeout=120)
    return time.monotonic() - started


def _alone(env: dict[str, str], batch_size: int) -> Trial:
    print(f"purge: {ROWS:,} events on SQLite, batches of {batch_size}, alone...", flush=True)
    machine.wait_until_quiet(machine.QUIET_WAIT_SECONDS)
    seconds, cpu = machine.cpu_during([], partial(_purge, env, batch_size))
    return Trial(batch_size, [seconds], None, None, cpu.others)


def _purge(env: dict[str, str], batch_size: int, during=None) -> float:
    """Run the purge, and `during()` while it runs; its wall time."""
    started = time.monotonic()
    process = subprocess.Popen(
        _purge_command(batch_size),
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        if during is not None:
            during(lambda: process.poll() is not None)
        output, errors = process.communicate(timeout=1800)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    seconds = time.monotonic() - started
    if process.returncode != 0:
        raise SystemExit(f"the purge failed:\n{errors}")
    _check_counts(output)
    return seconds


def _check_counts(output: str) -> None:
    line = next((line for line in output.splitlines() if line.startswith("privacy.PrivateEvent ")), "")
    counts = dict(item.split("=") for item in line.split()[1:])
    expected = {"expired": str(ROWS), "deleted": str(ROWS), "keys_destroyed": str(DAYS)}
    if any(counts.get(key) != value for key, value in expected.items()):
        raise SystemExit(f"the purge did not purge exactly the seeded events:\n{output}")


def _saves_met(saves: load.SaveFigures) -> bool:
    return not saves.failures and saves.saves.p99_ms < SAVE_P99_LIMIT_MS


def _with_saves(seeded: Path, run: Path, logs: Path, pages: list[str], batch_size: int) -> Trial:
    seconds: list[float] = []
    during: load.SaveFigures | None = None
    baseline: load.SaveFigures | None = None
    others = 0.0
    errors: set[str] = set()
    while len(seconds) < MOST_PURGES and (during is None or len(during.post_times) < MIN_SAVES_DURING):
        print(f"purge: {ROWS:,} events on SQLite, batches of {batch_size}, with saves meanwhile "
              f"({len(seconds) + 1})...", flush=True)  # fmt: skip
        log = logs / f"batches-of-{batch_size}-{len(seconds) + 1}.log"
        purge_seconds, meanwhile, before, cpu = _purge_with_saves(
            _fresh_copy(seeded, run), log, pages, batch_size, seed=len(seconds) + 1
        )
        seconds.append(purge_seconds)
        during = meanwhile if during is None else during + meanwhile
        baseline = before if baseline is None else baseline + before
        others = max(others, cpu.others)
        errors |= _exceptions(log)
    return Trial(batch_size, seconds, during, baseline, others, tuple(sorted(errors)))


def _exceptions(log: Path) -> set[str]:
    """The exceptions a server's log reports ("django.db.utils.OperationalError: database is locked")."""
    pattern = re.compile(r"^[\w.]+(?:Error|Exception): .*$", re.MULTILINE)
    return set(pattern.findall(log.read_text(encoding="utf-8", errors="replace")))


def _purge_with_saves(env: dict[str, str], log: Path, pages: list[str], batch_size: int, seed: int):
    """One purge, with saves from its start to its end: its time, the saves meanwhile (a failed one is
    counted, not fatal) and just before it, and who used the CPU meanwhile."""
    with server.gunicorn(env, log) as running:
        browser = load.Browser(running.url, timeout=SAVE_TIMEOUT_SECONDS)
        saves = partial(load.run_saves, browser, pages, seconds=3600)
        saves(most=SAVES_WARMUP, seed=0)
        before = saves(most=BASELINE_SAVES, seed=seed)
        machine.wait_until_quiet(machine.QUIET_WAIT_SECONDS)
        meanwhile: list[load.SaveFigures] = []

        def save_until(done: Callable[[], bool]) -> None:
            meanwhile.append(saves(most=10**9, seed=seed + 100, until=done, failures_allowed=True))

        seconds, cpu = machine.cpu_during([running.pid], partial(_purge, env, batch_size, save_until))
    return seconds, meanwhile[0], before, cpu


def _postgres(data_dir: Path, batch_size: int) -> tuple[Trial, str] | str:
    """The purge alone on PostgreSQL, and the server's version; or why it was not measured."""
    address = urllib.parse.urlsplit(POSTGRES_URL)
    name = address.path.lstrip("/")
    if address.hostname not in LOOPBACK:
        raise SystemExit(f"CANDOR_BENCH_POSTGRES_URL must name a server on 127.0.0.1, not {address.hostname}")
    try:
        maintenance = address._replace(path="/postgres").geturl()
        with psycopg.connect(maintenance, autocommit=True, connect_timeout=5) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            version = admin.execute("SHOW server_version").fetchone()[0]
    except psycopg.Error as exc:
        return f"not measured: no PostgreSQL to use at {address.hostname}:{address.port} ({exc})".strip()
    try:
        data_dir.mkdir(parents=True)
        env = server.environment(data_dir, POSTGRES_URL)
        print(f"purge: writing {ROWS:,} expired private events into PostgreSQL {version}...", flush=True)
        _seed(env)
        print(f"purge: {ROWS:,} events on PostgreSQL, batches of {batch_size}, alone...", flush=True)
        machine.wait_until_quiet(machine.QUIET_WAIT_SECONDS)
        seconds, cpu = machine.cpu_during([], partial(_purge, env, batch_size))
    finally:
        with psycopg.connect(maintenance, autocommit=True, connect_timeout=5) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    return Trial(batch_size, [seconds], None, None, cpu.others), version


def _record(
    seeding: dict, startup: float, trials: list[Trial], postgres: tuple[Trial, str] | str, default: int
) -> report.Record:
    alone, with_saves = trials[0], trials[1:]
    rows = [
        _purge_row(
            f"purge of {ROWS:,} expired events, SQLite, `candor purge --yes`, batches of {default}, alone",
            alone,
        ),
    ]
    verdicts = [_purge_verdict(f"purge of {ROWS:,} expired events on SQLite, alone", alone)]
    details = [
        f"- **Seeding**: {seeding['rows']:,} events over {seeding['days']} days from {seeding['first_day']}, "
        f"in {seeding['seconds']:.1f} s. The command's start-up alone (`candor purge --history`): "
        f"{startup:.2f} s, included in every purge time below."
    ]
    for trial in with_saves:
        saves = trial.saves
        rows.append(_purge_row(f"the same purge, batches of {trial.batch_size}, while saves run", trial))
        met = _saves_met(saves)
        failed = f"; {len(saves.failures)} failed" if saves.failures else ""
        rows.append(
            f"| logged-out saves during it (batches of {trial.batch_size}), p50 / p99 "
            f"| {saves.saves.p50_ms:.1f} ms / {saves.saves.p99_ms:,.1f} ms{failed} "
            f"| p99 < {SAVE_P99_LIMIT_MS} ms, none failing | {'yes' if met else '**no**'} |"
        )
        verdicts.append(
            f"{'PASS' if met else 'MISS'} saves during the purge, batches of {trial.batch_size}: p99 < "
            f"{SAVE_P99_LIMIT_MS} ms, none failing (measured {saves.saves.p99_ms:,.1f} ms{failed}; the purge "
            f"took {trial.purge_seconds:.1f} s)"
        )
        details.append(_saves_detail(trial))
    if isinstance(postgres, str):
        rows.append(f"| purge of {ROWS:,} expired events, PostgreSQL | {postgres} | none | |")
        verdicts.append(f"INFO purge on PostgreSQL: {postgres}")
    else:
        trial, version = postgres
        label = f"purge of {ROWS:,} expired events, PostgreSQL {version}, batches of {default}, alone"
        rows.append(_purge_row(label, trial, target="none"))
        verdicts.append(f"INFO {label}: {trial.purge_seconds:.1f} s (no target)")
    figures = {"purge alone seconds": alone.purge_seconds, "startup seconds": startup}
    for trial in with_saves:
        figures[f"purge with saves, batch {trial.batch_size}, seconds"] = trial.purge_seconds
        figures[f"saves during purge, batch {trial.batch_size}, p50 ms"] = trial.saves.saves.p50_ms
        figures[f"saves during purge, batch {trial.batch_size}, p99 ms"] = trial.saves.saves.p99_ms
        figures[f"saves during purge, batch {trial.batch_size}, failed"] = len(trial.saves.failures)
    if not isinstance(postgres, str):
        figures["purge alone on PostgreSQL seconds"] = postgres[0].purge_seconds
    return report.Record(
        benchmark="purge",
        section=report.RETENTION,
        rows=rows,
        details=details,
        verdicts=verdicts,
        figures=figures,
    )


def _saves_detail(trial: Trial) -> str:
    during, before = trial.saves.saves, trial.baseline.saves
    times = ", ".join(f"{each:.1f}" for each in trial.each_purge_seconds)
    purges = f"{len(trial.each_purge_seconds)} purge" + ("s" if len(trial.each_purge_seconds) > 1 else "")
    failures = ""
    if trial.saves.failures:
        said = "; ".join(f"`{error}`" for error in trial.errors) or "nothing"
        failures = (
            f" **{len(trial.saves.failures)} saves failed** ({', '.join(trial.saves.failures)}); the "
            f"server's log says: {said}."
        )
    return (
        f"- **Saves during the purge, batches of {trial.batch_size}**: {during.count:,} saves during "
        f"{purges} of {times} s; p50 {during.p50_ms:.1f} ms, p99 "
        f"{during.p99_ms:,.1f} ms, slowest {trial.saves.slowest_ms:,.0f} ms.{failures} On the same copies "
        f"just before, {before.count:,} saves: p50 {before.p50_ms:.1f} ms, p99 {before.p99_ms:.1f} ms. "
        f"Other programs used up to {trial.others:.0%} of the CPU meanwhile."
    )


def _purge_row(label: str, trial: Trial, target: str = f"< {PURGE_LIMIT_SECONDS} s") -> str:
    rate = ROWS / trial.purge_seconds
    if target == "none":
        met = ""
    else:
        met = "yes" if trial.purge_seconds < PURGE_LIMIT_SECONDS else "**no**"
    return f"| {label} | {trial.purge_seconds:.1f} s ({rate:,.0f} rows/s) | {target} | {met} |"


def _purge_verdict(label: str, trial: Trial) -> str:
    met = trial.purge_seconds < PURGE_LIMIT_SECONDS
    measured = f"measured {trial.purge_seconds:.1f} s"
    return f"{'PASS' if met else 'MISS'} {label}: < {PURGE_LIMIT_SECONDS} s ({measured})"
