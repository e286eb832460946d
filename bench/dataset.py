"""The benchmark wiki: 1,000 pages and 20,000 revisions, one page ("Long history") holding 5,000 of them.

Every revision goes through the real save action, `do_save_revision`, so that its HTML, the search index
and `page.latest` are exactly what the site itself would have written; the accounts go through
`do_create_account`. A quarter of the edits are logged out. Every edit and signup comes from a
documentation address (RFC 5737: 203.0.113.0/24 and 198.51.100.0/24): public for a logged-out edit,
private otherwise. The texts are Markdown with wiki links, from a seeded generator, so every build is the
same wiki. Timestamps are spread over the year before the build, oldest first.

The build takes about a minute on two cores; the database is kept and reused while it has the schema of
the code's models and the right counts.
"""

import random
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.db.migrations.exceptions import InconsistentMigrationHistory
from django.db.models import Count

from candor.accounts.actions import do_create_account
from candor.privacy import clock
from candor.privacy.capture import RequestMeta
from candor.publiclog.titles import Title, parse
from candor.wiki.actions import do_save_revision
from candor.wiki.models import Page, Revision

PAGES = 1_000
REVISIONS = 20_000
LONG_HISTORY_REVISIONS = 5_000
LONG_HISTORY_TITLE = "Long history"
LOGGED_OUT_SHARE = 0.25
EDITOR_NAMES = ["Alder", "Birch", "Cedar", "Dogwood", "Elm", "Fir", "Hazel", "Juniper", "Larch", "Maple"]
EDITOR_PASSWORD = "bench-editor-password"  # noqa: S105 - invented accounts of a throwaway benchmark wiki
SEED = 20_000

_WORDS = (
    "archive river lantern meadow harbour quarry signal orchard beacon ledger valley compass granite "
    "thistle canal bridge market chapel forge mill tower garden station library theatre island harvest "
    "winter summer northern southern ancient modern local common early late small great public private "
    "record survey history map charter council road railway school museum festival census parish"
).split()


@dataclass(frozen=True)
class Wiki:
    """What the load generator needs to know about the built wiki."""

    page_urls: list[str]
    long_history_url: str
    deep_history_before: int  # a `before` cursor 4,000 rows deep into the long history


def ensure(database: Path) -> Wiki:
    """Migrate `database`, the default database; rebuild it unless it holds exactly the benchmark wiki."""
    if database.exists():
        if _migrated_and_built():
            return describe()
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            database.with_name(database.name + suffix).unlink(missing_ok=True)
    print(f"Building the benchmark wiki in {database}...", flush=True)
    started = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    _build()
    if not _is_built():
        raise SystemExit("The benchmark wiki came out with the wrong counts; see bench/dataset.py.")
    print(f"Built in {time.monotonic() - started:.0f} s.", flush=True)
    return describe()


def _migrated_and_built() -> bool:
    """Whether the kept wiki takes the code's migrations (new ones included) and has the right counts."""
    try:
        call_command("migrate", verbosity=0, interactive=False)
    except (DatabaseError, InconsistentMigrationHistory) as exc:
        print(f"The kept benchmark wiki cannot be migrated ({exc}).", flush=True)
        return False
    return _has_every_column() and _is_built()


def _has_every_column() -> bool:
    """Whether each model's table has all its columns: a migration edited in place since the wiki was
    built would leave some out."""
    describe_table = connection.introspection.get_table_description
    with connection.cursor() as cursor:
        for model in apps.get_models():
            if not model._meta.managed:
                continue
            table = model._meta.db_table
            present = {column.name for column in describe_table(cursor, table)}
            missing = {field.column for field in model._meta.concrete_fields} - present
            if missing:
                print(f"The kept benchmark wiki lacks {table}.{', '.join(sorted(missing))}.", flush=True)
                return False
    return True


