"""`make bench` (`--only mwimport`): importing a 100,000-revision MediaWiki dump, killed and resumed, and the
wikitext page view against the Markdown one (issue 14).

1. A dump of PAGES pages of REVISIONS_PER_PAGE revisions each (wikitext with headings, bold, links,
   lists, a table and a template; a third of the edits logged out) is generated into var/bench/mwimport.
2. Clean run: `candor import_dump` in its own process on a freshly migrated SQLite database: revisions/s
   over the command's wall time (start-up and the last rendering pass included; target ≥ 5,000) and the
   process's peak resident memory (target < 300 MB), from wait4().
3. Killed and resumed: the same import on another fresh database, killed with SIGKILL at half the clean
   run's time, then run again to its end: the database must hold exactly what the clean run's holds
   (pages, revisions with their attribution, texts and HTML, the import records, the search index).
4. Page views: in one process, Django's test client reads wikitext pages (the imported ones) and Markdown
   pages of the same texts, in bursts of 2 CPU seconds of that process taking turns, 5 rounds: the
   wikitext rate is at least 90% of the Markdown rate (the HTML is stored with each revision, so neither
   renders anything). Views per CPU second of the process, not per wall second: on a machine shared with
   other work, the share of the two cores the process gets changes from one burst to the next.

Figures go between the markers below in docs/performance.md, outside run.py's generated part.
"""

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench" / "mwimport"
DOC = ROOT / "docs" / "performance.md"
BEGIN = "<!-- mwimport:begin: written by bench/mwimport.py; edits between these markers are lost -->"
END = "<!-- mwimport:end -->"
PAGES = 5_000
REVISIONS_PER_PAGE = 20
RATE_TARGET = 5_000
MEMORY_TARGET_MB = 300
VIEW_SHARE_TARGET = 0.90
CANDOR = str(ROOT / ".venv" / "bin" / "candor")


def generate(path: Path) -> int:
    """Write the dump; the number of revisions in it."""
    namespaces = "".join(
        f'<namespace key="{key}" case="first-letter">{name}</namespace>'
        for key, name in [(1, "Talk"), (2, "User"), (3, "User talk"), (4, "Project"), (10, "Template")]
    )
    rev_id = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11" xml:lang="en">\n'
            "<siteinfo><sitename>Bench</sitename><dbname>benchwiki</dbname>"
            "<base>https://bench.example.org/wiki/Main_Page</base><generator>MediaWiki 1.39</generator>"
            f'<case>first-letter</case><namespaces><namespace key="0" case="first-letter" />{namespaces}'
            "</namespaces></siteinfo>\n"
        )
        for number in range(PAGES):
            out.write(f"<page><title>Page {number}</title><ns>0</ns><id>{number + 1}</id>\n")
            for edit in range(REVISIONS_PER_PAGE):
                rev_id += 1
                text = (
                    (
                        f"== Section {edit} ==\n'''Page {number}''' is about ''topic {number % 97}''; see "
                        f"[[Page {(number + 1) % PAGES}]] and [[Page {(number * 7) % PAGES}|another]].\n"
                        f"* a point made in edit {rev_id}\n* a second point\n"
                        "{| class=wikitable\n! Key !! Value\n|-\n| edits || " + str(edit) + "\n|}\n"
                        "{{Citation needed}} [https://example.org/source a source]\n"
                    )
                    .replace("&", "&amp;")
                    .replace("<", "&lt;")
                )
                if edit % 3 == 0:
                    contributor = f"<ip>203.0.113.{edit % 250 + 1}</ip>"
                else:
                    contributor = f"<username>Editor {edit % 11}</username><id>{edit % 11 + 1}</id>"
                parent = f"<parentid>{rev_id - 1}</parentid>" if edit else ""
                out.write(
                    f"<revision><id>{rev_id}</id>{parent}<timestamp>2021-01-01T00:{edit:02d}:00Z</timestamp>"
                    f"<contributor>{contributor}</contributor><comment>edit {edit}</comment>"
                    f'<model>wikitext</model><format>text/x-wiki</format><text bytes="{len(text)}" sha1="x" '
                    f'xml:space="preserve">{text}</text><sha1>x</sha1></revision>\n'
                )
            out.write("</page>\n")
        out.write("</mediawiki>\n")
    return rev_id


