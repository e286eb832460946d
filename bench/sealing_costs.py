"""What sealing costs a save, and what making a day unreadable costs, measured in one process.

`python bench/sealing_costs.py` (with the environment of an empty benchmark database, see run.py)
migrates it and prints, as JSON:

- `seal`: SEALS calls of `candor.privacy.sealing.seal` on the values of one request (address, a browser's
  user agent, no X-Forwarded-For) under today's key, each timed: p50 and p99; and of its parts, getting
  the day's key (`keystore().get_or_create`) and the encryption without it;
- `record`: `candor.privacy.capture.record`, the whole private event of a save (sealing, the blind-index
  digests, the INSERT of the event), inside one transaction that is rolled back
  afterwards, like the save's own transaction: p50 and p99;
- `destroy`: `keystore().destroy(day)` for a day sealing SMALL_DAY_ROWS rows and a day sealing
  LARGE_DAY_ROWS rows, DESTROY_REPEATS times each, alternating; before each time the key is put back (written
  and synced like a new key). One row of each day is unsealed before (it must open) and after (it must
  not). The rows are written as bench/expired_events.py writes them.
"""

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, timedelta
from pathlib import Path

import django
from django.core.management import call_command
from django.db import transaction

import machine
import report
import server
from expired_events import SEALED_VALUES, seed
from load import percentile

ROOT = Path(__file__).resolve().parent.parent

SEALS = 20_000
RECORDS = 5_000
WARMUP = 500
SMALL_DAY_ROWS = 10
LARGE_DAY_ROWS = 1_000_000
DESTROY_REPEATS = 7
SEAL_LIMIT_MS = 1.0  # sealing adds less than this to a save, at the p50
SAME_WITHIN_MS = 1.0  # two key destructions take "the same" time when their p50s are this close

METHOD = (
    f"**Sealing** (`sealing`), in one process (`bench/sealing_costs.py`): {SEALS:,} calls of `sealing.seal` "
    "on one request's values (an address and a browser's user agent) under today's key, each timed; the same "
    f"for its two parts, getting the day's key and the encryption; {RECORDS:,} calls of `capture.record` "
    "(sealing, blind-index digests, the INSERT of the event) inside one transaction, rolled "
    f"back. Key destruction: `keystore().destroy(day)` for a day of {SMALL_DAY_ROWS} rows and a day of "
    f"{LARGE_DAY_ROWS:,} (written as for the purge), {DESTROY_REPEATS} times each, "
    "alternating, the key put back before each; a row of the day must open before and must not after. "
    "*Save latency added* is the p50 of logged-out saves with the privacy layer less without it, from the "
    "privacy-layer benchmark."
)


def measure(data_dir: Path, privacy_layer: report.Record | None) -> report.Record:
    """Run this module in its own process, on an empty database in `data_dir`, removed afterwards."""
    print("sealing: seal(), capture.record() and key destruction, in one process...", flush=True)
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    env = server.environment(data_dir, data_dir / "candor.sqlite3")
    machine.wait_until_quiet(machine.QUIET_WAIT_SECONDS)
    command = [sys.executable, str(Path(__file__).resolve())]
    try:
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    if done.returncode != 0:
        raise SystemExit(f"the sealing measurements failed:\n{done.stderr}")
    return _record(json.loads(done.stdout), privacy_layer)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "candor.settings")
    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    json.dump({"seal": _seal(), "record": _capture(), "destroy": _destroy()}, sys.stdout)


def _timed(call: Callable[[], object], times: int) -> dict[str, float]:
    for _ in range(WARMUP):
        call()
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return {
        "p50_ms": percentile(samples, 50) * 1000,
        "p99_ms": percentile(samples, 99) * 1000,
        "calls": times,
    }


def _seal() -> dict:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from candor.privacy import clock, sealing
    from candor.privacy.keystore import keystore

    today = clock.now().astimezone(UTC).date()
    key = keystore().get_or_create(today)
    aad = today.isoformat().encode()

    def encrypt_only() -> bytes:  # seal() less getting the key
        nonce = os.urandom(sealing.NONCE_BYTES)
        plaintext = json.dumps(SEALED_VALUES, separators=(",", ":")).encode()
        return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)

    return {
        "whole": _timed(lambda: sealing.seal(SEALED_VALUES, today), SEALS),
        "key": _timed(lambda: keystore().get_or_create(today), SEALS),
        "encryption": _timed(encrypt_only, SEALS),
    }


def _capture() -> dict:
    from candor.privacy import capture
    from candor.privacy.capture import RequestMeta
    from candor.privacy.models import EventType

    meta = RequestMeta(**SEALED_VALUES)

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            timed = _timed(lambda: capture.record(EventType.EDIT, meta, target="revision:1"), RECORDS)
            raise Rollback
    except Rollback:
        pass
    return timed


