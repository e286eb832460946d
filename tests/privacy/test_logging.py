"""C45: Candor's logs never hold an address, a user agent, an email or a password."""

import copy
import io
import logging
import logging.config
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from candor.privacy.log_redaction import RedactPersonalData, redact

CANARY_ADDRESS = "198.51.100.177"
CANARY_AGENT = "CanaryAgent/9.9 (log-test)"
CANARY_EMAIL = "canary-log@example.org"
CANARY_PASSWORD = "canary-log-password-42"
ROOT = Path(__file__).resolve().parents[2]


class _Written:
    def __init__(self):
        self.stream = io.StringIO()

    @property
    def text(self) -> str:
        return self.stream.getvalue()


@pytest.fixture
def django_log():
    """Everything Candor's loggers write, through the very handlers, filters and levels of settings.LOGGING,
    each handler writing to a buffer instead of its stream or file: the redaction is the configured one, so
    that dropping its filter from the settings fails these tests."""
    written = _Written()
    configured = copy.deepcopy(django_settings.LOGGING)
    for name, handler in configured["handlers"].items():
        configured["handlers"][name] = {
            "class": "logging.StreamHandler",
            "stream": written.stream,
            **{key: handler[key] for key in ("filters", "formatter", "level") if key in handler},
        }
    logging.config.dictConfig(configured)
    yield written
    logging.config.dictConfig(django_settings.LOGGING)


def test_every_configured_log_handler_redacts():
    """C45: no handler of settings.LOGGING writes without the redaction filter."""
    redacting = {
        name
        for name, spec in django_settings.LOGGING["filters"].items()
        if spec.get("()") in ("candor.privacy.log_redaction.RedactPersonalData", RedactPersonalData)
    }
    assert redacting
    for name, handler in django_settings.LOGGING["handlers"].items():
        assert redacting & set(handler.get("filters", ())), f"the log handler {name!r} does not redact"


def test_a_days_actions_leave_no_personal_data_in_the_log(db, django_log):
    client = Client(
        REMOTE_ADDR=CANARY_ADDRESS, HTTP_USER_AGENT=CANARY_AGENT, HTTP_X_FORWARDED_FOR=CANARY_ADDRESS
    )
    client.post("/accounts/signup", {"username": "Logan", "password": CANARY_PASSWORD, "email": CANARY_EMAIL})
    client.post("/wiki/Pier?action=edit", {"text": "Text.", "summary": "", "base": ""})
    client.post("/accounts/logout")
    client.post("/accounts/login", {"username": "Logan", "password": "wrong " + CANARY_PASSWORD})
    client.get("/wiki/Missing_page?from=" + CANARY_EMAIL)
    client.get("/wiki/Special:Search?q=" + CANARY_EMAIL)
    client.get("/wiki/Bad%3Ctitle")

    logged = django_log.text
    assert "Not Found" in logged or "Bad Request" in logged  # the log did receive request lines
    for canary in (CANARY_ADDRESS, CANARY_AGENT, CANARY_EMAIL, CANARY_PASSWORD):
        assert canary not in logged


def test_the_redaction_masks_addresses_emails_and_query_strings():
    line = "GET /wiki/Special:Search?q=secret HTTP/1.1 from 192.0.2.1 and 2001:db8::1 by a@example.org"

    assert redact(line) == "GET /wiki/Special:Search?[query] HTTP/1.1 from [address] and [address] by [email]"
    assert redact("Not Found: /wiki/User_talk:2001:db8::1") == "Not Found: /wiki/User_talk:[address]"


def test_an_exception_is_logged_without_the_personal_data_in_its_message(django_log):
    logger = logging.getLogger("candor.test")
    try:
        raise ValueError(f"failed for {CANARY_EMAIL} at {CANARY_ADDRESS}")
    except ValueError:
        logger.exception("lookup failed for %s", CANARY_ADDRESS)

    assert CANARY_ADDRESS not in django_log.text and CANARY_EMAIL not in django_log.text
    assert "lookup failed for [address]" in django_log.text


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_shipped_gunicorn_configuration_logs_no_client(tmp_path):
    """Run gunicorn with deploy/gunicorn.conf.py; its access log must name no address or agent."""
    port = _free_port()
    environment = {
        **os.environ,
        "CANDOR_BIND": f"127.0.0.1:{port}",
        "CANDOR_WORKERS": "1",
        "CANDOR_DATA_DIR": str(tmp_path),
        "CANDOR_HTTPS": "false",
        "DATABASE_URL": "sqlite:///" + str(tmp_path / "db.sqlite3"),
    }
    subprocess.run(
        [sys.executable, "-m", "candor.cli", "migrate", "--noinput"],
        env=environment,
        check=True,
        capture_output=True,
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/wiki/Special:Search?q={CANARY_EMAIL}",
            headers={
                "User-Agent": CANARY_AGENT,
                "X-Forwarded-For": CANARY_ADDRESS,
                "Referer": "http://ref.example/",
            },
        )
        # A worker's first request imports every app (OpenDP and Polars included): slow on a busy machine.
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our own server
                    assert response.status == 200
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
    finally:
        server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=20)[0].decode()

    assert '"GET /wiki/Special:Search" 200' in output  # the access log did log the request
    for canary in ("127.0.0.1 -", CANARY_AGENT, CANARY_ADDRESS, CANARY_EMAIL, "ref.example"):
        assert canary not in output
