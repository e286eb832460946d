"""The machine the figures come from, and who used its CPU while they were measured.

The benchmark shares the machine with whatever else runs (a test suite, an editor), and two cores leave no
slack: so before each measurement it waits, for a bounded time, until other programs are quiet, and
during it it counts the CPU time of the server (the gunicorn processes), of the load generator (wrk or the
save client) and of everything else, from /proc (Linux).
"""

import os
import platform
import resource
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")
QUIET_SHARE = 0.10  # other programs using at most this share of all the cores
DISTURBED_SHARE = 0.25  # a measurement during which they used more is taken again
QUIET_WAIT_SECONDS = 30  # the longest wait for quiet before a measurement
ATTEMPTS = 3  # the most times a disturbed measurement is taken


def describe() -> dict[str, str]:
    cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    models = [line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if "model name" in line]
    memory_kib = int(Path("/proc/meminfo").read_text(encoding="utf-8").split()[1])
    return {
        "cores (nproc)": str(os.cpu_count()),
        "CPU": models[0] if models else "unknown",
        "memory": f"{memory_kib / 1024**2:.0f} GiB",
        "kernel": f"Linux {platform.release()}",
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "Django": version("django"),
        "gunicorn": version("gunicorn"),
    }


def _busy_seconds() -> float:
    """CPU time spent by the whole machine since boot, all cores, idle and I/O wait excluded."""
    fields = [int(value) for value in Path("/proc/stat").read_text(encoding="utf-8").split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND


def _process_tree_seconds(root: int) -> float:
    """CPU time of the live process `root` and its live descendants."""
    total, pending = 0.0, [root]
    while pending:
        pid = pending.pop()
        try:
            stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text(encoding="utf-8").split()
        except OSError:
            continue  # it ended since we looked
        fields = stat.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
        total += (int(fields[11]) + int(fields[12])) / TICKS_PER_SECOND  # utime, stime
        pending.extend(int(child) for child in children)
    return total


def _own_seconds() -> float:
    """CPU time of this process and of its children that have ended (wrk, once a run is over)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    ended = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + ended.ru_utime + ended.ru_stime


@dataclass(frozen=True)
class CpuUse:
    """Shares of the whole machine's CPU (1.0 = every core busy) over a measurement."""

    server: float
    load_generator: float
    others: float
    each_server_seconds: tuple[float, ...]  # in the order the servers were named

    @property
    def server_seconds(self) -> float:
        return sum(self.each_server_seconds)


def cpu_during(server_pids: Sequence[int], work: Callable[[], T]) -> tuple[T, CpuUse]:
    """Run `work()` and count the CPU time the servers' process trees (if there are servers), this process
    with its children (the load generator, or a command it runs), and the rest of the machine spent
    meanwhile."""
    before = _sample(server_pids)
    result = work()
    after = _sample(server_pids)
    wall, busy, own = (end - start for end, start in zip(after[:3], before[:3], strict=True))
    each_server = tuple(end - start for end, start in zip(after[3], before[3], strict=True))
    server = sum(each_server)
    capacity = wall * (os.cpu_count() or 1)
    use = CpuUse(
        server=server / capacity,
        load_generator=own / capacity,
        others=max(0.0, busy - server - own) / capacity,
        each_server_seconds=each_server,
    )
    return result, use


def _sample(server_pids: Sequence[int]) -> tuple[float, float, float, tuple[float, ...]]:
    servers = tuple(_process_tree_seconds(pid) for pid in server_pids)
    return time.monotonic(), _busy_seconds(), _own_seconds(), servers


def wait_until_quiet(most_seconds: float, window_seconds: float = 2.0) -> None:
    """Wait, up to `most_seconds`, for a window in which other programs keep under QUIET_SHARE of the
    cores busy (this process and its children are idle meanwhile)."""
    cores = os.cpu_count() or 1
    started = time.monotonic()
    waiting = False
    while True:
        before = _busy_seconds()
        time.sleep(window_seconds)
        share = (_busy_seconds() - before) / (window_seconds * cores)
        waited = time.monotonic() - started
        if share <= QUIET_SHARE:
            if waiting:
                print(f"  quiet after {waited:.0f} s", flush=True)
            return
        if waited >= most_seconds:
            print(f"  still {share:.0%} busy after {waited:.0f} s: going ahead", flush=True)
            return
        if not waiting:
            print(f"  other programs keep {share:.0%} of the CPU busy: waiting for quiet...", flush=True)
            waiting = True


def least_disturbed(
    server_pids: Sequence[int], *, warm_up: Callable[[], object], measure: Callable[[], T]
) -> tuple[T, CpuUse]:
    """Warm up and measure, again while other programs disturbed it (ATTEMPTS at most): the least
    disturbed measurement."""
    best: tuple[T, CpuUse] | None = None
    for _ in range(ATTEMPTS):
        wait_until_quiet(QUIET_WAIT_SECONDS)
        warm_up()
        figures, cpu = cpu_during(server_pids, measure)
        if best is None or cpu.others < best[1].others:
            best = figures, cpu
        if cpu.others <= DISTURBED_SHARE:
            break
        print(f"  other programs used {cpu.others:.0%} of the CPU meanwhile: measuring again", flush=True)
    assert best is not None
    return best
