"""What the privacy layer costs: anonymous page views and logged-out saves, with it and without it.

Two gunicorn servers (deploy/gunicorn.conf.py, 2 sync workers each) serve two fresh copies of the
benchmark wiki: one with `candor.settings`, one with bench/settings_without_privacy_layer.py, which takes
out the DNT/GPC counting, the cookie filter, the CSP and Permissions-Policy headers and the private event
of each save, and keeps only `request.candor_meta` (its docstring says exactly what).

The machines this runs on drift by 10-20% in speed from one minute to the next (seen here), more than the
5% being measured, so the two sides are never measured far apart. Each round measures page views in short
bursts of wrk (`DNT: 1` on every other request), the sides taking turns burst by burst in the order
A B B A A B B A (a steady drift then weighs on both alike), and logged-out saves on both sides in turn:
the client of load.py saves a random page on one server, then the same page on the other, and so on, the
first side alternating from one page to the next. Each figure reported is the median of the rounds; the
target compares the sides within each round and takes the median of those ratios. Measured one side after
the other instead (8 s each), the rounds' ratios of saves ranged from 77% to 110% on one machine in one
hour, and in turn from 93% to 98%.
"""

import sqlite3
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from statistics import median

import load
import machine
import report
import server

ROUNDS = 7
PAGE_VIEW_BURSTS = 4  # of each side, each round
PAGE_VIEW_BURST_SECONDS = 2
PAGE_VIEW_CONNECTIONS = 4  # as for the page-views benchmark: two per worker
WARMUP_SECONDS = 3
SAVES_MOST = 1_000  # on each side
SAVES_SECONDS = 16  # both sides together
SAVES_WARMUP = 20  # on each side
SHARE_TARGET = 0.95  # with the layer, at least this share of the throughput without it

WITH, WITHOUT = "with the privacy layer", "without it"
SETTINGS = {WITH: "candor.settings", WITHOUT: "settings_without_privacy_layer"}

METHOD = (
    "**Privacy layer** (`privacy-layer`): two such servers at once, each on its own fresh copy of the wiki, "
    "one with `candor.settings` and one with `bench/settings_without_privacy_layer.py`, which removes "
    "`candor.privacy.middleware.*` (DNT/GPC counting, the undeclared-cookie filter, the CSP and "
    "Permissions-Policy headers) and replaces `candor.privacy.capture.record` (the sealed private event "
    "of each save, with its blind-index digests) with a no-op; a bench middleware still sets "
    "`request.candor_meta = RequestMeta.of(request)`, which the views need (a logged-out edit is attributed "
    "to that address). Page views as above, with `DNT: 1` on every other request, after a warm-up of each "
    f"side, in {PAGE_VIEW_BURSTS} bursts of {PAGE_VIEW_BURST_SECONDS} s on each side, the sides taking turns "
    "in the order A B B A A B B A (a round's p50 and p99 are the medians of its bursts'); logged-out saves "
    "as above, but on both sides in turn: each random page is saved on one server and then on the other, "
    f"the first side alternating from one page to the next, {SAVES_MOST:,} saves on each side or "
    f"{SAVES_SECONDS} s. {ROUNDS} rounds, A being the side with the layer in every other round; each figure "
    "is the median of the rounds, and *with / without* is the median of the rounds' own ratios."
)


@dataclass(frozen=True)
class Round:
    """One side's figures in one round. The others' shares are of the whole machine's CPU, during the
    round's page views or saves (both sides')."""

    page_views: load.Figures
    page_view_server_seconds: float  # this side's server alone
    page_view_others: float
    saves: load.SaveFigures
    save_server_seconds: float  # this side's server alone
    save_others: float


def measure(dataset: Path, data_dir: Path, page_urls: list[str], long_history_url: str) -> report.Record:
    databases = {side: data_dir / f"privacy-{'on' if side == WITH else 'off'}.sqlite3" for side in SETTINGS}
    for database in databases.values():
        server.copy_database(dataset, database)
    rounds: dict[str, list[Round]] = {WITH: [], WITHOUT: []}
    pages = [url for url in page_urls if url != long_history_url]
    with (
        server.gunicorn(_environment(data_dir, databases, WITH), data_dir / "privacy-on.log") as on,
        server.gunicorn(_environment(data_dir, databases, WITHOUT), data_dir / "privacy-off.log") as off,
    ):
        running = {WITH: on, WITHOUT: off}
        for number in range(ROUNDS):
            views, view_cpu = _page_views(running, page_urls, number)
            saves, save_cpu = _saves(running, pages, number)
            for index, side in enumerate(SETTINGS):
                figures, server_seconds = views[side]
                rounds[side].append(
                    Round(
                        figures,
                        server_seconds,
                        view_cpu.others,
                        saves[side],
                        save_cpu.each_server_seconds[index],
                        save_cpu.others,
                    )
                )
    # The servers have stopped, and flushed their DNT/GPC counts (atexit): what did each side write?
    before = _private_writes(dataset)
    written = {side: _private_writes(databases[side]) - before for side in SETTINGS}
    for database in databases.values():
        _remove(database)
    return _record(rounds, written)


