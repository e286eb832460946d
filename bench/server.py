"""The server under test: gunicorn with deploy/gunicorn.conf.py, on a copy of the benchmark wiki.

The saves change the wiki, so gunicorn serves a fresh copy of it (`run.sqlite3`, made with SQLite's
backup API) and every run starts from the same data. It binds a free port on 127.0.0.1 only.
"""

import os
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
WORKERS = 2
START_TIMEOUT_SECONDS = 30
STOP_TIMEOUT_SECONDS = 15


def environment(data_dir: Path, database: Path | str, settings: str = "candor.settings") -> dict[str, str]:
    """The settings of the server, and of anything else that must see the same wiki as it does.

    `database` is a SQLite file, or the URL of another database; the day keys of sealed data live in
    `data_dir`/keys. `settings` may name a settings module of bench/ (which is then put on the path).
    """
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings,
        "CANDOR_DATA_DIR": str(data_dir),
        "CANDOR_KEY_DIR": str(data_dir / "keys"),
        "DATABASE_URL": database if isinstance(database, str) else f"sqlite:///{database}",
        "CANDOR_HTTPS": "false",  # plain HTTP on the loopback: cookies must not be Secure-only
        "ALLOWED_HOSTS": HOST,
        "CANDOR_DEBUG": "false",
    }
    if not settings.startswith("candor."):
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "bench"), os.environ.get("PYTHONPATH")]))
    return env


def benchmark_wiki_page_urls(data_dir: Path, database: Path) -> list[str]:
    """For a benchmark run on its own (`python bench/<name>.py`): Django configured on the benchmark wiki in
    `database`, built first if need be; the URLs of its pages."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="candor.settings",
        CANDOR_DATA_DIR=str(data_dir),
        DATABASE_URL=f"sqlite:///{database}",
    )
    import django

    django.setup()
    from django.db import connection

    import dataset

    page_urls = dataset.ensure(database).page_urls
    connection.close()
    return page_urls


def copy_database(source: Path, target: Path) -> None:
    for leftover in (target, target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
        leftover.unlink(missing_ok=True)
    original, copy = sqlite3.connect(source), sqlite3.connect(target)
    try:
        original.backup(copy)
    finally:
        copy.close()
        original.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Server:
    url: str  # http://127.0.0.1:<port>
    pid: int  # gunicorn's master; the workers are its children


@contextmanager
def gunicorn(env: dict[str, str], log: Path) -> Iterator[Server]:
    """Run gunicorn until the block ends."""
    port = free_port()
    server_env = {
        **env,
        "CANDOR_BIND": f"{HOST}:{port}",
        "CANDOR_WORKERS": str(WORKERS),
        "CANDOR_ACCESS_LOG": str(log.with_suffix(".access.log")),
    }
    command = [str(ROOT / ".venv/bin/gunicorn"), "-c", str(ROOT / "deploy/gunicorn.conf.py")]
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=server_env, stdout=output, stderr=output)
    base_url = f"http://{HOST}:{port}"
    try:
        _wait_until_ready(process, base_url, log)
        yield Server(base_url, process.pid)
    finally:
        process.send_signal(signal.SIGTERM)  # gunicorn's graceful stop: workers finish their request
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_ready(process: subprocess.Popen, base_url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {process.returncode}; see {log}")
        try:
            with urllib.request.urlopen(base_url + "/wiki/Main_Page", timeout=2):  # noqa: S310 - our URL
                return
        except urllib.error.HTTPError:
            return  # it answers (the benchmark wiki has no Main Page: 404 is an answer)
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer within {START_TIMEOUT_SECONDS} s; see {log}")
