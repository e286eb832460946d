"""Redis killed under a live Candor whose jobs it holds (issue 20 §2; C68, C102). Pages keep being served;
an action that queues a job (a signup's verification mail) still succeeds for the person, and its job is
kept in this host's spool (candor/jobqueue.py), never lost: when Redis is back (empty: it kept nothing on
disk) the next job queued hands the spooled ones over, and the worker delivers every mail, once."""

import sqlite3
import time

from tests.faults.conftest import Browser


def _signup(browser: Browser, name: str) -> int:
    token = browser.csrf_token("/accounts/signup")
    email = f"{name.lower()}@example.org"
    form = {"csrfmiddlewaretoken": token, "username": name, "password": "correct horse 42", "email": email}
    return browser.request("/accounts/signup", form)[0]


def _spooled(installation) -> int:
    spool = installation.directory / "jobs-spool.sqlite3"
    if not spool.exists():
        return 0
    with sqlite3.connect(spool) as reader:
        return reader.execute("SELECT COUNT(*) FROM task").fetchone()[0]


def test_with_redis_gone_pages_are_served_and_queued_jobs_wait_for_its_return(
    redis_server, installation_on, smtp_server, settings
):
    installation = installation_on(
        CANDOR_JOBS=redis_server.url, CANDOR_EMAIL_PORT=str(settings.EMAIL_PORT), CANDOR_LOG_LEVEL="ERROR"
    )
    base = installation.serve(workers=1)

    redis_server.kill()

    assert Browser(base).request("/privacy/cookies")[0] == 200
    assert Browser(base).request("/wiki/Special:RecentChanges")[0] == 200
    assert _signup(Browser(base), "Dana") in {302, 303}  # the account exists; its mail waits
    assert _spooled(installation) == 1

    redis_server.start()  # back, and empty
    assert _signup(Browser(base), "Erin") in {302, 303}  # queued on Redis, with Dana's before it
    assert _spooled(installation) == 0

    worker = installation.start("run_huey")
    deadline = time.monotonic() + 60
    while len(smtp_server.messages) < 2 and time.monotonic() < deadline:
        assert worker.poll() is None, worker.stderr.read().decode()
        time.sleep(0.2)
    time.sleep(1)  # time enough for a duplicate to arrive, if there were one

    recipients = sorted(recipient for recipients, _ in smtp_server.messages for recipient in recipients)
    assert recipients == ["dana@example.org", "erin@example.org"]
