"""The soak (issue 20 §1): a mixed load on gunicorn for a while, then checks that nothing was lost or leaked.

`.venv/bin/python bench/soak.py [--seconds 600] [--database sqlite|postgres|both]` (`make soak DURATION=600`)
runs the load on a Candor of its own: SQLite with the SQLite job queue, then PostgreSQL (a database of its own
on 127.0.0.1:5432, created and dropped here) with Redis (CANDOR_JOBS=redis://127.0.0.1:6379/12, emptied
before and after). Everything listens on 127.0.0.1: gunicorn (bench/server.py), the job worker
(`candor run_huey`) and an aiosmtpd relay that takes the worker's mail.

The clients, each a thread with its own browser (tests/scale/live.py) and its own log: anonymous readers,
logged-out and logged-in editors racing on the same few pages (each loads the form, waits a moment, saves:
others' saves in between are edit conflicts), signups with an address, logins with wrong passwords, API
clients (/w/api.php), watchers, and a CheckUser doing lookups behind the policy and the second factor. The
purge and the digests are queued every SCHEDULE_SECONDS (a quarter of a shorter run) instead of daily or
hourly (their crontab).

At the end, each check fails the run (exit 1):
- every save answered 303 is one revision, with the client's text, and no other save left one; every 409
  showed the conflict to its editor; the soak pages hold exactly the saves acknowledged;
- no response 5xx and no request failed; the mail of every signup reached the relay;
- each gunicorn worker and the job worker is still the same process, and its RSS (sampled every 5 s once
  warm: the lowest of the last quarter of the samples against the median of the first) grew by less than
  RSS_GROWTH_MB; the job queue drains within DRAIN_SECONDS once the load stops;
- the canary crawl (tests/privacy/test_canary_crawl.py) of the end state, anonymous, finds none of the
  nonpublic values the clients sent: wrong passwords, signup addresses, the logged-in editors' addresses
  and user agents, every editor's user agent, the CheckUser's reasons.
The figures are printed and written to var/soak-<database>.json (docs/reliability.md "Load held").
"""

import argparse
import base64
import email
import email.policy
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]

from load import form_fields, percentile  # noqa: E402
from server import environment, free_port, gunicorn  # noqa: E402

POSTGRES = os.environ.get("CANDOR_SOAK_POSTGRES", "postgres://postgres@127.0.0.1:5432/test")
REDIS = "redis://127.0.0.1:6379/12"  # a database number no test uses
PAGES = [f"Soak_page_{n}" for n in range(4)]  # few, so that editors meet on them
SCHEDULE_SECONDS = 30
WARM_SECONDS = 20
RSS_GROWTH_MB = 40
DRAIN_SECONDS = 120
CLIENTS = {  # kind: threads
    "reader": 2,
    "anonymous editor": 2,
    "logged-in editor": 2,
    "signup": 1,
    "wrong password": 1,
    "api": 1,
    "watcher": 1,
    "checkuser": 1,
}


@dataclass
class Log:
    """What the clients saw: every answer by kind, and every save attempt."""

    answers: dict[str, list[tuple[int, float]]] = field(default_factory=lambda: defaultdict(list))
    failures: list[str] = field(default_factory=list)  # requests that got no answer, or a wrong one
    saves: list[tuple[str, str, int, bool]] = field(
        default_factory=list
    )  # title, marker, status, conflict shown
    canaries: list = field(default_factory=list)
    signups: list[str] = field(default_factory=list)  # their addresses
    editors: dict[str, str] = field(default_factory=dict)  # logged-in editor: the address they edit from
    watchers: list[str] = field(default_factory=list)  # their addresses, confirmed
    revealed: int = 0  # CheckUser lookups that showed a logged-in editor's address: the canaries were stored
    lock: threading.Lock = field(default_factory=threading.Lock)


