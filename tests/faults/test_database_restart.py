"""PostgreSQL stopped and started again under a live Candor (issue 20 §2; C92 does not apply, C100's
"no error page shows a trace" does). Editors keep saving and readers keep reading while the database goes
away: during the outage every request gets the clear 503 page with Retry-After, in the reader's language,
never a 500; every save acknowledged with its 303 is a revision and no save that was refused is; when the
database is back, the same gunicorn serves again without a restart."""

import threading
import time

from tests.faults.conftest import Browser


class Load(threading.Thread):
    """A logged-out editor creating page after page, and a reader reading the one before, in a loop. A
    request may wait up to WAIT seconds: on two busy cores a worker reconnecting can be slow, not stuck."""

    WAIT = 30

    def __init__(self, base: str):
        super().__init__(daemon=True)
        self.editor, self.reader = Browser(base), Browser(base)
        self.token = self.editor.csrf_token()  # a cookie-bound token: valid while the database is away
        self.saves: list[tuple[int, int]] = []  # (number, status)
        self.reads: list[int] = []
        self.outage_pages: list[tuple[int, dict, str]] = []
        self.running = True

    def run(self) -> None:
        number = last_saved = 0
        while self.running:
            number += 1
            form = {
                "csrfmiddlewaretoken": self.token,
                "text": f"Save number {number}.",
                "summary": "",
                "base": "",
            }
            status, headers, body = self.editor.request(
                f"/wiki/Load_{number}?action=edit", form, timeout=self.WAIT
            )
            self.saves.append((number, status))
            if status >= 500:
                self.outage_pages.append((status, headers, body))
            if status == 303:
                last_saved = number
            status, headers, body = self.reader.request(f"/wiki/Load_{last_saved}", timeout=self.WAIT)
            self.reads.append(status)
            if status >= 500:
                self.outage_pages.append((status, headers, body))

    def wait_for(self, condition, what: str, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            assert self.is_alive(), "the load stopped"
            assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
            time.sleep(0.05)


def test_requests_during_a_database_restart_get_a_503_and_service_resumes_by_itself(
    postgres_cluster, installation_on
):
    installation = installation_on(postgres_cluster.url)
    base = installation.serve(workers=2)
    gunicorn = installation.servers[0]
    load = Load(base)
    load.start()
    try:
        load.wait_for(lambda: sum(s == 303 for _, s in load.saves) >= 5, "saves before the outage")
        postgres_cluster.stop("fast")
        before_outage = len(load.saves)
        load.wait_for(lambda: sum(s == 503 for _, s in load.saves[before_outage:]) >= 5, "saves refused")
        in_french = Browser(base, language="fr").request("/wiki/Load_1")
        postgres_cluster.start()
        restarted = len(load.saves) + 1  # the request in flight may have reached a worker in the outage
        load.wait_for(
            lambda: sum(s == 303 for _, s in load.saves[restarted:]) >= 5, "saves after the restart"
        )
    finally:
        load.running = False
        load.join(timeout=30)

    assert gunicorn.poll() is None  # the same server, never restarted
    assert {status for _, status in load.saves} <= {303, 503}  # acknowledged, or refused clearly: no 500
    assert set(load.reads) <= {200, 503}
    assert 503 in load.reads
    for status, headers, body in load.outage_pages:
        assert status == 503 and headers["Retry-After"] == "30"
        assert "Candor is unavailable for a moment" in body and "Traceback" not in body
    assert in_french[0] == 503 and "Candor est indisponible pour un moment" in in_french[2]

    # Nothing half-written: each acknowledged save is its revision, each refused one left no page behind.
    checker = Browser(base)
    for number, status in load.saves:
        shown, _, text = checker.request(f"/wiki/Load_{number}?action=raw")
        if status == 303:
            assert (shown, text) == (200, f"Save number {number}."), number
        else:
            assert shown == 404, f"save {number} was refused with {status}, yet its page exists"
    # Every request sent after the restart is served: each worker's dead connection was replaced before use.
    assert {status for _, status in load.saves[restarted:]} == {303}
    assert set(load.reads[restarted:]) == {200}
