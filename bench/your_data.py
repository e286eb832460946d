"""How long a person's copy, erasure and renaming take for a very active account (issue 8 speed targets).

`.venv/bin/python bench/your_data.py [REVISIONS] [EVENTS] [--postgres] [--reuse]` builds a fresh database
(SQLite in var/bench-your-data, or with --postgres the database named by CANDOR_BENCH_POSTGRES_URL, by
default postgres://postgres@127.0.0.1:5432/candor_bench_your_data, dropped and created again), with its own
CANDOR_DATA_DIR and key directory, never the working database. One account gets REVISIONS revisions (default
100,000) over 1,000 pages and EVENTS private events (default 50,000), sealed as `privacy.capture.record`
seals them, plus a watchlist, notifications, consents and survey answers. Then, each in a fresh process so
that its peak memory (ru_maxrss, the Python and Django baseline included) is its own, it times:

- the copy (`yourdata.export.build`), target < 10 s and peak memory < 300 MB;
- the renaming (`yourdata.vanishing.rename`), target < 30 s;
- the erasure (`yourdata.erasure.erase`), target < 10 s.
"""

import os
import random
import resource
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import django

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "var" / "bench-your-data"
POSTGRES_URL = os.environ.get(
    "CANDOR_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/candor_bench_your_data"
)
TARGETS = {"export": (10, 300), "rename": (30, None), "erasure": (10, None)}
NAME = "Very Active"


def configure(postgres: bool) -> None:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    os.environ["CANDOR_DATA_DIR"] = str(DATA_DIR)
    os.environ["CANDOR_KEY_DIR"] = str(DATA_DIR / "keys")
    os.environ["CANDOR_EXPORT_DIR"] = str(DATA_DIR / "exports")
    os.environ["DATABASE_URL"] = POSTGRES_URL if postgres else f"sqlite:///{DATA_DIR / 'candor.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "candor.settings")
    django.setup()


