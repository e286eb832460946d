"""A stand-in front cache on 127.0.0.1 that records the PURGE requests it receives (issue 19 §2), for the
tests of what an action purges without starting Varnish (tests/wiki/test_front_cache_varnish.py does).
The `front_cache` fixture (tests/conftest.py) lists one in CANDOR_CDN_SERVERS."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class PurgeRecorder(ThreadingHTTPServer):
    def __init__(self, status: int = 200):
        self.status = status
        self.purges: list[tuple[str, str]] = []  # (Host header, URL)
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def urls(self) -> set[str]:
        return {url for _, url in self.purges}

    def __enter__(self) -> "PurgeRecorder":
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Varnish speaks it

    def do_PURGE(self):  # noqa: N802 (http.server's naming)
        self.server.purges.append((self.headers["Host"], self.path))
        self.send_response(self.server.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass
