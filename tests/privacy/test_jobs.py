"""The purge as a scheduled job, on SqliteHuey (the default) and on Redis."""

import logging
import os
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import redis
from huey import RedisHuey, SqliteHuey
from huey.contrib.djhuey import HUEY

from candor.privacy import clock, tasks
from candor.privacy.locks import Lease
from candor.privacy.models import PrivateEvent, PurgeRun
from candor.privacy.retention import LOCK_NAME
from tests.steps import save

REDIS_URL = os.environ.get("CANDOR_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_huey():
    instance = RedisHuey(f"candor-test-{uuid.uuid4().hex[:8]}", url=REDIS_URL)
    try:
        instance.storage.conn.ping()
    except redis.ConnectionError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is not reachable at {REDIS_URL}; CI must test jobs on Redis")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    return instance


@pytest.fixture(params=["sqlite", "redis"])
def queue(request, tmp_path):
    if request.param == "sqlite":
        instance = SqliteHuey("candor-test", filename=str(tmp_path / "jobs.sqlite3"))
    else:
        instance = _redis_huey()
    yield instance
    instance.flush()


def test_the_purge_job_runs_through_a_real_queue(queue, reader):
    with clock.frozen_at(datetime(2026, 1, 1, tzinfo=UTC)):
        save(reader, "Dock", "Old edit.")
    purge = queue.task()(tasks.run_purge)

    purge(short_only=False)  # enqueued, not run
    assert PrivateEvent.objects.exists() and queue.pending_count() == 1
    queue.execute(queue.dequeue())

    assert not PrivateEvent.objects.exists()
    assert PurgeRun.objects.get().status == "finished"


def test_the_configured_queue_is_sqlite_by_default_and_runs_jobs_in_a_worker():
    assert isinstance(HUEY, SqliteHuey)
    assert not HUEY.immediate  # never inside a request, whatever DEBUG says


def _due(task, hour: int, minute: int) -> bool:
    moment = datetime(2026, 1, 1, hour, minute, tzinfo=UTC).replace(tzinfo=None)  # huey's clock is naive UTC
    return task.s().validate_datetime(moment)


def test_the_purge_is_scheduled_daily_and_the_short_windows_hourly():
    assert _due(tasks.daily_purge, 3, 20)
    assert not _due(tasks.daily_purge, 4, 20)
    assert all(_due(tasks.hourly_purge, hour, 5) for hour in range(24))


def test_a_job_that_finds_the_purge_running_skips_quietly(reader, caplog):
    caplog.set_level(logging.INFO, logger="candor.privacy.tasks")
    Lease(LOCK_NAME, timedelta(minutes=5)).acquire()

    tasks.run_purge(short_only=True)

    assert "skipped" in caplog.text and not PurgeRun.objects.exists()