def recreate_postgres() -> None:
    import psycopg

    address = urlsplit(POSTGRES_URL)
    name = address.path.lstrip("/")
    with psycopg.connect(address._replace(path="/postgres").geturl(), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')  # the bench's own database only
        connection.execute(f'CREATE DATABASE "{name}"')


def seed(revisions: int, events: int) -> None:
    from dataclasses import asdict

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction

    from candor.notify.models import Notification, Watch
    from candor.privacy import blind_index, sealing
    from candor.privacy.capture import RequestMeta
    from candor.privacy.consent import Consent
    from candor.privacy.models import PrivateEvent
    from candor.wiki.models import Page, Revision

    call_command("migrate", verbosity=0, interactive=False)
    rng = random.Random(8)
    now = datetime.now(UTC)
    user = get_user_model().objects.create_user(NAME, "bench passphrase", "very-active@example.org")
    with transaction.atomic():
        pages = Page.objects.bulk_create(
            Page(namespace=0, title=f"Bench_page_{n}", created_at=now) for n in range(1000)
        )
        user_page = Page.objects.create(namespace=2, title=NAME.replace(" ", "_"), created_at=now)
        rows = [
            Revision(page=pages[n % 1000], user=user, timestamp=now - timedelta(seconds=n),
                     summary=f"edit {n}", text=f"Edit {n}.", size=16, html=f"<p>Edit {n}.</p>")
            for n in range(revisions)
        ]  # fmt: skip
        rows.append(Revision(page=user_page, user=user, timestamp=now, text="Me.", size=3, html="<p>Me.</p>"))
        Revision.objects.bulk_create(rows, batch_size=5000)
        Watch.objects.bulk_create(Watch(user=user, page=page, created_at=now) for page in pages[:500])
        watched = Revision.objects.filter(page__in=pages[:500]).order_by("id")[:2000]
        Notification.objects.bulk_create(
            Notification(user=user, kind="watched_page_edited", page_id=r.page_id, revision=r, created_at=now)
            for r in watched
        )
        Consent.objects.bulk_create(
            Consent(user=user, purpose="news", granted=True, at=now, notice_version="1", notice_text="News.")
            for _ in range(10)
        )
    sealed: dict = {}
    batch = []
    for n in range(events):
        at = now - timedelta(seconds=rng.randrange(60 * 86400))
        day, ip, agent = at.date(), f"203.0.113.{rng.randrange(40)}", f"Browser/{rng.randrange(6)}.0"
        if (day, ip, agent) not in sealed:
            sealed[(day, ip, agent)] = (
                sealing.seal(asdict(RequestMeta(ip=ip, user_agent=agent)), day),
                blind_index.pair_digest(ip, agent, day),
                blind_index.network_key(ip, day),
            )
        blob, pair, network_key = sealed[(day, ip, agent)]
        batch.append(PrivateEvent(event_type="edit", at=at, actor=user, target=f"revision:{n}", sealed_on=day,
                                  sealed=blob, pair_digest=pair, network_key=network_key))  # fmt: skip
        if len(batch) == 10_000:
            PrivateEvent.objects.bulk_create(batch)
            batch = []
    PrivateEvent.objects.bulk_create(batch)


def phase(name: str) -> None:
    """One measured operation, in this (fresh) process; prints seconds and peak memory in MB."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from candor.yourdata import erasure, export, vanishing

    user = get_user_model().objects.get(username__in=[NAME, *_renamed()])
    started = time.perf_counter()
    if name == "export":
        path = DATA_DIR / "exports" / "bench.zip"
        path.parent.mkdir(parents=True, exist_ok=True)
        counts = export.build(user, path)
        detail = f"{sum(counts.values()):,} rows, {path.stat().st_size / 1e6:.1f} MB zipped"
    elif name == "rename":
        with transaction.atomic():
            vanishing.rename(user, vanishing.neutral_name())
        detail = f"now {user.username}"
    else:
        done = erasure.erase(user)
        detail = f"{sum(done.values()):,} rows deleted or emptied"
    seconds = time.perf_counter() - started
    peak_mb = _peak_kb() / 1024
    print(f"{name}\t{seconds:.2f}\t{peak_mb:.0f}\t{detail}")


def _peak_kb() -> int:
    """This process's peak resident memory. Not ru_maxrss: Linux carries it over from the parent across
    exec, so a phase would report the seeding's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _renamed() -> list[str]:
    from django.contrib.auth import get_user_model

    return list(
        get_user_model()
        .objects.filter(username__startswith="Renamed user ")
        .values_list("username", flat=True)
    )


def main() -> None:
    postgres = "--postgres" in sys.argv
    if len(sys.argv) > 2 and sys.argv[1] == "--phase":
        configure(postgres)
        phase(sys.argv[2])
        return
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    revisions = int(arguments[0]) if arguments else 100_000
    events = int(arguments[1]) if len(arguments) > 1 else 50_000
    if "--reuse" not in sys.argv:
        shutil.rmtree(DATA_DIR, ignore_errors=True)
        if postgres:
            recreate_postgres()
        configure(postgres)
        started = time.perf_counter()
        seed(revisions, events)
        took = time.perf_counter() - started
        print(f"seeded {revisions:,} revisions and {events:,} private events in {took:.0f} s")
    database = "PostgreSQL" if postgres else "SQLite"
    for name in ("export", "rename", "erasure"):
        command = [sys.executable, __file__, "--phase", name, *(["--postgres"] if postgres else [])]
        output = (
            subprocess.run(command, capture_output=True, text=True, check=True)
            .stdout.strip()
            .splitlines()[-1]
        )
        _, seconds, peak, detail = output.split("\t")
        limit_s, limit_mb = TARGETS[name]
        verdict = (
            "pass" if float(seconds) < limit_s and (limit_mb is None or float(peak) < limit_mb) else "MISS"
        )
        memory = f", peak {peak} MB (target < {limit_mb} MB)" if limit_mb else f", peak {peak} MB"
        timing = f"{float(seconds):6.2f} s (target < {limit_s} s)"
        print(f"{database} {name:8} {timing}{memory}: {verdict}  [{detail}]")


if __name__ == "__main__":
    main()
