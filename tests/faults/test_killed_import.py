"""`candor import_dump` killed at random points, SIGKILL then SIGTERM, and run again: the same wiki as one
clean run (issue 20 §2; C31, C32, C33; STYLE.md 7). tests/wiki/test_import_resume.py stops the import in
process; here a real command is killed by a real signal, on the suite's database engine. Each kill leaves
whole batches (1,000 revisions, each with its import record) and nothing else."""

import json
import random
import signal
import subprocess
import sys
import time

from candor.wiki import mwimport
from tests.wiki.mwdumps import many_revisions, wiki_rows

PAGES, PER_PAGE, BATCH = 30, 200, 1000  # 6,000 revisions: six batches
ROWS = "import json\nfrom tests.wiki.mwdumps import wiki_rows\nprint(json.dumps(wiki_rows(), default=str))"


def _killed_after(installation, dump, at_least: int, how: signal.Signals) -> int:
    """Start an import, send `how` once `at_least` revisions are in, wait for it; the revisions left."""
    command = [sys.executable, "-m", "candor.cli", "import_dump", str(dump)]
    run = subprocess.Popen(
        command, env=installation.environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 180
    while installation.count("wiki_importedrevision") < at_least and run.poll() is None:
        assert time.monotonic() < deadline, "the import made no progress"
        time.sleep(0.02)
    assert run.poll() is None, "the import finished before it could be killed: make the dump longer"
    run.send_signal(how)
    run.wait(timeout=60)
    return installation.count("wiki_importedrevision")


def _clean_run(dump) -> dict:
    """The wiki one uninterrupted import makes, in the suite's own (empty) database."""
    with mwimport.open_dump(str(dump)) as stream:
        mwimport.import_dump(stream, file_name=str(dump))
    return json.loads(json.dumps(wiki_rows(), default=str))


def test_an_import_killed_at_random_points_and_run_again_is_one_clean_run(installation_on, tmp_path, db):
    dump = tmp_path / "bigwiki.xml"
    dump.write_text(many_revisions(pages=PAGES, per_page=PER_PAGE), encoding="utf-8")
    seed = random.SystemRandom().randrange(2**32)
    chance = random.Random(seed)  # noqa: S311 - where to kill, not a secret; the seed is in every message
    killed = installation_on()

    left = _killed_after(killed, dump, chance.randrange(1, 3) * BATCH, signal.SIGKILL)
    assert left % BATCH == 0 and 0 < left < PAGES * PER_PAGE, (seed, left)
    assert killed.count("wiki_revision") == left, seed  # no revision without its import record
    left = _killed_after(killed, dump, left + chance.randrange(1, BATCH), signal.SIGTERM)
    assert left % BATCH == 0 and left < PAGES * PER_PAGE, (seed, left)
    assert killed.count("wiki_revision") == left, seed

    killed.run("import_dump", str(dump))
    again = killed.run("import_dump", str(dump))

    assert "6,000 revisions already here" in again.stdout, again.stdout
    assert json.loads(killed.python(ROWS).stdout) == _clean_run(dump), seed