def _env(database: Path) -> dict[str, str]:
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "candor.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "CANDOR_DATA_DIR": str(WORK),
        "CANDOR_KEY_DIR": str(WORK / "keys"),
    }


def _fresh(name: str, template: Path) -> Path:
    database = WORK / name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    shutil.copy(template, database)
    return database


def _import(database: Path, dump: Path) -> tuple[subprocess.Popen, float]:
    process = subprocess.Popen(
        [CANDOR, "import_dump", "--skip-checks", str(dump)],
        env=_env(database),
        stdout=subprocess.PIPE,
        text=True,
    )
    return process, time.perf_counter()


def _wait(process: subprocess.Popen) -> tuple[int, float, float]:
    """(exit status, peak resident memory in MB, CPU seconds) of the import process."""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def _contents(database: Path) -> str:
    """A digest of everything the import wrote, pages by title (their ids are the database's own)."""
    queries = [
        "SELECT p.namespace, p.title, p.latest_id, p.content_model, p.created_at FROM wiki_page p"
        " ORDER BY 1, 2",
        "SELECT r.id, p.title, r.parent_id, r.user_id, r.ip, r.imported_author, r.timestamp, r.summary,"
        " r.text, r.size, r.html, r.minor, r.text_hidden, r.summary_hidden, r.author_hidden"
        " FROM wiki_revision r JOIN wiki_page p ON p.id = r.page_id ORDER BY r.id",
        "SELECT source, source_id, revision_id FROM wiki_importedrevision ORDER BY source_id",
        "SELECT s.title, s.body FROM wiki_searchentry s ORDER BY s.title",
    ]
    digest = hashlib.sha256()
    with sqlite3.connect(database) as connection:
        for query in queries:
            for row in connection.execute(query):
                digest.update(repr(row).encode("utf-8"))
    return digest.hexdigest()


