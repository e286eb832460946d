"""How fast a CheckUser lookup answers over a large private-event table (issue 5 speed targets).

`.venv/bin/python bench/lookups.py [ACCOUNT_EVENTS] [RANGE_EVENTS] [--reuse]` builds a fresh SQLite
database (with --reuse, keeps the last one) in var/bench-lookups, with its own CANDOR_DATA_DIR and key
directory, never the working database. It holds ACCOUNT_EVENTS events of one account (default 100,000)
over the last 60 days, from 40 addresses and 6 browsers, and RANGE_EVENTS logged-out events (default
1,000,000) from addresses all over 198.18.0.0/16, each sealed and indexed as
`candor.privacy.capture.record` does (the same seal, pair digest and blind-index functions; one seal per
distinct day, address and browser, reused, which is what makes a million rows quick to write). Then it
times `reveal_account_addresses` for the account and `reveal_address_activity` for the /16, 15 times
each, and prints p50 and p90. Target: p50 under 200 ms.
"""

import os
import random
import shutil
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "var" / "bench-lookups"
TARGET_MS = 200
RUNS = 15


def setup(reuse: bool) -> None:
    if not reuse:
        shutil.rmtree(DATA_DIR, ignore_errors=True)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    os.environ["CANDOR_DATA_DIR"] = str(DATA_DIR)
    os.environ["CANDOR_KEY_DIR"] = str(DATA_DIR / "keys")
    os.environ["DATABASE_URL"] = f"sqlite:///{DATA_DIR / 'candor.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "candor.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def seed(account_events: int, range_events: int):
    from dataclasses import asdict

    from django.contrib.auth import get_user_model
    from django.db import transaction

    from candor.privacy import blind_index, sealing
    from candor.privacy.capture import RequestMeta
    from candor.privacy.models import PrivateEvent

    rng = random.Random(7)
    now = datetime.now(UTC)
    account = get_user_model().objects.create_user(username="Suspect")
    sealed: dict = {}

    def event(actor, ip: str, agent: str, at: datetime) -> PrivateEvent:
        day = at.date()
        if (day, ip, agent) not in sealed:
            meta = RequestMeta(ip=ip, user_agent=agent)
            sealed[(day, ip, agent)] = (
                sealing.seal(asdict(meta), day),
                blind_index.pair_digest(ip, agent, day),
                blind_index.network_key(ip, day),
            )
        blob, pair, network_key = sealed[(day, ip, agent)]
        return PrivateEvent(
            event_type="edit",
            at=at,
            actor=actor,
            sealed_on=day,
            sealed=blob,
            pair_digest="" if actor is None else pair,  # as capture.record: none without an account
            network_key=network_key,
        )

    def write(rows: list) -> None:
        with transaction.atomic():
            PrivateEvent.objects.bulk_create(rows, batch_size=5000)

    addresses = [f"203.0.113.{n}" for n in range(40)]
    agents = [f"Browser/{n}.0 (bench)" for n in range(6)]
    rows = []
    for _ in range(account_events):
        at = now - timedelta(seconds=rng.randrange(60 * 86400))
        rows.append(event(account, rng.choice(addresses), rng.choice(agents), at))
        if len(rows) == 50_000:
            write(rows)
            rows = []
    for _ in range(range_events):
        at = now - timedelta(seconds=rng.randrange(60 * 86400))
        ip = f"198.18.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        rows.append(event(None, ip, rng.choice(agents), at))
        if len(rows) == 50_000:
            write(rows)
            rows = []
    if rows:
        write(rows)
    return account


def timed(call) -> list[float]:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    arguments = [argument for argument in sys.argv[1:] if argument != "--reuse"]
    reuse = "--reuse" in sys.argv and (DATA_DIR / "candor.sqlite3").exists()
    account_events = int(arguments[0]) if arguments else 100_000
    range_events = int(arguments[1]) if len(arguments) > 1 else 1_000_000
    setup(reuse)

    from django.contrib.auth import get_user_model

    if reuse:
        account = get_user_model().objects.get(username="Suspect")
    else:
        started = time.perf_counter()
        account = seed(account_events, range_events)
        print(f"seeded {account_events:,} account events and {range_events:,} range events "
              f"in {time.perf_counter() - started:.0f} s")  # fmt: skip

    from candor.privacy import access

    users = get_user_model().objects
    checkuser = users.filter(username="Checker").first() or users.create_user(username="Checker")
    reason = "benchmark of the lookup path"
    lookups = {
        f"account with {account_events:,} events": lambda: access.reveal_account_addresses(
            checkuser, account, reason=reason
        ),
        f"/16 with {range_events:,} events": lambda: access.reveal_address_activity(
            checkuser, "198.18.0.0/16", reason=reason
        ),
    }
    for name, call in lookups.items():
        times = sorted(timed(call))
        p50, p90 = statistics.median(times), times[int(len(times) * 0.9) - 1]
        verdict = "pass" if p50 < TARGET_MS else "MISS"
        print(f"{name:36} p50 {p50:7.1f} ms  p90 {p90:7.1f} ms  (target p50 < {TARGET_MS} ms: {verdict})")


if __name__ == "__main__":
    main()