class Relay:
    """The mail relay's handler (aiosmtpd): every mail it took, as (recipients, decoded text)."""

    def __init__(self):
        self.mails: list[tuple[list[str], str]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(("plain",))
        self.mails.append((envelope.rcpt_tos, body.get_content() if body else ""))
        return "250 OK"

    def to(self, address: str) -> list[str]:
        return [text for recipients, text in list(self.mails) if address in recipients]


class Soak:
    def __init__(self, base: str, log: Log, stop: threading.Event, relay: Relay):
        self.base, self.log, self.stop, self.relay = base, log, stop, relay

    def browser(self, kind: str):
        from tests.scale.live import Browser

        browser = Browser(self.base)
        browser.session.headers["User-Agent"] = self.canary("user agent", f"SoakAgent/{uuid.uuid4().hex}")

        def record(response, *args, **kwargs):
            with self.log.lock:
                self.log.answers[kind].append((response.status_code, response.elapsed.total_seconds()))

        browser.session.hooks["response"].append(record)
        return browser

    def canary(self, what: str, value: str) -> str:
        from tests.privacy.test_canary_crawl import address_canary, text_canary

        made = address_canary(what, value) if what.endswith("IP address") else text_canary(what, value)
        with self.log.lock:
            self.log.canaries.append(made)
        return value

    def loop(self, kind: str, step, pause: float) -> None:
        """Run `step()` until the end, `pause` seconds apart (±50%); a step that raises is a failure."""
        rng = random.Random(f"{kind}-{threading.get_ident()}")
        while not self.stop.is_set():
            try:
                step(rng)
            except Exception as error:  # noqa: BLE001 - every failure is reported at the end
                with self.log.lock:
                    self.log.failures.append(f"{kind}: {error!r}"[:300])
            self.stop.wait(pause * rng.uniform(0.5, 1.5))

    def save(self, browser, rng, who: str) -> None:
        title = rng.choice(PAGES)
        form = browser.get(f"/wiki/{title}?action=edit")
        fields = form_fields(form.text)
        time.sleep(rng.uniform(0, 0.5))  # reading, typing: others save meanwhile
        marker = f"soak {who} {uuid.uuid4().hex}"
        data = {"text": fields["text"] + f"\n* {marker}", "summary": marker, "base": fields["base"]}
        answer = browser.post(f"/wiki/{title}?action=edit", data, follow=False)
        with self.log.lock:
            self.log.saves.append((title, marker, answer.status_code, 'id="edit-conflict"' in answer.text))

    def sign_up(self, kind: str, rng) -> tuple[object, str, str, str]:
        name, password = f"Soak{uuid.uuid4().hex[:12]}", uuid.uuid4().hex
        browser = self.browser(kind)
        email = self.canary("signup email", f"soak-{uuid.uuid4().hex}@example.org")
        browser.get("/accounts/signup")
        done = browser.post("/accounts/signup", {"username": name, "password": password, "email": email})
        if "sessionid" not in browser.session.cookies:
            raise AssertionError(f"signup answered {done.status_code}")
        with self.log.lock:
            self.log.signups.append(email)
        return browser, name, password, email

    # The clients: each returns the step its loop repeats.

    def reader(self, kind):
        browser = self.browser(kind)
        paths = [
            "/wiki/Special:RecentChanges",
            *(f"/wiki/{t}" for t in PAGES),
            f"/wiki/{PAGES[0]}?action=history",
        ]
        return lambda rng: browser.get(rng.choice(paths)), 0.2

    def anonymous_editor(self, kind):
        browser = self.browser(kind)
        return lambda rng: self.save(browser, rng, "anonymous"), 1.0

    def logged_in_editor(self, kind):
        browser, name, _, _ = self.sign_up(kind, random.Random())
        address = self.canary("logged-in editor's IP address", unique_ipv6())
        browser.session.headers["X-Forwarded-For"] = address
        with self.log.lock:
            self.log.editors[name] = address
        return lambda rng: self.save(browser, rng, name), 1.0

    def signup(self, kind):
        return lambda rng: self.sign_up(kind, rng), 5.0

    def wrong_password(self, kind):
        _, name, _, _ = self.sign_up(kind, random.Random())
        browser = self.browser(kind)

        def step(rng):
            wrong = self.canary("wrong password", f"wrong-{uuid.uuid4().hex}")
            browser.get("/accounts/login")
            browser.post("/accounts/login", {"username": name, "password": wrong})

        return step, 4.0

    def api(self, kind):
        browser = self.browser(kind)
        titles = quote("|".join(PAGES))
        queries = [
            "action=query&list=recentchanges&rcprop=title|ids|user|timestamp|comment|sizes&rclimit=50",
            f"action=query&prop=revisions&titles={titles}&rvprop=ids|user|timestamp|comment|content",
            "action=query&meta=siteinfo",
        ]
        return lambda rng: browser.get(f"/w/api.php?format=json&{rng.choice(queries)}"), 0.5

    def watcher(self, kind):
        """Confirms their address from the mail, agrees to watchlist mail in a daily digest, watches."""
        browser, _, _, address = self.sign_up(kind, random.Random())
        deadline = time.monotonic() + 60
        while not self.relay.to(address):
            if time.monotonic() > deadline:
                raise AssertionError("the verification mail did not come within a minute")
            time.sleep(0.5)
        token = re.search(r"/accounts/verify-email\?token=(\S+)", self.relay.to(address)[0])[1]
        browser.get(f"/accounts/verify-email?token={token}").raise_for_status()
        browser.post("/accounts/preferences", {"form": "consent", "watchlist_email": "on"}).raise_for_status()
        browser.post("/notify/settings", {"frequency": "daily"}).raise_for_status()
        switches = {"switches": "1", "on": ["watched_page_edited:web", "watched_page_edited:email"]}
        browser.post("/notify/settings", switches).raise_for_status()
        with self.log.lock:
            self.log.watchers.append(address)

        def step(rng):
            browser.post("/notify/watch", {"title": rng.choice(PAGES).replace("_", " ")}, follow=False)
            browser.get("/notify/watchlist")

        return step, 2.0

    def checkuser(self, kind, username: str, password: str):
        from django_otp.oath import totp

        browser = self.browser(kind)
        browser.log_in(username, password)
        browser.post("/accounts/access-policy", {}, follow=False)
        secret = re.search(r'id="totp-secret">([A-Z2-7=]+)<', browser.get("/accounts/second-factor").text)[1]
        code = f"{totp(base64.b32decode(secret)):06d}"
        passed = browser.post("/accounts/second-factor", {"code": code}, follow=False)
        if passed.status_code != 302:
            raise AssertionError(f"the second factor answered {passed.status_code}")

        def step(rng):
            with self.log.lock:
                editor, address = rng.choice(sorted(self.log.editors.items()))
            target = {"address": "127.0.0.1"} if rng.random() < 0.5 else {"username": editor}
            reason = self.canary("CheckUser's reason", f"soak lookup {uuid.uuid4().hex}")
            answer = browser.post("/accounts/checkuser", {**target, "reason": reason})
            if answer.status_code != 200:
                raise AssertionError(f"the lookup answered {answer.status_code}")
            if address in answer.text:
                with self.log.lock:
                    self.log.revealed += 1

        return step, 3.0


def unique_ipv6() -> str:
    from tests.privacy.test_canary_crawl import _unique_ipv6

    return _unique_ipv6()


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def rss_start_end(samples: list[float]) -> tuple[float, float]:
    quarter = max(1, len(samples) // 4)
    # A leak raises the floor of the late samples; a request's passing peak (a large page or lookup whose
    # memory the allocator gives back later) does not, even in CI's two-minute run.
    return statistics.median(samples[:quarter]), min(samples[-quarter:])


def children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def soak(database: str, seconds: int) -> dict:
    """One soak on `database`; its figures and the problems found."""
    data_dir = Path(tempfile.mkdtemp(prefix=f"candor-soak-{database}-"))
    database_url, jobs = f"sqlite:///{data_dir / 'candor.sqlite3'}", "sqlite"
    if database == "postgres":
        import psycopg
        import redis

        name = f"candor_soak_{os.getpid()}"
        with psycopg.connect(POSTGRES, autocommit=True) as server:
            server.execute(f"DROP DATABASE IF EXISTS {name}")
            server.execute(f"CREATE DATABASE {name}")
        database_url, jobs = POSTGRES.rsplit("/", 1)[0] + "/" + name, REDIS
        redis.Redis.from_url(REDIS).flushdb()
    try:
        figures = _soak(data_dir, database_url, jobs, seconds)
    finally:
        if database == "postgres":
            redis.Redis.from_url(REDIS).flushdb()
            with psycopg.connect(POSTGRES, autocommit=True) as server:
                server.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    if figures["problems"]:
        figures["logs"] = str(data_dir)  # gunicorn's and the worker's, kept to read
    else:
        shutil.rmtree(data_dir)
    return figures


def _soak(data_dir: Path, database_url: str, jobs: str, seconds: int) -> dict:
    from aiosmtpd.controller import Controller

    relay = Relay()
    smtp_port = free_port()
    controller = Controller(relay, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    env = environment(data_dir, database_url) | {
        "CANDOR_JOBS": jobs,
        "CANDOR_EMAIL_PORT": str(smtp_port),
        "CANDOR_TRUSTED_PROXIES": "127.0.0.1/32",
        "ALLOWED_HOSTS": "127.0.0.1,testserver",  # testserver: the canary crawl's client
    }
    env.pop("CANDOR_RETENTION_DAYS", None)
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    worker = subprocess.Popen(
        [str(ROOT / ".venv/bin/candor"), "run_huey"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(data_dir / "worker.log").open("w"),
    )
    try:
        with gunicorn(env, data_dir / "gunicorn.log") as server:
            return _load(server, worker, relay, seconds)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        controller.stop()


def _load(server, worker, relay, seconds: int) -> dict:
    from django.core.management import call_command
    from huey.contrib.djhuey import HUEY

    from candor.notify.tasks import daily_digest, weekly_digest
    from candor.privacy.tasks import daily_purge, hourly_purge

    log, stop = Log(), threading.Event()
    clients = Soak(server.url, log, stop, relay)
    founder = clients.browser("setup")
    for title in PAGES:
        founder.save(title, f"A page the soak's editors share: {title}.", follow=False)
    checkuser_name, checkuser_password = f"SoakCheckUser{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    founder_browser = clients.browser("setup")
    founder_browser.sign_up(checkuser_name, checkuser_password)
    call_command("grant_role", checkuser_name, "checkuser", reason="the soak's CheckUser")

    starts = {
        "reader": clients.reader,
        "anonymous editor": clients.anonymous_editor,
        "logged-in editor": clients.logged_in_editor,
        "signup": clients.signup,
        "wrong password": clients.wrong_password,
        "api": clients.api,
        "watcher": clients.watcher,
        "checkuser": lambda kind: clients.checkuser(kind, checkuser_name, checkuser_password),
    }
    threads = []
    for kind, count in CLIENTS.items():
        for _ in range(count):
            step, pause = starts[kind](kind)
            threads.append(threading.Thread(target=clients.loop, args=(kind, step, pause), daemon=True))
    began = time.monotonic()
    for thread in threads:
        thread.start()
    queue, rss, scheduled = [], defaultdict(list), 0
    while (elapsed := time.monotonic() - began) < seconds:
        if elapsed >= scheduled * min(SCHEDULE_SECONDS, seconds / 4):
            for job in (hourly_purge, daily_purge, daily_digest, weekly_digest):
                job()
            scheduled += 1
        queue.append(HUEY.pending_count())
        if elapsed >= min(WARM_SECONDS, seconds / 4):
            for pid in [*children(server.pid), worker.pid]:
                rss[pid].append(rss_mb(pid))
        time.sleep(5)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    duration = time.monotonic() - began
    alive = {*children(server.pid), worker.pid}
    drained_after = None
    for waited in range(DRAIN_SECONDS):
        if HUEY.pending_count() == 0:
            drained_after = waited
            break
        time.sleep(1)
    time.sleep(5)  # the last mails on their way to the relay
    return report(log, duration, queue, rss, alive, drained_after, relay, worker.pid)


def report(log: Log, duration, queue, rss, alive, drained_after, relay: Relay, worker_pid) -> dict:
    import logging

    from django.test import Client
    from tests.privacy.test_canary_crawl import Crawl

    from candor.wiki.models import Revision

    problems = list(log.failures)
    revisions = Counter(
        Revision.objects.filter(page__title__in=PAGES, summary__startswith="soak ").values_list(
            "summary", flat=True
        )
    )
    saved = {marker: status for _, marker, status, _ in log.saves}
    acknowledged = [marker for marker, status in saved.items() if status == 303]
    conflicts = [(marker, shown) for _, marker, status, shown in log.saves if status == 409]
    others = Counter(status for status in saved.values() if status not in (303, 409))
    problems += [f"a save answered {status}, {n} times" for status, n in others.items()]
    problems += [
        f"an acknowledged save is {revisions[m]} revisions: {m}" for m in acknowledged if revisions[m] != 1
    ]
    problems += [
        f"a refused save left a revision: {m}" for m, s in saved.items() if s != 303 and revisions[m]
    ]
    problems += [f"a revision no client saved: {m}" for m in revisions if m not in saved]
    problems += [f"a conflict was not shown to its editor: {m}" for m, shown in conflicts if not shown]
    for marker in acknowledged:
        text = Revision.objects.filter(summary=marker).values_list("text", flat=True).first()
        if text is not None and not text.endswith(f"* {marker}"):
            problems.append(f"an acknowledged save's text is not what was sent: {marker}")
    server_errors = sum(1 for answers in log.answers.values() for status, _ in answers if status >= 500)
    if server_errors:
        problems.append(f"{server_errors} responses 5xx")
    unmailed = [address for address in log.signups if not relay.to(address)]
    if unmailed:
        problems.append(f"{len(unmailed)} of {len(log.signups)} signups' mails never reached the relay")
    digests = {address: len(relay.to(address)) - 1 for address in log.watchers}  # less the verification
    if not all(digests.values()):
        problems.append(f"a watcher received no digest: {digests}")
    # Start and end: the medians of the first and the last quarter of the samples, every 5 s once warm, so
    # that one request's passing peak is not read as growth.
    flat = {pid: rss_start_end(samples) for pid, samples in rss.items()}
    for pid, (start, end) in flat.items():
        if pid not in alive:
            problems.append(f"process {pid} is gone (a worker restarted)")
        elif end - start > RSS_GROWTH_MB:
            problems.append(f"process {pid} grew from {start:.0f} MB to {end:.0f} MB")
    if drained_after is None:
        problems.append(f"the job queue did not drain within {DRAIN_SECONDS} s: {queue[-5:]}")
    logging.getLogger("django.request").setLevel(logging.ERROR)  # the crawl's 404s are expected
    crawl = Crawl(Client(REMOTE_ADDR="127.0.0.1"), log.canaries)
    crawl.run(
        [
            "/wiki/Special:RecentChanges",
            "/w/api.php?action=query&list=recentchanges&rcprop=title|ids|user|timestamp|comment|sizes&format=json",
            *(f"/wiki/{title}?action=history" for title in PAGES),
            *(f"/wiki/{title}" for title in PAGES),
        ]
    )
    problems += [f"canary crawl: {problem}" for problem in crawl.problems]
    # The controls: the canaries were stored where a CheckUser sees them, and the crawl reads attributions.
    if not log.revealed:
        problems.append("no CheckUser lookup showed a logged-in editor's address: were the canaries stored?")
    if not any("127.0.0.1" in page.body for page in crawl.fetched.values()):
        problems.append("the crawl never saw the logged-out editors' public address: can it see addresses?")
    kinds = {
        kind: {
            "requests": len(answers),
            "per_second": round(len(answers) / duration, 2),
            "p50_ms": round(percentile([s for _, s in answers], 50) * 1000, 1),
            "p99_ms": round(percentile([s for _, s in answers], 99) * 1000, 1),
            "5xx": sum(1 for status, _ in answers if status >= 500),
        }
        for kind, answers in sorted(log.answers.items())
    }
    return {
        "seconds": round(duration),
        "requests": kinds,
        "saves": {
            "acknowledged": len(acknowledged),
            "revisions": sum(revisions.values()),
            "conflicts": len(conflicts),
            "other": sum(others.values()),
        },
        "signups_mailed": f"{len(log.signups) - len(unmailed)}/{len(log.signups)}",
        "digests_per_watcher": sorted(digests.values()),
        "mails": len(relay.mails),
        "rss_mb": {
            ("job worker" if pid == worker_pid else f"gunicorn worker {pid}"): [round(start), round(end)]
            for pid, (start, end) in flat.items()
        },
        "queue": {
            "max": max(queue, default=0),
            "last": queue[-1] if queue else 0,
            "drained_after_s": drained_after,
        },
        "lookups_showing_an_editor": log.revealed,
        "crawl": {
            "urls": len(crawl.fetched),
            "canaries": len(log.canaries),
            "bound_reached": crawl.bound_reached,
        },
        "load_average": os.getloadavg(),
        "problems": problems,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=600, help="of load, on each database")
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    arguments = parser.parse_args()
    # Stopped, stop what it started: SystemExit runs the `finally` blocks that end gunicorn and the worker.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(f"soak on {arguments.database}: stopped"))
    if arguments.database == "both":  # one process each: Django is set up once per process
        codes = [
            subprocess.call(
                [sys.executable, __file__, "--seconds", str(arguments.seconds), "--database", database]
            )
            for database in ("sqlite", "postgres")
        ]
        raise SystemExit(max(codes))
    figures = soak(arguments.database, arguments.seconds)
    output = ROOT / "var" / f"soak-{arguments.database}.json"
    output.parent.mkdir(exist_ok=True)
    output.write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))
    if figures["problems"]:
        print(f"soak on {arguments.database}: FAILED, {len(figures['problems'])} problems", file=sys.stderr)
        raise SystemExit(1)
    print(f"soak on {arguments.database}: passed")


if __name__ == "__main__":
    main()
