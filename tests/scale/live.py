"""Real servers for the multi-machine stories (issue 19 §3): PostgreSQL clusters of the test's own, gunicorn
over them, and a browser-like client. Everything listens on 127.0.0.1 and is stopped by the fixture that
started it."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
# Debian's server programs (the `postgresql` package), the newest installed version unless set.
_INSTALLED = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parts[-3]))
PG_BIN = Path(os.environ.get("CANDOR_PG_BIN") or (_INSTALLED[-1].parent if _INSTALLED else "/nonexistent"))
IN_CI = os.environ.get("CI") == "true"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def require_postgresql_server() -> None:
    """Skip without PostgreSQL's server programs, except in CI, where the test must run (and fails)."""
    if not (PG_BIN / "pg_ctl").exists() and not IN_CI:
        pytest.skip(f"PostgreSQL's server programs are not in {PG_BIN}")


def _as_postgres() -> list[str]:
    """initdb refuses to run as root: run the server programs as the `postgres` account then."""
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


class Cluster:
    """A PostgreSQL cluster in a directory of its own, on its own port."""

    def __init__(self, base: Path, name: str):
        self.directory, self.port, self.socket_dir = base / name, free_port(), base

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def run(self, program: str, *arguments: str) -> None:
        subprocess.run(
            [*_as_postgres(), str(PG_BIN / program), *arguments], check=True, capture_output=True, timeout=60
        )

    def create(self) -> None:
        """A new, empty cluster in the directory (trust for every local connection, as in tests)."""
        self.run(
            "initdb", "-D", str(self.directory), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"
        )

    def start(self, *settings: str) -> None:
        options = f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 " + " ".join(
            f"-c {setting}" for setting in settings
        )
        self.run(
            "pg_ctl", "-D", str(self.directory), "-o", options, "-l", f"{self.directory}.log", "-w", "start"
        )

    def stop(self) -> None:
        if (self.directory / "postmaster.pid").exists():
            self.run("pg_ctl", "-D", str(self.directory), "-m", "immediate", "-w", "stop")

    def execute(self, sql: str, database: str = "postgres"):
        with psycopg.connect(self.url(database), autocommit=True) as connection:
            cursor = connection.execute(sql)
            return cursor.fetchall() if cursor.description else None


@contextmanager
def cluster_directory():
    """A directory the `postgres` account owns, removed afterwards (pytest's tmp_path is root's, 0700)."""
    base = Path(tempfile.mkdtemp(prefix="candor-pg-"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    try:
        yield base
    finally:
        shutil.rmtree(base, ignore_errors=True)


def candor_environment(data_dir: Path, **extra: str) -> dict[str, str]:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "candor.settings",
        "CANDOR_DATA_DIR": str(data_dir),
        "CANDOR_KEY_DIR": str(data_dir / "keys"),
        "CANDOR_HTTPS": "false",
        "CANDOR_WORKERS": "2",
        "SECRET_KEY": "multi-machine-test-secret-key-shared-by-every-host",
        **extra,
    }
    for name in ("DATABASE_REPLICA_URL", "CANDOR_RETENTION_DAYS"):
        if name not in extra:
            environment.pop(name, None)
    return environment


def candor(environment: dict[str, str], *arguments: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "candor.cli", *arguments], env=environment, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@contextmanager
def gunicorn(environment: dict[str, str]):
    """Candor under the shipped gunicorn configuration, on a free port; yields its base URL."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
        env={**environment, "CANDOR_BIND": f"127.0.0.1:{port}", "CANDOR_ACCESS_LOG": "/dev/null"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(base + "/privacy", timeout=30)
                break
            except requests.ConnectionError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(server.stderr.read().decode()) from None
                time.sleep(0.1)
        yield base
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server.stderr.close()


class Browser:
    """One person's browser: keeps its cookies, sends each form with its CSRF token."""

    def __init__(self, base: str):
        self.base, self.session = base, requests.Session()
        self.session.trust_env = False  # no proxy from the environment: 127.0.0.1 only

    def get(self, path: str, base: str | None = None) -> requests.Response:
        return self.session.get((base or self.base) + path, timeout=30)

    def post(
        self, path: str, data: dict[str, str], base: str | None = None, *, follow: bool = True
    ) -> requests.Response:
        base = base or self.base
        if "csrftoken" not in self.session.cookies:
            self.get(path.split("?")[0] + ("?action=edit" if path.startswith("/wiki/") else ""), base)
        token = self.session.cookies["csrftoken"]
        return self.session.post(
            base + path,
            data={**data, "csrfmiddlewaretoken": token},
            headers={"Referer": base},
            timeout=30,
            allow_redirects=follow,
        )

    def sign_up(self, username: str, password: str) -> None:
        self.get("/accounts/signup")
        done = self.post("/accounts/signup", {"username": username, "password": password, "email": ""})
        assert "sessionid" in self.session.cookies, done.text[:500]

    def log_in(self, username: str, password: str, base: str | None = None) -> None:
        self.get("/accounts/login", base)
        done = self.post("/accounts/login", {"username": username, "password": password}, base)
        assert "sessionid" in self.session.cookies, done.text[:500]

    def edit_base(self, title: str, base: str | None = None) -> str:
        """The revision the edit form offers to build on ("" for a new page)."""
        form = self.get(f"/wiki/{title}?action=edit", base).text
        return re.search(r'name="base"(?: value="(\d+)")?', form)[1] or ""

    def save(
        self, title: str, text: str, base: str | None = None, *, on: str | None = None, follow: bool = True
    ) -> requests.Response:
        """Save on top of `on`, by default the revision the edit form shows, as a person would."""
        data = {"text": text, "summary": "", "base": self.edit_base(title, base) if on is None else on}
        return self.post(f"/wiki/{title}?action=edit", data, base, follow=follow)
