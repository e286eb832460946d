"""A PostgreSQL primary and a real streaming replica, started here, under a live Candor (issue 19 §3).

Anonymous reads may be a moment stale, so they come from the replica; what a person just wrote (their
edit, their preferences, their new session) comes from the primary at once (candor/dbrouting.py). The
proof: replay on the replica is paused, so anything read from it is visibly old.
"""

import time
from contextlib import contextmanager

import pytest

from tests.scale.live import (
    Browser,
    Cluster,
    candor,
    candor_environment,
    cluster_directory,
    gunicorn,
    require_postgresql_server,
)

PASSWORD = "correct horse battery staple"


def _caught_up(primary: Cluster, replica: Cluster) -> None:
    (target,) = primary.execute("SELECT pg_current_wal_lsn()::text")[0]
    deadline = time.monotonic() + 20
    while not replica.execute(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")[0][0]:
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.05)


@pytest.fixture(scope="module")
def primary_and_replica():
    require_postgresql_server()
    with cluster_directory() as base:
        primary, replica = Cluster(base, "primary"), Cluster(base, "replica")
        try:
            primary.create()
            primary.start("fsync=off")
            primary.run(
                "pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
                "-D", str(replica.directory), "-R", "-X", "stream", "--checkpoint=fast", "--no-sync",
            )  # fmt: skip
            replica.start("fsync=off", "hot_standby=on")
            assert replica.execute("SELECT pg_is_in_recovery()") == [(True,)]
            primary.execute("CREATE DATABASE candor")
            _caught_up(primary, replica)
            yield primary, replica
        finally:
            replica.stop()
            primary.stop()


@pytest.fixture(scope="module")
def site(primary_and_replica, tmp_path_factory):
    primary, replica = primary_and_replica
    environment = candor_environment(
        tmp_path_factory.mktemp("replica-site"),
        DATABASE_URL=primary.url("candor"),
        DATABASE_REPLICA_URL=replica.url("candor"),
    )
    candor(environment, "migrate", "--noinput")  # on the primary only: the replica is read-only
    with gunicorn(environment) as base:
        yield base, primary, replica


@contextmanager
def replay_paused(primary: Cluster, replica: Cluster):
    """The replica stops applying what the primary writes: whatever is read from it is visibly old."""
    _caught_up(primary, replica)
    replica.execute("SELECT pg_wal_replay_pause()")
    try:
        yield
    finally:
        replica.execute("SELECT pg_wal_replay_resume()")
        _caught_up(primary, replica)


def test_anonymous_readers_read_the_replica_and_editors_their_own_edit_at_once(site):
    """The anonymous reader sees the paused replica's old page; the editor who saved sees the saved text at
    once, from the primary, and so does the logged-out editor who saved (the declared cookie, C55)."""
    base, primary, replica = site
    editor, reader, logged_out_editor = Browser(base), Browser(base), Browser(base)
    editor.sign_up("Alice", PASSWORD)
    assert editor.save("Harbour", "The harbour at dawn.").status_code == 200

    with replay_paused(primary, replica):
        assert editor.save("Harbour", "The harbour at dusk.").status_code == 200
        assert logged_out_editor.save("Lighthouse", "A new lighthouse page.").status_code == 200

        assert "at dusk" in editor.get("/wiki/Harbour").text  # the editor's own edit, at once
        assert "new lighthouse" in logged_out_editor.get("/wiki/Lighthouse").text
        stale = reader.get("/wiki/Harbour")
        assert "at dawn" in stale.text and "at dusk" not in stale.text  # read from the paused replica
        assert reader.get("/wiki/Lighthouse").status_code == 404
        assert "candor_wrote" not in reader.session.cookies  # reading sets no cookie

    assert "at dusk" in reader.get("/wiki/Harbour").text  # replayed: the replica caught up


def test_a_session_and_preferences_are_seen_at_once_while_the_replica_lags(site):
    """Logging in and changing a preference while the replica is behind: both hold on the next page."""
    base, primary, replica = site
    Browser(base).sign_up("Bea", PASSWORD)

    with replay_paused(primary, replica):
        bea = Browser(base)
        bea.log_in("Bea", PASSWORD)  # a session the replica has never seen
        changed = bea.post("/accounts/preferences", {"form": "preferences", "time_zone": "Asia/Tokyo"})

        assert changed.status_code == 200
        assert '<option value="Asia/Tokyo" selected>' in bea.get("/accounts/preferences").text
