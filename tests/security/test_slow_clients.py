"""Slow clients (slowloris) against the documented production set-up (issue 20 §3; C100): gunicorn with the
shipped configuration (2 sync workers) behind Varnish with the shipped VCL (docs/operations.md). Clients
that send their request headers, or a form's body, one byte at a time hold connections open to Varnish;
another reader is still served meanwhile. Without the proxy the same six clients hold both sync workers and
the reader waits in vain (measured once, by hand: docs/reliability.md, "Inputs tried")."""

import http.client
import socket
import threading
import time

import pytest

from tests import varnishd
from tests.faults.conftest import installation_on as installation_on  # the fixture
from tests.faults.conftest import need

SLOW_CLIENTS = 6  # three times gunicorn's two workers
BYTE_EVERY = 0.5  # seconds between two bytes of a slow client


@pytest.fixture
def front(installation_on, tmp_path):
    """gunicorn as shipped, and Varnish with the shipped VCL in front of it; Varnish's port."""
    need(varnishd.VARNISHD, "varnishd")
    base = installation_on().serve(workers=2)
    with varnishd.running(int(base.rsplit(":", 1)[1]), tmp_path) as cache:
        yield cache.port


class SlowClient(threading.Thread):
    """Sends `at_once` in one go, then `trickled` a byte every BYTE_EVERY seconds until stopped; `cut` is set
    when the other end closes the connection first."""

    def __init__(self, port: int, at_once: bytes, trickled: bytes, stop: threading.Event):
        super().__init__(daemon=True)
        self.port, self.at_once, self.trickled, self.stop = port, at_once, trickled, stop
        self.cut = threading.Event()

    def run(self) -> None:
        with socket.create_connection(("127.0.0.1", self.port), timeout=30) as connection:
            try:
                connection.sendall(self.at_once)
                for byte in self.trickled:
                    if self.stop.wait(BYTE_EVERY):
                        return
                    connection.sendall(bytes([byte]))
            except OSError:
                self.cut.set()


def _served(port: int) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", "/privacy/cookies", headers={"Cookie": "reader=1"})  # passed, not cached
        return connection.getresponse().status
    finally:
        connection.close()


SLOW_HEADERS = b"GET /privacy/cookies HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + b"a" * 200 + b"\r\n\r\n"
BODY_HEADERS = (
    b"POST /accounts/login HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: x=1\r\n"
    b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 400\r\n\r\n"
)


def test_slow_clients_do_not_keep_others_from_being_served(front):
    """Three clients trickle their request headers, and three send a form's headers and then trickle its
    body, one byte every half second, to Varnish: three times as many as gunicorn has workers. A reader
    asking meanwhile is served each time, while every slow body is still arriving: Varnish holds them, not
    gunicorn's workers. (Varnish drops the slow headers after its timeout_idle, 5 s.)"""
    stop = threading.Event()
    headers = [SlowClient(front, b"", SLOW_HEADERS, stop) for _ in range(SLOW_CLIENTS // 2)]
    bodies = [SlowClient(front, BODY_HEADERS, b"a" * 400, stop) for _ in range(SLOW_CLIENTS // 2)]
    for client in headers + bodies:
        client.start()
    try:
        time.sleep(2)  # every slow client connected and trickling
        answers = []
        for _ in range(5):
            status = _served(front)
            answers.append((status, [client.cut.is_set() for client in bodies]))
            time.sleep(1)
    finally:
        stop.set()
        for client in headers + bodies:
            client.join(timeout=10)

    assert answers == [(200, [False] * len(bodies))] * 5