def _is_built() -> bool:
    longest = (
        Revision.objects.values("page_id").annotate(n=Count("id")).order_by("-n").values_list("n", flat=True)
    )
    return (
        Page.objects.count() == PAGES
        and Revision.objects.count() == REVISIONS
        and longest.first() == LONG_HISTORY_REVISIONS
    )


def describe() -> Wiki:
    long_history = parse(LONG_HISTORY_TITLE)
    page = Page.objects.get(namespace=long_history.namespace, title=long_history.key)
    deep = Revision.objects.filter(page=page).order_by("-id").values_list("id", flat=True)[4_000]
    urls = [
        Title(namespace, key.replace("_", " ")).url
        for namespace, key in Page.objects.order_by("id").values_list("namespace", "title")
    ]
    return Wiki(page_urls=urls, long_history_url=long_history.url, deep_history_before=deep)


def _build() -> None:
    rng = random.Random(SEED)
    addresses = [f"203.0.113.{n}" for n in range(1, 255)] + [f"198.51.100.{n}" for n in range(1, 255)]
    editors = [
        do_create_account(username=name, password=EDITOR_PASSWORD, meta=RequestMeta.from_address(address))
        for name, address in zip(EDITOR_NAMES, rng.sample(addresses, len(EDITOR_NAMES)), strict=True)
    ]
    titles = [parse(LONG_HISTORY_TITLE)] + _other_titles(rng, PAGES - 1)
    # Each page gets its first revision, then the others are shuffled, so that the long page's revisions
    # are spread through the table, as on a real wiki.
    later = [0] * (LONG_HISTORY_REVISIONS - 1)
    later += [rng.randrange(1, PAGES) for _ in range(REVISIONS - PAGES - len(later))]
    rng.shuffle(later)
    schedule = list(range(PAGES)) + later
    paragraphs: dict[int, list[str]] = {}
    latest: dict[int, int] = {}
    start = clock.now() - timedelta(days=365)
    step = timedelta(days=365) / len(schedule)
    for number, index in enumerate(schedule):
        text = _next_text(rng, paragraphs.setdefault(index, []), titles)
        logged_out = rng.random() < LOGGED_OUT_SHARE
        with clock.frozen_at(start + number * step):
            revision = do_save_revision(
                title=titles[index],
                text=text,
                summary=_sentence(rng, 3, 8)[:-1],
                base_revision_id=latest.get(index),
                user=None if logged_out else rng.choice(editors),
                meta=RequestMeta.from_address(rng.choice(addresses)),
            )
        latest[index] = revision.pk


def _other_titles(rng: random.Random, count: int) -> list[Title]:
    names: set[str] = set()
    while len(names) < count:
        names.add(f"{rng.choice(_WORDS)} {rng.choice(_WORDS)} {rng.randrange(1, 100)}")
    return [parse(name) for name in sorted(names)]


def _sentence(rng: random.Random, shortest: int, longest: int) -> str:
    words = rng.choices(_WORDS, k=rng.randint(shortest, longest))
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random, titles: list[Title]) -> str:
    sentences = [_sentence(rng, 6, 16) for _ in range(rng.randint(2, 5))]
    if rng.random() < 0.5:
        sentences.insert(rng.randrange(len(sentences)), f"See [[{rng.choice(titles)}]].")
    if rng.random() < 0.15:
        return "## " + _sentence(rng, 2, 4)[:-1] + "\n\n" + " ".join(sentences)
    if rng.random() < 0.15:
        return "\n".join("- " + sentence for sentence in sentences)
    return " ".join(sentences)


def _next_text(rng: random.Random, paragraphs: list[str], titles: list[Title]) -> str:
    """The page's next text: a paragraph added (up to 20 of them) or one rewritten; 3 KB on average."""
    if len(paragraphs) < 4 or (len(paragraphs) < 20 and rng.random() < 0.5):
        paragraphs.insert(rng.randint(0, len(paragraphs)), _paragraph(rng, titles))
    else:
        paragraphs[rng.randrange(len(paragraphs))] = _paragraph(rng, titles)
    return "\n\n".join(paragraphs) + "\n"
