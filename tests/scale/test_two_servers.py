"""Two Candor servers over one PostgreSQL database and one Redis, sharing nothing else but the key directory
(issue 19 §3; docs/operations.md, "More than one machine").

Each server has a data directory of its own, as a separate host would; both have the same SECRET_KEY and
CANDOR_KEY_DIR. Editors save through both at once; every save a server acknowledged is a revision, every
refusal is a reported edit conflict; a session made on one server works on the other and ends on both;
two job workers on the same Redis run each queued job once.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import ExitStack, contextmanager

import psycopg
import pytest
import redis
from aiosmtpd.controller import Controller

from tests.scale.live import (
    IN_CI,
    Browser,
    Cluster,
    candor,
    candor_environment,
    cluster_directory,
    free_port,
    gunicorn,
    require_postgresql_server,
)

REDIS = os.environ.get("CANDOR_TEST_MULTI_REDIS_URL", "redis://127.0.0.1:6379/14")  # 15: test_jobs.py
PASSWORD = "correct horse battery staple"
TURNS = 4


class Relay:
    """A mail relay on 127.0.0.1 that counts what it is given."""

    def __init__(self):
        self.recipients: list[str] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.recipients.extend(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


def _redis_or_skip() -> None:
    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=3).ping()
    except redis.ConnectionError as unreachable:
        if IN_CI:
            pytest.fail(f"CI must run the two-server test: {unreachable}")
        pytest.skip(f"Redis is not reachable: {unreachable}")


@contextmanager
def own_postgresql():
    """A PostgreSQL cluster of the test's own (live.py), with an empty `candor` database: both hosts' URL."""
    require_postgresql_server()
    with cluster_directory() as base:
        cluster = Cluster(base, "shared")
        try:
            cluster.create()
            cluster.start("fsync=off")
            cluster.execute("CREATE DATABASE candor")
            yield cluster.url("candor")
        finally:
            cluster.stop()


@contextmanager
def job_worker(environment):
    worker = subprocess.Popen(
        [sys.executable, "-m", "candor.cli", "run_huey"],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield worker
    finally:
        worker.send_signal(signal.SIGTERM)  # huey's immediate shutdown
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


@pytest.fixture(scope="module")
def installation(tmp_path_factory):
    """Two web servers (A, B), two job workers, one database, one Redis, one shared key directory."""
    _redis_or_skip()
    queue = redis.Redis.from_url(REDIS)
    queue.flushdb()
    relay = Relay()
    mail = Controller(relay, hostname="127.0.0.1", port=free_port())
    mail.start()
    shared_keys = tmp_path_factory.mktemp("shared") / "keys"
    with ExitStack() as stack:
        database = stack.enter_context(own_postgresql())
        hosts = [
            candor_environment(
                tmp_path_factory.mktemp(f"host-{name}"),  # each host's own data directory
                DATABASE_URL=database,
                CANDOR_JOBS=REDIS,
                CANDOR_KEY_DIR=str(shared_keys),
                CANDOR_EMAIL_HOST="127.0.0.1",
                CANDOR_EMAIL_PORT=str(mail.port),
            )
            for name in ("a", "b")
        ]
        candor(hosts[0], "migrate", "--noinput")
        servers = [stack.enter_context(gunicorn(host)) for host in hosts]
        for host in hosts:
            stack.enter_context(job_worker(host))
        yield servers, database, relay
    mail.stop()
    queue.flushdb()


def _revisions(database: str) -> Counter:
    with psycopg.connect(database) as reader:
        rows = reader.execute(
            "SELECT p.title, r.text FROM wiki_revision r JOIN wiki_page p ON p.id = r.page_id"
        )
        return Counter(rows.fetchall())


def test_saves_through_two_servers_lose_no_edit_and_report_every_conflict(installation):
    """Three editors save through both servers at once: each save a server acknowledged is one revision, and
    nothing else is; a save on top of a revision someone else replaced meanwhile is refused as a conflict,
    whichever server took either save (C31)."""
    (a, b), database, _ = installation
    editors = []
    for number in range(3):
        editor = Browser(a)
        editor.sign_up(f"Editor{number}", PASSWORD)
        editors.append(editor)

    # Two editors open the same page's edit form; the second to save is told of the conflict.
    assert editors[0].save("Commons", "Commons, first text.", follow=False).status_code == 303
    base = editors[0].edit_base("Commons", b)
    assert editors[0].save("Commons", "Commons, by Editor0.", a, on=base, follow=False).status_code == 303
    assert editors[1].save("Commons", "Commons, by Editor1.", b, on=base, follow=False).status_code == 409

    acknowledged, conflicts, unexpected = Counter(), Counter(), []
    acknowledged.update([("Commons", "Commons, first text."), ("Commons", "Commons, by Editor0.")])
    lock = threading.Lock()

    def edit(number: int) -> None:
        editor = editors[number]
        for turn in range(TURNS):
            server = (a, b)[(number + turn) % 2]  # every editor alternates between the servers
            for title in (f"Own_page_{number}", "Commons"):
                text = f"{title}, turn {turn} of Editor{number}."
                response = editor.save(title, text, server, follow=False)
                with lock:
                    if response.status_code == 303:
                        acknowledged[(title, text)] += 1
                    elif response.status_code == 409 and "conflict" in response.text.lower():
                        conflicts[title] += 1
                    else:
                        unexpected.append((title, response.status_code))

    threads = [threading.Thread(target=edit, args=(number,)) for number in range(len(editors))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert unexpected == []
    own_pages = {
        f"Own_page_{n}, turn {t} of Editor{n}.": f"Own_page_{n}" for n in range(3) for t in range(TURNS)
    }
    assert all(
        acknowledged[(title, text)] == 1 for text, title in own_pages.items()
    )  # nobody else edits them
    assert _revisions(database) == acknowledged  # every acknowledged save is one revision, and nothing else
    assert set(conflicts) <= {"Commons"}  # only the shared page can conflict


def test_a_session_made_on_one_server_works_on_the_other_and_ends_on_both(installation):
    """Logged in on A, the traveller is logged in on B; logged out on A, the old cookie is no one on B
    (C56)."""
    (a, b), _, _ = installation
    Browser(a).sign_up("Traveller", PASSWORD)
    traveller = Browser(a)
    traveller.log_in("Traveller", PASSWORD, a)

    on_b = traveller.get("/accounts/preferences", b)
    assert on_b.status_code == 200 and "Traveller" in on_b.text
    session = traveller.session.cookies["sessionid"]

    traveller.post("/accounts/logout", {}, a)

    replayed = Browser(b)
    replayed.session.cookies.set("sessionid", session)
    after = replayed.get("/accounts/preferences")
    assert after.url.startswith(b + "/accounts/login")  # the old session is gone on B too


def test_two_job_workers_on_one_redis_run_each_queued_job_once(installation):
    """Six signups through both servers queue six verification mails; two workers deliver each once (C68)."""
    (a, b), _, relay = installation
    addresses = [f"mailbox{number}@example.org" for number in range(6)]
    for number, address in enumerate(addresses):
        newcomer = Browser((a, b)[number % 2])
        newcomer.get("/accounts/signup")
        newcomer.post(
            "/accounts/signup", {"username": f"Newcomer{number}", "password": PASSWORD, "email": address}
        )

    deadline = time.monotonic() + 60
    while len(set(relay.recipients) & set(addresses)) < len(addresses) and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(2)  # room for a second delivery of any of them

    delivered = Counter(recipient for recipient in relay.recipients if recipient in addresses)
    assert delivered == Counter(addresses)  # each verification mail once, whichever worker took it