def _environment(data_dir: Path, databases: dict[str, Path], side: str) -> dict[str, str]:
    return server.environment(data_dir, databases[side], settings=SETTINGS[side])


def _page_views(
    running: dict[str, server.Server], paths: list[str], number: int
) -> tuple[dict[str, tuple[load.Figures, float]], machine.CpuUse]:
    """Page views on both sides in bursts, taking turns: each side's figures and server CPU seconds, and
    the CPU use of the whole round."""
    print(f"privacy layer, round {number + 1}/{ROUNDS}, page views on both sides in turn...", flush=True)
    a, b = (WITH, WITHOUT) if number % 2 == 0 else (WITHOUT, WITH)

    def wrk(side: str, seconds: int) -> load.Figures:
        return load.run_wrk(
            running[side].url, paths, seconds=seconds, connections=PAGE_VIEW_CONNECTIONS, dnt_every_other=True
        )

    def warm_up() -> None:
        for side in SETTINGS:
            wrk(side, WARMUP_SECONDS)

    def bursts() -> dict[str, tuple[load.Figures, float]]:
        measured: dict[str, list[tuple[load.Figures, float]]] = {WITH: [], WITHOUT: []}
        for side in [a, b, b, a] * (PAGE_VIEW_BURSTS // 2):
            figures, cpu = machine.cpu_during(
                [running[side].pid], partial(wrk, side, PAGE_VIEW_BURST_SECONDS)
            )
            measured[side].append((figures, cpu.server_seconds))
        return {side: _combined(measured[side]) for side in SETTINGS}

    return machine.least_disturbed([running[side].pid for side in SETTINGS], warm_up=warm_up, measure=bursts)


def _combined(bursts: list[tuple[load.Figures, float]]) -> tuple[load.Figures, float]:
    """One side's bursts as one measurement: requests over time; the median burst's percentiles."""
    count = sum(figures.count for figures, _ in bursts)
    seconds = sum(figures.count / figures.per_second for figures, _ in bursts)
    combined = load.Figures(
        count=count,
        per_second=count / seconds,
        p50_ms=median(figures.p50_ms for figures, _ in bursts),
        p99_ms=median(figures.p99_ms for figures, _ in bursts),
    )
    return combined, sum(server_seconds for _, server_seconds in bursts)


def _saves(
    running: dict[str, server.Server], pages: list[str], number: int
) -> tuple[dict[str, load.SaveFigures], machine.CpuUse]:
    """Saves on both sides in turn: each side's figures, and the CPU use, the servers' in SETTINGS' order."""
    print(f"privacy layer, round {number + 1}/{ROUNDS}, saves on both sides in turn...", flush=True)
    browsers = [load.Browser(running[side].url) for side in SETTINGS]
    saves = partial(load.run_saves_in_turn, browsers, pages, seconds=SAVES_SECONDS)
    figures, cpu = machine.least_disturbed(
        [running[side].pid for side in SETTINGS],
        warm_up=partial(saves, most=SAVES_WARMUP, seed=100 + number),
        measure=partial(saves, most=SAVES_MOST, seed=200 + number),
    )
    return dict(zip(SETTINGS, figures, strict=True)), cpu


@dataclass(frozen=True)
class Writes:
    """What a copy of the wiki holds of the privacy layer's writes: proof of what a side's layer did."""

    revisions: int
    edit_events: int
    dnt_requests: int

    def __sub__(self, other: "Writes") -> "Writes":
        return Writes(
            self.revisions - other.revisions,
            self.edit_events - other.edit_events,
            self.dnt_requests - other.dnt_requests,
        )


def _private_writes(database: Path) -> Writes:
    db = sqlite3.connect(database)
    try:
        revisions = db.execute("SELECT count(*) FROM wiki_revision").fetchone()
        events = db.execute("SELECT count(*) FROM privacy_privateevent WHERE event_type = 'edit'").fetchone()
        dnt = db.execute(
            "SELECT coalesce(sum(requests), 0) FROM privacy_browsersignalcount WHERE signal = 'dnt'"
        ).fetchone()
    finally:
        db.close()
    return Writes(revisions[0], events[0], dnt[0])


def _remove(database: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)


def _medians(rounds: list[Round]) -> dict[str, float]:
    def mid(values) -> float:
        return median(list(values))

    return {
        "page views per second": mid(r.page_views.per_second for r in rounds),
        "page view p50 ms": mid(r.page_views.p50_ms for r in rounds),
        "page view p99 ms": mid(r.page_views.p99_ms for r in rounds),
        "page view server CPU ms": mid(
            r.page_view_server_seconds / r.page_views.count * 1000 for r in rounds
        ),
        "saves per second": mid(r.saves.saves.per_second for r in rounds),
        "save p50 ms": mid(r.saves.saves.p50_ms for r in rounds),
        "save p99 ms": mid(r.saves.saves.p99_ms for r in rounds),
        "save server CPU ms": mid(r.save_server_seconds / r.saves.saves.count * 1000 for r in rounds),
    }


def _paired_share(rounds: dict[str, list[Round]], name: str) -> float:
    """The median over rounds of with / without, each round's two measurements taken one after the other."""
    rate = {
        "page views per second": lambda r: r.page_views.per_second,
        "saves per second": lambda r: r.saves.saves.per_second,
    }[name]
    return median(rate(on) / rate(off) for on, off in zip(rounds[WITH], rounds[WITHOUT], strict=True))


def _record(rounds: dict[str, list[Round]], written: dict[str, Writes]) -> report.Record:
    on, off = _medians(rounds[WITH]), _medians(rounds[WITHOUT])
    rows, verdicts = [], []
    for name, unit, share_target in [
        ("page views per second", "/s", True),
        ("page view p50 ms", " ms", False),
        ("page view p99 ms", " ms", False),
        ("page view server CPU ms", " ms", False),
        ("saves per second", "/s", True),
        ("save p50 ms", " ms", False),
        ("save p99 ms", " ms", False),
        ("save server CPU ms", " ms", False),
    ]:
        label = _LABELS[name]
        if share_target:
            share = _paired_share(rounds, name)
            met = share >= SHARE_TARGET
            comparison, target = f"{share:.1%}", f"≥ {SHARE_TARGET:.0%}"
            verdicts.append(
                f"{'PASS' if met else 'MISS'} privacy layer, {label}: with / without ≥ {SHARE_TARGET:.0%} "
                f"(measured {share:.1%}, the median of the rounds' ratios; medians {on[name]:,.0f} against "
                f"{off[name]:,.0f})"
            )
            verdict = "yes" if met else "**no**"
        else:
            comparison, target, verdict = f"{on[name] - off[name]:+.2f} ms", "", ""
        rows.append(
            f"| {label} | {_figure(on[name], unit)} | {_figure(off[name], unit)} | {comparison} | {target} "
            f"| {verdict} |"
        )
    details = [_round_detail(side, rounds[side]) for side in SETTINGS]
    ratios = {
        label: ", ".join(f"{on_round / off_round:.0%}" for on_round, off_round in zip(*pair, strict=True))
        for label, pair in [
            ("page views", ([r.page_views.per_second for r in rounds[side]] for side in (WITH, WITHOUT))),
            ("saves", ([r.saves.saves.per_second for r in rounds[side]] for side in (WITH, WITHOUT))),
        ]
    }
    details.append(
        f"- **with / without, round by round**: page views {ratios['page views']}; saves {ratios['saves']}."
    )
    on_writes, off_writes = written[WITH], written[WITHOUT]
    details.append(
        f"- **What each side wrote** into its copy: {WITH}, {on_writes.edit_events:,} private edit events "
        f"for {on_writes.revisions:,} saves (warm-ups included) and {on_writes.dnt_requests:,} requests with "
        f"DNT counted; {WITHOUT}, {off_writes.edit_events:,} events for {off_writes.revisions:,} saves and "
        f"{off_writes.dnt_requests:,} DNT requests counted."
    )
    figures = {
        f"{side_name} {name}": value
        for side_name, side in [("with", on), ("without", off)]
        for name, value in side.items()
    }
    return report.Record(
        benchmark="privacy-layer",
        section=report.PRIVACY_LAYER,
        rows=rows,
        details=details,
        verdicts=verdicts,
        figures=figures,
    )


_LABELS = {
    "page views per second": "page views, rate",
    "page view p50 ms": "page views, p50",
    "page view p99 ms": "page views, p99",
    "page view server CPU ms": "page views, server CPU per request",
    "saves per second": "saves, logged out, rate",
    "save p50 ms": "saves, logged out, p50",
    "save p99 ms": "saves, logged out, p99",
    "save server CPU ms": "saves, logged out, server CPU per save (form included)",
}


def _figure(value: float, unit: str) -> str:
    return f"{value:,.0f}{unit}" if unit == "/s" else f"{value:.2f}{unit}"


def _round_detail(side: str, rounds: list[Round]) -> str:
    each = "; ".join(
        f"page views {r.page_views.per_second:,.0f}/s (others' CPU {r.page_view_others:.0%}), saves "
        f"{r.saves.saves.per_second:,.0f}/s, p50 {r.saves.saves.p50_ms:.2f} ms, p99 "
        f"{r.saves.saves.p99_ms:.1f} ms (others' CPU {r.save_others:.0%})"
        for r in rounds
    )
    return f"- **{side}**, round by round: {each}."
