"""What the fault tests start, so that they can break it: a Candor installation of its own (its data, key
and database directories under the test's tmp dir), gunicorn serving it on a free loopback port, and a
PostgreSQL cluster or a Redis server of the test's own. Each is stopped, by its PID, when the test ends.

The programs come from the machine (Debian's postgresql and redis-server; .ci/run installs them). A test
skips when one is missing, except in CI (CI=true), where it fails instead.
"""

import glob
import itertools
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def need(program: str | None, what: str) -> str:
    """The program's path; without it, skip (fail in CI, where .ci/run must have installed it)."""
    if program:
        return program
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is missing: .ci/run installs it")
    pytest.skip(f"{what} is not installed")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A person's browser against one server: cookies kept, redirects not followed (a save's 303 is the
    acknowledgement), every answer returned as (status, headers, body), HTTP errors included."""

    def __init__(self, base: str, language: str = "en"):
        self.base, self.language = base, language
        self.cookies = urllib.request.HTTPCookieProcessor()
        self.opener = urllib.request.build_opener(self.cookies, NoRedirect)

    def request(self, path: str, data: dict | None = None, timeout: float = 10) -> tuple[int, dict, str]:
        body = None if data is None else urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(self.base + path, data=body)  # noqa: S310 - loopback only
        request.add_header("Accept-Language", self.language)
        if data is not None:
            request.add_header("Referer", self.base + path)
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def csrf_token(self, form_path: str = "/wiki/Fault_test?action=edit") -> str:
        status, _, body = self.request(form_path)
        assert status == 200, body
        return body.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]


class Installation:
    """A Candor of its own: `run` is its `candor` command, `serve` its gunicorn."""

    def __init__(self, directory: Path, database_url: str, **settings: str):
        self.directory = directory
        self.environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "candor.settings",
            "CANDOR_DATA_DIR": str(directory),
            "CANDOR_KEY_DIR": str(directory / "keys"),
            "CANDOR_HTTPS": "false",
            "DATABASE_URL": database_url,
            "CANDOR_JOBS": "sqlite",
            **settings,
        }
        self.environment.pop("CANDOR_RETENTION_DAYS", None)
        self.servers: list[subprocess.Popen] = []  # gunicorn and workers, stopped by stop()
        self.value = None  # reads one value from the database, from outside: set by installation_on

    def run(self, *arguments: str, check: bool = True, timeout: float = 180) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "candor.cli", *arguments]
        done = subprocess.run(command, env=self.environment, capture_output=True, text=True, timeout=timeout)
        if check:
            assert done.returncode == 0, done.stderr
        return done

    def count(self, table: str) -> int:
        return self.value(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - the tests' own table names

    def start(self, *arguments: str) -> subprocess.Popen:
        """`candor <arguments>` in the background (a worker), stopped with the installation."""
        command = [sys.executable, "-m", "candor.cli", *arguments]
        process = subprocess.Popen(
            command, env=self.environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        self.servers.append(process)
        return process

    def python(self, code: str) -> subprocess.CompletedProcess:
        """Run `code` with Django set up on this installation (for seeding what no command makes)."""
        script = "import django\ndjango.setup()\n" + code
        done = subprocess.run(
            [sys.executable, "-c", script], env=self.environment, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        return done

    def serve(self, workers: int = 2) -> str:
        """Start gunicorn with the shipped configuration; the base URL once it answers."""
        port = free_port()
        environment = {**self.environment, "CANDOR_BIND": f"127.0.0.1:{port}", "CANDOR_WORKERS": str(workers)}
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.servers.append(server)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/privacy/cookies", timeout=5):  # noqa: S310 - ours
                    return base
            except OSError:
                assert server.poll() is None, "gunicorn stopped while starting"
                assert time.monotonic() < deadline, "gunicorn did not answer within a minute"
                time.sleep(0.2)

    def stop(self) -> None:
        for server in self.servers:
            if server.poll() is None:
                server.send_signal(signal.SIGTERM)
                try:
                    server.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
        self.servers.clear()


def suite_database(directory: Path) -> tuple[str, object]:
    """A fresh database on the suite's engine (DATABASE_URL: PostgreSQL, else SQLite); its URL, and a
    function giving the one value a query selects, read from outside the installation (what a kill left)."""
    suite = os.environ.get("DATABASE_URL", "")
    if not suite.startswith("postgres"):
        path = directory / "candor.sqlite3"

        def sqlite_value(query: str):
            with sqlite3.connect(path, timeout=30) as reader:
                return reader.execute(query).fetchone()[0]

        return f"sqlite:///{path}", sqlite_value
    name = f"candor_fault_{os.getpid()}_{next(_databases)}"
    with psycopg.connect(suite, autocommit=True) as server:
        server.execute(f"DROP DATABASE IF EXISTS {name}")
        server.execute(f"CREATE DATABASE {name}")
    url = suite.rsplit("/", 1)[0] + "/" + name

    def postgres_value(query: str):
        with psycopg.connect(url) as reader:
            return reader.execute(query).fetchone()[0]

    return url, postgres_value


_databases = itertools.count()


@pytest.fixture
def installation_on(tmp_path):
    """installation_on(database_url=None, migrate=True, **environment): a migrated Candor of the test's own,
    on the given database or on a fresh one of the suite's engine (dropped afterwards)."""
    made, dropped = [], []

    def make(database_url: str | None = None, *, migrate: bool = True, **settings: str) -> Installation:
        directory = tmp_path / f"installation-{len(made)}"
        directory.mkdir()
        url, value = (database_url, None) if database_url else suite_database(directory)
        if database_url is None and url.startswith("postgres"):
            dropped.append(url)
        installation = Installation(directory, url, **settings)
        installation.value = value
        if migrate:  # else an empty database, for a restore
            installation.run("migrate", "--noinput")
        made.append(installation)
        return installation

    yield make
    for installation in made:
        installation.stop()
    for url in dropped:
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


class PostgresCluster:
    """A PostgreSQL cluster in a directory of its own, owned by the postgres user (initdb refuses root)."""

    def __init__(self, binaries: Path):
        self.binaries = binaries
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="candor-fault-pg-"))
        self.as_owner: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
            self.as_owner = ["runuser", "-u", "postgres", "--"]
        self.data = self.directory / "data"
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/candor"

    def _run(self, program: str, *arguments: str) -> None:
        command = [*self.as_owner, str(self.binaries / program), *arguments]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def create(self) -> None:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
        self.start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "candor")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.directory / "log")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop("immediate")
        shutil.rmtree(self.directory, ignore_errors=True)


@pytest.fixture
def postgres_cluster():
    """A running PostgreSQL of the test's own on a free port, with an empty database `candor`."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    pg_ctl = need(found[-1] if found else None, "PostgreSQL's server (pg_ctl)")
    cluster = PostgresCluster(Path(pg_ctl).parent)
    try:
        cluster.create()
        yield cluster
    finally:
        cluster.remove()


class RedisServer:
    """A redis-server of the test's own on a free port, keeping nothing on disk: killed, it loses its data."""

    def __init__(self, program: str):
        self.program, self.port = program, free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        arguments = ["--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen([self.program, *arguments], stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def redis_server():
    server = RedisServer(need(shutil.which("redis-server"), "redis-server"))
    server.start()
    yield server
    server.kill()
