"""The backup and restore drill of docs/operations.md, "Backups" (issue 20 §2; C31, C105, C106).

The database is backed up online (SQLite's `.backup`, or `pg_dump -Fc`) and the key directory apart from
it (`cp -a`), then restored into a new directory and served: every page and revision is there, and the
sealed records are readable exactly for the days still inside their window. A day the purge expires in the
restored copy becomes unreadable there; and a database backup restored with keys backed up after a purge
keeps that day's rows unreadable, though the rows themselves came back with the database."""

import json
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.faults.conftest import Browser, need

OLD, RECENT = 89, 10  # days ago: 89 leaves the 90-day window within days, 10 stays in it
SEED = f"""
from datetime import UTC, datetime, time, timedelta
from candor.privacy import sealing
from candor.privacy.capture import RequestMeta
from candor.privacy.models import PrivateEvent
from candor.publiclog.titles import parse
from candor.wiki.actions import do_save_revision
meta = RequestMeta.from_address("198.51.100.90")
for number in range(3):
    title = parse(f"Drill {{number}}")
    first = do_save_revision(title=title, text=f"First text of page {{number}}.", summary="",
                             base_revision_id=None, user=None, meta=meta)
    do_save_revision(title=title, text=f"Second text of page {{number}}.", summary="",
                     base_revision_id=first.pk, user=None, meta=meta)
today = datetime.now(UTC).date()
for age in ({OLD}, {RECENT}):
    day = today - timedelta(days=age)
    at = datetime.combine(day, time(12), tzinfo=UTC)
    blob = sealing.seal({{"ip": "198.51.100.91", "user_agent": "drill", "forwarded_for": ""}}, day)
    PrivateEvent.objects.bulk_create(
        [PrivateEvent(event_type="edit", at=at, sealed_on=day, sealed=blob) for _ in range(5)]
    )
"""
READABLE = """
import json
from datetime import UTC, datetime
from candor.privacy.models import PrivateEvent
from candor.privacy.sealing import Unsealer
today, opener, days = datetime.now(UTC).date(), Unsealer(), {}
for event in PrivateEvent.objects.all():
    counts = days.setdefault((today - event.sealed_on).days, [0, 0])
    counts[0] += opener.open(event.sealed, event.sealed_on) is not None
    counts[1] += 1
print(json.dumps(days))
"""


def _run(*command) -> None:
    subprocess.run([str(part) for part in command], check=True, capture_output=True, timeout=120)


def back_up_database(installation, into: Path) -> Path:
    url = installation.environment["DATABASE_URL"]
    into.mkdir()
    if url.startswith("sqlite:///"):
        _run(need(shutil.which("sqlite3"), "sqlite3"), url.removeprefix("sqlite:///"), f".backup '{into}/db'")
    else:
        _run(need(shutil.which("pg_dump"), "pg_dump"), "-Fc", "-f", into / "db", url)
    shutil.copy2(installation.directory / "secret_key", into / "secret_key")
    return into


def back_up_keys(installation, into: Path) -> Path:
    _run("cp", "-a", installation.directory / "keys", into)
    return into


def restore(database_backup: Path, key_backup: Path, installation) -> None:
    url = installation.environment["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        shutil.copy2(database_backup / "db", url.removeprefix("sqlite:///"))
    else:
        _run(need(shutil.which("pg_restore"), "pg_restore"), "--no-owner", "-d", url, database_backup / "db")
    shutil.copy2(database_backup / "secret_key", installation.directory / "secret_key")
    _run("cp", "-a", key_backup, installation.directory / "keys")
    installation.run("purge", "--yes")  # at once, as the procedure says


def readable(installation) -> dict[str, list[int]]:
    """Per day (as days ago): [records whose sealed values open, records]."""
    return json.loads(installation.python(READABLE).stdout)


def test_a_restored_backup_is_whole_and_reads_sealed_data_only_inside_the_window(installation_on, tmp_path):
    later = (datetime.now(UTC) + timedelta(days=3)).date().isoformat()  # when day OLD has left the window
    original = installation_on()
    original.python(SEED)
    database_backup = back_up_database(original, tmp_path / "database-backup")
    keys_before_purge = back_up_keys(original, tmp_path / "keys-backup-1")
    original.run("purge", "--yes", "--as-of", later)
    keys_after_purge = back_up_keys(original, tmp_path / "keys-backup-2")

    restored = installation_on(migrate=False)
    restore(database_backup, keys_before_purge, restored)

    assert readable(restored) == {"0": [6, 6], str(OLD): [5, 5], str(RECENT): [5, 5]}
    assert restored.count("wiki_revision") == 6
    browser = Browser(restored.serve(workers=1))
    for number in range(3):
        assert browser.request(f"/wiki/Drill_{number}?action=raw")[2] == f"Second text of page {number}."
        assert browser.request(f"/wiki/Drill_{number}?action=history")[0] == 200
    restored.run("purge", "--yes", "--as-of", later)  # the clock moves past the window of day OLD
    assert readable(restored) == {"0": [6, 6], str(RECENT): [5, 5]}

    late_keys = installation_on(migrate=False)
    restore(database_backup, keys_after_purge, late_keys)
    assert readable(late_keys) == {"0": [6, 6], str(OLD): [0, 5], str(RECENT): [5, 5]}
