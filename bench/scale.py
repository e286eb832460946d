"""Growth curves (issue 19 §1): how each request's time grows from 10,000 to 100,000 pages (1,000,000 with
`--sizes`).

`.venv/bin/python bench/scale.py [--sizes 10000,100000] [--revisions-per-page 4] [--long-history 20000]`
(`make bench-scale`). Each size is a wiki of its own, under var/bench/scale-<N>/ (on SQLite; with
DATABASE_URL set to a PostgreSQL server, in the database `candor_bench_scale_<N>` of that server), built
afresh on every run: the measurement saves, purges and erases, so a wiki is not measured twice. Each size
runs in a child process, since Django is configured once per process.

The wiki is written in bulk, not one save at a time, but with the rows the save path writes: the same
revision columns (text, size, the HTML `content.render` makes of it, the parent chain, `page.latest`), one
search entry per page with its latest text, and one private `edit` event per revision, sealed, paired and
indexed as `capture.record` does (one seal per distinct day, address and browser, reused). A quarter of the
edits are logged out (the revision holds the public IP). Texts come from a pool of 64 seeded Markdown
texts, rendered once. One page ("Long history") has `--long-history` revisions.

Each request is timed in-process through Django's test client (the full middleware stack, no network), 15
times after 2 warm-ups; the p50 goes into docs/performance.md's table and docs/scale.png (on PostgreSQL,
docs/scale-postgresql.png).
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
RUNS, WARM = 15, 2
LOGGED_OUT_SHARE = 0.25
EDITORS = 50
POOL = 64
LONG_TITLE = "Long_history"
ADDRESSES = [f"203.0.113.{n}" for n in range(1, 255)] + [f"198.51.100.{n}" for n in range(1, 255)]
AGENTS = [f"Browser/{n}.0 (bench)" for n in range(6)]
WORDS = (
    "archive river lantern meadow harbour quarry signal orchard beacon ledger valley compass granite "
    "thistle canal bridge market chapel forge mill tower garden station library theatre island harvest"
).split()
RARE_WORD = "zeppelinfield"  # in one page only
OPERATIONS = [
    "page view",
    "history, first page",
    "history, deep page",
    "diff",
    "recent changes",
    "an IP's contributions",
    "search, common word",
    "search, rare word",
    "search, title",
    "save",
    "CheckUser lookup",
    "purge of a day",
    "a person's copy",
    "an erasure",
]


def configure(pages: int) -> None:
    url = os.environ.get("DATABASE_URL", "")
    data_dir = BENCH_DIR / f"scale-{pages}"
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["CANDOR_DATA_DIR"] = str(data_dir)
    os.environ["CANDOR_KEY_DIR"] = str(data_dir / "keys")
    os.environ["CANDOR_EXPORT_DIR"] = str(data_dir / "exports")
    os.environ["CANDOR_HTTPS"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1"
    if url.startswith("postgres"):
        base, _, _ = url.rpartition("/")
        os.environ["DATABASE_URL"] = f"{base}/candor_bench_scale_{pages}"
        _create_postgres(base, f"candor_bench_scale_{pages}")
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{data_dir / 'candor.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "candor.settings")
    import django

    django.setup()


def _create_postgres(base: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')  # the benchmark's own database only


def _texts(rng: random.Random) -> list[str]:
    texts = []
    for n in range(POOL):
        paragraphs = []
        for _ in range(rng.randint(2, 6)):
            words = rng.choices(WORDS, k=rng.randint(20, 60))
            paragraphs.append(" ".join(words).capitalize() + f". See [[{rng.choice(WORDS).title()} {n}]].")
        texts.append("\n\n".join(paragraphs) + "\n")
    return texts


def build(pages: int, revisions_per_page: int, long_history: int) -> None:
    from dataclasses import asdict

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction

    from candor.privacy import blind_index, sealing
    from candor.privacy.capture import RequestMeta
    from candor.privacy.models import PrivateEvent
    from candor.wiki import content
    from candor.wiki.models import Page, Revision, SearchEntry

    call_command("migrate", verbosity=0, interactive=False)
    rng = random.Random(pages)
    now = datetime.now(UTC)
    users = get_user_model().objects
    editors = [users.create_user(username=f"Editor {n}") for n in range(EDITORS)]
    texts = _texts(rng)
    html = [content.render(text, "markdown") for text in texts]
    rare = texts[0].replace("archive", RARE_WORD, 1)
    sealed: dict = {}

    def event(revision: Revision, agent: str) -> PrivateEvent:
        day, ip = revision.timestamp.date(), ADDRESSES[revision.pk % len(ADDRESSES)]
        if (day, ip, agent) not in sealed:
            sealed[(day, ip, agent)] = (
                sealing.seal(asdict(RequestMeta(ip=ip, user_agent=agent)), day),
                blind_index.pair_digest(ip, agent, day),
                blind_index.network_key(ip, day),
            )
        blob, pair, network_key = sealed[(day, ip, agent)]
        return PrivateEvent(
            event_type="edit",
            at=revision.timestamp,
            actor_id=revision.user_id,
            target=f"revision:{revision.pk}",
            sealed_on=day,
            sealed=blob,
            pair_digest="" if revision.user_id is None else pair,
            network_key=network_key,
        )

    started = now - timedelta(days=90)
    titles = [LONG_TITLE] + [f"{rng.choice(WORDS).title()}_{rng.choice(WORDS)}_{n}" for n in range(pages - 1)]
    with transaction.atomic():
        page_rows = Page.objects.bulk_create(
            (Page(namespace=0, title=t, created_at=started, content_model="markdown") for t in titles),
            batch_size=5000,
        )
    page_ids = [page.pk for page in page_rows]
    # Round r writes revision r of every page (the long page gets the rest at the end), so that a page's
    # revisions are spread through the table as on a real wiki; each round knows the last one's ids.
    rounds = [page_ids] * revisions_per_page + [[page_ids[0]]] * (long_history - revisions_per_page)
    total = sum(len(r) for r in rounds)
    step = timedelta(days=89) / total
    parent: dict[int, int] = {}
    written = 0
    batch: list[Revision] = []

    def flush() -> None:
        with transaction.atomic():
            saved = Revision.objects.bulk_create(batch, batch_size=2000)
            for revision in saved:
                parent[revision.page_id] = revision.pk
            PrivateEvent.objects.bulk_create(
                (event(revision, AGENTS[revision.pk % len(AGENTS)]) for revision in saved), batch_size=5000
            )
        batch.clear()

    for ids in rounds:
        for page_id in ids:
            choice = rng.randrange(POOL)
            text = rare if page_id == page_ids[-1] else texts[choice]
            logged_out = rng.random() < LOGGED_OUT_SHARE
            batch.append(
                Revision(
                    page_id=page_id,
                    parent_id=parent.get(page_id),
                    timestamp=started + written * step,
                    user=None if logged_out else editors[rng.randrange(EDITORS)],
                    ip=rng.choice(ADDRESSES) if logged_out else None,
                    summary="bench edit",
                    text=text,
                    size=len(text.encode()),
                    html=html[choice] if text is not rare else content.render(rare, "markdown"),
                )
            )
            written += 1
        if len(batch) >= 20_000 or ids is rounds[-1]:
            flush()
    if batch:
        flush()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE wiki_page SET latest_id = "
            "(SELECT MAX(r.id) FROM wiki_revision r WHERE r.page_id = wiki_page.id)"
        )
        # A subquery, not a list of ids: a million ids are more variables than SQLite takes in one statement.
        latest = dict(
            Revision.objects.filter(id__in=Page.objects.values("latest_id")).values_list("page_id", "text")
        )
        SearchEntry.objects.bulk_create(
            (
                SearchEntry(page_id=p, title=t.replace("_", " "), body=latest[p])
                for p, t in zip(page_ids, titles, strict=True)
            ),
            batch_size=5000,
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _timed(call) -> float:
    for _ in range(WARM):
        call()
    times = []
    for _ in range(RUNS):
        began = time.perf_counter()
        call()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def measure(pages: int) -> dict[str, float]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from candor.privacy import access, clock, retention
    from candor.wiki.models import Page, Revision
    from candor.yourdata import erasure, export

    reader = Client(REMOTE_ADDR="203.0.113.200")
    long_page = Page.objects.get(title=LONG_TITLE)
    middle = Page.objects.order_by("id")[pages // 2]
    deep = (
        Revision.objects.filter(page=long_page)
        .order_by("-id")
        .values_list("id", flat=True)[min(4_000, Revision.objects.filter(page=long_page).count() - 1)]
    )
    older, newer = Revision.objects.filter(page=middle).order_by("-id").values_list("id", flat=True)[:2][::-1]
    ip = Revision.objects.filter(ip__isnull=False).values_list("ip", flat=True).first()
    users = get_user_model().objects
    editor = users.get(username="Editor 7")
    checkuser = users.filter(username="Checker").first() or users.create_user(username="Checker")

    def get(url: str):
        def call():
            response = reader.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return call

    def save():
        from candor.privacy.capture import RequestMeta
        from candor.publiclog.titles import parse
        from candor.wiki.actions import do_save_revision

        title = parse("Sandbox")
        page = Page.objects.filter(title="Sandbox").first()
        do_save_revision(
            title=title,
            text=f"Sandbox text {time.perf_counter_ns()}.",
            summary="bench",
            base_revision_id=page.latest_id if page else None,
            user=None,
            meta=RequestMeta.from_address("203.0.113.201"),
        )

    figures = {
        "page view": _timed(get(f"/wiki/{middle.title}")),
        "history, first page": _timed(get(f"/wiki/{LONG_TITLE}?action=history")),
        "history, deep page": _timed(get(f"/wiki/{LONG_TITLE}?action=history&before={deep}")),
        "diff": _timed(get(f"/wiki/{middle.title}?diff={newer}&oldid={older}")),
        "recent changes": _timed(get("/wiki/Special:RecentChanges")),
        "an IP's contributions": _timed(get(f"/wiki/Special:Contributions/{ip}")),
        "search, common word": _timed(get("/wiki/Special:Search?q=harbour")),
        "search, rare word": _timed(get(f"/wiki/Special:Search?q={RARE_WORD}")),
        "search, title": _timed(get(f"/wiki/Special:Search?q={middle.title.split('_')[0]}")),
        "save": _timed(save),
        "CheckUser lookup": _timed(
            lambda: access.reveal_account_addresses(checkuser, editor, reason="benchmark of the lookup path")
        ),
    }
    # One run each: the purge of a day (the events of the oldest day, 90 days old, past R), the copy of an
    # editor's data, the erasure of another (they change the wiki, so the kept copy is rebuilt afterwards).
    began = time.perf_counter()
    retention.purge(as_of=clock.now() + timedelta(days=1))
    figures["purge of a day"] = (time.perf_counter() - began) * 1000
    Path(os.environ["CANDOR_EXPORT_DIR"]).mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    export.build(editor, Path(os.environ["CANDOR_EXPORT_DIR"]) / "copy.zip")
    figures["a person's copy"] = (time.perf_counter() - began) * 1000
    began = time.perf_counter()
    erasure.erase(users.get(username="Editor 8"))
    figures["an erasure"] = (time.perf_counter() - began) * 1000
    connection.close()
    return figures


def child(pages: int, revisions_per_page: int, long_history: int) -> None:
    configure(pages)
    from django.db import connection

    _drop(pages)
    began = time.monotonic()
    build(pages, revisions_per_page, long_history)
    print(f"  built {pages:,} pages in {time.monotonic() - began:.0f} s", file=sys.stderr, flush=True)
    figures = measure(pages)
    print(json.dumps({"pages": pages, "vendor": connection.vendor, "figures": figures}))


def _drop(pages: int) -> None:
    from django.db import connection

    if connection.vendor == "sqlite":
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            (BENCH_DIR / f"scale-{pages}" / f"candor.sqlite3{suffix}").unlink(missing_ok=True)
    else:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="page counts, comma-separated")
    parser.add_argument("--revisions-per-page", type=int, default=4)
    parser.add_argument("--long-history", type=int, default=20_000)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.one:
        child(arguments.one, arguments.revisions_per_page, arguments.long_history)
        return
    results = []
    for pages in [int(size) for size in arguments.sizes.split(",")]:
        print(f"{pages:,} pages...", file=sys.stderr, flush=True)
        command = [
            sys.executable,
            __file__,
            "--one",
            str(pages),
            "--revisions-per-page",
            str(arguments.revisions_per_page),
            "--long-history",
            str(arguments.long_history),
        ]
        output = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
        sys.stderr.write(output.stderr)
        output.check_returncode()
        results.append(json.loads(output.stdout.strip().splitlines()[-1]))
    # SQLite's curves are docs/scale.png, another database's docs/scale-<vendor>.png.
    suffix = "" if results[0]["vendor"] == "sqlite" else f"-{results[0]['vendor']}"
    (BENCH_DIR / f"scale{suffix}.json").write_text(json.dumps(results, indent=2))
    print(table(results))
    plot(results, ROOT / "docs" / f"scale{suffix}.png")


def table(results: list[dict]) -> str:
    sizes = [f"{result['pages']:,} pages" for result in results]
    lines = ["| request | " + " | ".join(sizes) + " | growth |", "|---|" + "---:|" * len(sizes) + "---:|"]
    for name in OPERATIONS:
        values = [result["figures"][name] for result in results]
        growth = values[-1] / values[0] if values[0] else float("nan")
        lines.append(f"| {name} | " + " | ".join(f"{v:,.1f} ms" for v in values) + f" | {growth:.2f}× |")
    return "\n".join(lines)


def plot(results: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(9, 5.5))
    sizes = [result["pages"] for result in results]
    for name in OPERATIONS:
        axes.plot(sizes, [result["figures"][name] for result in results], marker="o", label=name)
    axes.set(xscale="log", yscale="log", xlabel="pages", ylabel="p50, ms (purge, copy, erasure: one run)")
    axes.set_title(f"Candor: request time against wiki size ({results[0]['vendor']})")
    axes.legend(fontsize=7, ncol=2)
    axes.grid(True, which="both", alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=100)


if __name__ == "__main__":
    main()