def _count(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT count(*) FROM wiki_revision").fetchone()[0]


VIEWS = """
import os, sys, time, json
from statistics import median
import django
django.setup()
from django.test import Client
from candor.privacy.capture import RequestMeta
from candor.publiclog.titles import parse
from candor.wiki.actions import do_save_revision
from candor.wiki.models import Page
pages = int(sys.argv[1])
wikitext = [f"/wiki/Page_{n}" for n in range(pages)]
markdown = [f"/wiki/Markdown_{n}" for n in range(pages)]
if not Page.objects.filter(title="Markdown_0").exists():
    meta = RequestMeta.from_address("203.0.113.200")
    for n in range(pages):
        text = Page.objects.get(title=f"Page_{n}").latest.text
        do_save_revision(
            title=parse(f"Markdown {n}"), text=text, summary="", base_revision_id=None, user=None, meta=meta
        )
client = Client(HTTP_HOST="127.0.0.1")
for url in wikitext + markdown:
    assert client.get(url).status_code == 200, url
def burst(urls):
    count, start = 0, time.process_time()
    while time.process_time() - start < 2:
        client.get(urls[count % len(urls)])
        count += 1
    return count / (time.process_time() - start)
rates = {"wikitext": [], "markdown": []}
for round in range(5):
    order = ("wikitext", "markdown") if round % 2 == 0 else ("markdown", "wikitext")
    for side in order:
        rates[side].append(burst(wikitext if side == "wikitext" else markdown))
print(json.dumps({side: median(values) for side, values in rates.items()}))
"""


def _page_views(database: Path) -> dict[str, float]:
    env = _env(database) | {"CANDOR_CONTENT_MODEL": "markdown", "CANDOR_HTTPS": "false"}
    done = subprocess.run([sys.executable, "-c", VIEWS, "500"], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"the page-view measurement failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run() -> dict:
    WORK.mkdir(parents=True, exist_ok=True)
    dump = WORK / "dump.xml"
    revisions = generate(dump)
    template = WORK / "empty.sqlite3"
    template.unlink(missing_ok=True)
    subprocess.run([CANDOR, "migrate", "--skip-checks", "-v0"], env=_env(template), check=True)

    clean = _fresh("clean.sqlite3", template)
    process, started = _import(clean, dump)
    status, peak_mb, cpu_seconds = _wait(process)
    seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"the clean import failed ({status}): {process.stdout.read()}")
    rate = revisions / seconds

    resumed = _fresh("resumed.sqlite3", template)
    process, started = _import(resumed, dump)
    time.sleep(seconds / 2)
    os.kill(process.pid, signal.SIGKILL)
    _wait(process)
    at_kill = _count(resumed)
    process, started_again = _import(resumed, dump)
    status, _, _ = _wait(process)
    resume_seconds = time.perf_counter() - started_again
    same = status == 0 and _contents(resumed) == _contents(clean)

    views = _page_views(clean)
    share = views["wikitext"] / views["markdown"]
    figures = {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "revisions": revisions,
        "pages": PAGES,
        "seconds": seconds,
        "rate": rate,
        "cpu_rate": revisions / cpu_seconds,
        "load": os.getloadavg()[0],
        "peak_mb": peak_mb,
        "at_kill": at_kill,
        "resume_seconds": resume_seconds,
        "same": same,
        "views": views,
        "share": share,
    }
    _write(figures)
    print(json.dumps(figures, indent=2))
    return figures


def _write(figures: dict) -> None:
    def met(ok: bool) -> str:
        return "yes" if ok else "**no**"

    lines = [
        BEGIN,
        "",
        "## MediaWiki import and wikitext page views (issue 14)",
        "",
        f"Measured {figures['when']} by `bench/mwimport.py` (`make bench`, or `bench/run.py --only "
        "mwimport`):"
        f" a generated dump of {figures['revisions']:,} revisions on {figures['pages']:,} pages, imported by"
        " `candor import_dump` in its own process into a fresh SQLite database.",
        "",
        "| measurement | figure | target | met |",
        "|---|--:|---|---|",
        f"| import rate (wall time of the command, {figures['seconds']:.1f} s) | "
        f"{figures['rate']:,.0f} revisions/s"
        f" | ≥ {RATE_TARGET:,} | {met(figures['rate'] >= RATE_TARGET)} |",
        f"| import rate per CPU second of the import process (load average {figures['load']:.1f} on"
        f" {os.cpu_count()} cores) | {figures['cpu_rate']:,.0f} revisions/s | (the same, unshared) | "
        f"{met(figures['cpu_rate'] >= RATE_TARGET)} |",
        f"| peak memory of the import process | {figures['peak_mb']:.0f} MB | < {MEMORY_TARGET_MB} MB"
        f" | {met(figures['peak_mb'] < MEMORY_TARGET_MB)} |",
        f"| killed with SIGKILL at half time ({figures['at_kill']:,} revisions in), run again"
        f" ({figures['resume_seconds']:.1f} s) | "
        f"{'identical to the clean run' if figures['same'] else 'DIFFERENT'}"
        f" | identical | {met(figures['same'])} |",
        f"| wikitext page views / Markdown page views (test client, one process, per CPU second) |"
        f" {figures['share']:.1%}"
        f" ({figures['views']['wikitext']:.0f} / {figures['views']['markdown']:.0f} per CPU second) | ≥ 90% |"
        f" {met(figures['share'] >= VIEW_SHARE_TARGET)} |",
        "",
        END,
    ]
    import report

    report.write_section(DOC, BEGIN, END, "\n".join(lines))


if __name__ == "__main__":
    run()
