"""How long `candor auditlog verify` takes over a million entries of the privileged-access log.

`.venv/bin/python bench/audit_verify.py [ENTRIES]` builds a fresh SQLite database in var/bench-audit (its
own CANDOR_DATA_DIR, never the working database), fills it with ENTRIES chained entries (default
1,000,000) and times `candor.privacy.audit.verify()` over them, then a few `append()`s on top. The entries
are hashed with the same `chain_hash` that `append()` uses and inserted with bulk_create, which is how the
benchmark can write a million of them in reasonable time; the chain they form is the one `append()` would
have built. Targets: verify < 30 s for a million entries; an append costs the same whatever the log size.
"""

import os
import shutil
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "var" / "bench-audit"
BATCH = 10_000
TARGET_SECONDS = 30
APPENDS = 200


def setup() -> None:
    shutil.rmtree(DATA_DIR, ignore_errors=True)
    DATA_DIR.mkdir(parents=True)
    os.environ["CANDOR_DATA_DIR"] = str(DATA_DIR)
    os.environ["DATABASE_URL"] = f"sqlite:///{DATA_DIR / 'candor.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "candor.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def build(entries: int) -> float:
    """Write `entries` chained entries by a few checkusers about many targets; returns the seconds taken."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from candor.privacy.audit import GENESIS, AccessEventType, AccessLogEntry, AuditChainHead, chain_hash

    started = time.perf_counter()
    actors = [get_user_model().objects.create_user(username=f"Checkuser{n}").pk for n in range(5)]
    kinds = [AccessEventType.LOOKUP_ACCOUNT, AccessEventType.LOOKUP_ADDRESS, AccessEventType.LOOKUP_RANGE]
    first = datetime(2026, 1, 1, tzinfo=UTC)
    previous, batch = GENESIS, []
    with transaction.atomic():
        for n in range(entries):
            fields = {
                "at": first + timedelta(seconds=n * 7, microseconds=n % 1_000_000),
                "actor_id": actors[n % len(actors)],
                "event_type": kinds[n % 3].value,
                "target": f"user:{n % 50_000}" if n % 3 == 0 else f"range:198.51.{n % 256}.0/24",
                "reason": f"long-term abuse case {n % 997}: sockpuppets editing the same pages",
                "result_count": n % 40,
            }
            entry_hash = chain_hash(previous, **fields)
            batch.append(AccessLogEntry(previous_hash=previous, entry_hash=entry_hash, **fields))
            previous = entry_hash
            if len(batch) == BATCH:
                AccessLogEntry.objects.bulk_create(batch)
                batch = []
        AccessLogEntry.objects.bulk_create(batch)
        last_id = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first()
        AuditChainHead.objects.create(pk=1, entry_id=last_id, entry_hash=previous)
    return time.perf_counter() - started


def main(entries: int) -> int:
    setup()
    from django.contrib.auth import get_user_model

    from candor.privacy import audit

    built = build(entries)
    size = (DATA_DIR / "candor.sqlite3").stat().st_size
    print(f"built {entries:,} chained entries in {built:.1f} s (database file {size / 1e6:.0f} MB)")

    started = time.perf_counter()
    result = audit.verify()
    verified = time.perf_counter() - started
    print(f"verify(): {result} in {verified:.1f} s ({verified / max(entries, 1) * 1e6:.1f} µs an entry)")

    actor = get_user_model().objects.get(username="Checkuser0")
    started = time.perf_counter()
    for n in range(APPENDS):
        audit.append(event_type="lookup_account", actor=actor, target=f"user:{n}", reason="bench: one more")
    appended = time.perf_counter() - started
    print(f"append() on top of them: {appended / APPENDS * 1000:.2f} ms each ({APPENDS} appends)")

    ok = result.ok and result.checked == entries and verified < TARGET_SECONDS
    print(f"target verify < {TARGET_SECONDS} s: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000))
