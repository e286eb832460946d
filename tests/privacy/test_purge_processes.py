"""The purge as separate processes: killed halfway it leaves only whole batches, the next run finishes, and
two runs at once never overlap (STYLE.md 7 and 8)."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROWS = 60_000
BATCH = 20  # small: the run outlasts a second run's start-up (seconds of imports), to be caught halfway
SEED = f"""
import django
django.setup()
from datetime import UTC, datetime, timedelta
from candor.privacy import sealing
from candor.privacy.models import PrivateEvent
at = datetime.now(UTC) - timedelta(days=200)
blob = sealing.seal({{"ip": "192.0.2.1", "user_agent": "", "forwarded_for": ""}}, at.date())
rows = (PrivateEvent(event_type="edit", at=at, sealed_on=at.date(), sealed=blob) for _ in range({ROWS}))
PrivateEvent.objects.bulk_create(rows, batch_size=5000)
"""


@pytest.fixture
def installation(tmp_path):
    """A separate Candor on SQLite, with a day of expired private events, as an operator would have it."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "candor.settings",
        "CANDOR_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'candor.sqlite3'}",
        "CANDOR_KEY_DIR": str(tmp_path / "keys"),
    }
    environment.pop("CANDOR_RETENTION_DAYS", None)
    run = [sys.executable, "-m", "candor.cli"]
    subprocess.run([*run, "migrate", "--noinput"], env=environment, check=True, capture_output=True)
    subprocess.run([sys.executable, "-c", SEED], env=environment, check=True, capture_output=True)
    return environment, run, tmp_path


def _remaining(database: Path) -> int:
    with sqlite3.connect(database, timeout=30) as reader:
        return reader.execute("SELECT COUNT(*) FROM privacy_privateevent").fetchone()[0]


def test_a_killed_purge_leaves_whole_batches_and_the_next_run_finishes(installation):
    environment, run, data = installation
    database = data / "candor.sqlite3"
    purge = [*run, "purge", "--yes", "--batch-size", str(BATCH)]

    first = subprocess.Popen(purge, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while _remaining(database) > ROWS - 5 * BATCH and time.monotonic() < deadline:
        time.sleep(0.02)
    overlapping = subprocess.run(purge, env=environment, capture_output=True, text=True, timeout=60)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)

    left = _remaining(database)
    assert 0 < left < ROWS, "the first run must be killed halfway for this test to mean anything"
    assert (ROWS - left) % BATCH == 0  # only whole batches were deleted
    assert overlapping.returncode != 0 and "Not started" in overlapping.stderr  # never two at once
    assert not (data / "keys").exists() or not list((data / "keys").glob("*.key"))  # the key went first

    second = subprocess.run(purge, env=environment, capture_output=True, text=True, timeout=120)

    assert second.returncode == 0, second.stderr
    assert _remaining(database) == 0
    with sqlite3.connect(database) as reader:
        statuses = [row[0] for row in reader.execute("SELECT status FROM privacy_purgerun ORDER BY id")]
    assert statuses == ["running", "finished"]  # the killed run's report says it never finished