def _destroy() -> dict:
    from candor.privacy import clock
    from candor.privacy.capture import unseal
    from candor.privacy.keystore import keystore
    from candor.privacy.models import PrivateEvent

    store = keystore()
    today = clock.now().astimezone(UTC).date()
    small, large = today - timedelta(days=2), today - timedelta(days=1)
    started = time.monotonic()
    seed(SMALL_DAY_ROWS, small, 1)
    seed(LARGE_DAY_ROWS, large, 1)
    seeding = time.monotonic() - started
    counts = {day: PrivateEvent.objects.filter(sealed_on=day).count() for day in (small, large)}
    keys = {day: store.get(day) for day in (small, large)}
    samples: dict = {small: [], large: []}
    for _ in range(DESTROY_REPEATS):
        for day in (small, large):
            _put_back(store.directory / f"{day.isoformat()}.key", keys[day])
            if unseal(PrivateEvent.objects.filter(sealed_on=day).first()) is None:
                raise SystemExit(f"the rows of {day} do not open under their key")
            began = time.perf_counter()
            if not store.destroy(day):
                raise SystemExit(f"there was no key of {day} to destroy")
            samples[day].append(time.perf_counter() - began)
            if unseal(PrivateEvent.objects.filter(sealed_on=day).first()) is not None:
                raise SystemExit(f"a row of {day} still opens after its key was destroyed")
    return {
        "seeding_seconds": seeding,
        "days": [
            {
                "rows": counts[day],
                "p50_ms": percentile(samples[day], 50) * 1000,
                "slowest_ms": max(samples[day]) * 1000,
                "times": len(samples[day]),
            }
            for day in (small, large)
        ],
    }


def _put_back(path, key: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key)
        handle.flush()
        os.fsync(handle.fileno())


def _record(measured: dict, privacy_layer: report.Record | None) -> report.Record:
    seal, parts, record = measured["seal"]["whole"], measured["seal"], measured["record"]
    small, large = measured["destroy"]["days"]
    seal_met = seal["p50_ms"] < SEAL_LIMIT_MS
    same = abs(large["p50_ms"] - small["p50_ms"]) < SAME_WITHIN_MS
    rows = [
        f"| `sealing.seal()` alone, p50 | {seal['p50_ms'] * 1000:.0f} µs | p50 < {SEAL_LIMIT_MS:g} ms "
        f"| {'yes' if seal_met else '**no**'} |",
        "| `capture.record()` (sealing, digests, the INSERT of the event) in a transaction, "
        f"p50 | {record['p50_ms'] * 1000:.0f} µs | | |",
    ]
    verdicts = [
        f"{'PASS' if seal_met else 'MISS'} sealing.seal() alone: p50 < {SEAL_LIMIT_MS:g} ms "
        f"(measured {seal['p50_ms'] * 1000:.0f} µs)"
    ]
    figures = {
        "seal p50 ms": seal["p50_ms"],
        "record p50 ms": record["p50_ms"],
        "destroy small p50 ms": small["p50_ms"],
        "destroy large p50 ms": large["p50_ms"],
    }
    if privacy_layer is None:
        rows.append(
            "| save p50 with the privacy layer less without it | not measured: run privacy-layer | | |"
        )
    else:
        added = privacy_layer.figures["with save p50 ms"] - privacy_layer.figures["without save p50 ms"]
        met = added < SEAL_LIMIT_MS
        dated = "" if not privacy_layer.when else f" (privacy-layer run of {privacy_layer.when})"
        rows.append(
            f"| save p50 with the privacy layer less without it{dated} | {added:+.2f} ms "
            f"| < {SEAL_LIMIT_MS:g} ms | {'yes' if met else '**no**'} |"
        )
        verdicts.append(
            f"{'PASS' if met else 'MISS'} save latency added by the privacy layer (capture "
            f"included): p50 < {SEAL_LIMIT_MS:g} ms (measured {added:+.2f} ms){dated}"
        )
        figures["save p50 added ms"] = added
    for day in (small, large):
        rows.append(
            f"| `keystore().destroy(day)`, a day of {day['rows']:,} rows, p50 (slowest) "
            f"| {day['p50_ms']:.2f} ms ({day['slowest_ms']:.2f} ms) | the same for both "
            f"| {'yes' if same else '**no**'} |"
        )
    verdicts.append(
        f"{'PASS' if same else 'MISS'} key destruction takes the same time for {small['rows']:,} and "
        f"{large['rows']:,} rows: p50s within {SAME_WITHIN_MS:g} ms (measured {small['p50_ms']:.2f} and "
        f"{large['p50_ms']:.2f} ms)"
    )
    details = [
        f"- **Sealing**: `seal()` p50 {seal['p50_ms'] * 1000:.0f} µs, p99 {seal['p99_ms'] * 1000:.0f} µs "
        f"over {seal['calls']:,} calls; of which getting the day's key (`keystore().get_or_create`) p50 "
        f"{parts['key']['p50_ms'] * 1000:.1f} µs, and JSON plus AES-GCM without it p50 "
        f"{parts['encryption']['p50_ms'] * 1000:.0f} µs. `capture.record()` p50 "
        f"{record['p50_ms'] * 1000:.0f} µs, p99 {record['p99_ms'] * 1000:.0f} µs over {record['calls']:,} "
        "calls.",
        f"- **Key destruction**: {DESTROY_REPEATS} times for each day, alternating; the rows were written in "
        f"{measured['destroy']['seeding_seconds']:.1f} s; a row of each day opened before each destruction "
        "and did not after it.",
    ]
    return report.Record(
        benchmark="sealing",
        section=report.RETENTION,
        rows=rows,
        details=details,
        verdicts=verdicts,
        figures=figures,
    )


if __name__ == "__main__":
    main()
