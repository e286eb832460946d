"""An erasure whose worker is killed, by SIGKILL then by SIGTERM, at random points (issue 20 §2; C110;
STYLE.md 7): each kill leaves whole batches deleted and the request in progress; the next worker to start
finishes it (yourdata/tasks.py, finish_interrupted_erasures): every row of the person's private events gone,
the request completed, the password unusable. Nothing is half-done."""

import random
import signal
import time

from tests.steps import PASSWORD

EVENTS, BATCH = 16_000, 2000  # privacy.retention.BATCH_SIZE: eight batches and more
SEED = f"""
from datetime import UTC, datetime
from candor.accounts.actions import do_create_account
from candor.privacy import sealing
from candor.privacy.capture import RequestMeta
from candor.privacy.models import PrivateEvent
from candor.yourdata import actions
meta = RequestMeta.from_address("198.51.100.80")
frank = do_create_account(username="Frank", password={PASSWORD!r}, email="frank@example.org", meta=meta)
at = datetime.now(UTC)
blob = sealing.seal({{"ip": "198.51.100.80", "user_agent": "canary", "forwarded_for": ""}}, at.date())
event = dict(event_type="edit", at=at, actor=frank, sealed_on=at.date(), sealed=blob)
events = (PrivateEvent(**event) for _ in range({EVENTS}))
PrivateEvent.objects.bulk_create(events, batch_size=5000)
print(actions.do_request_erasure(frank, password={PASSWORD!r}).pk)
"""


def _events(installation) -> int:
    return installation.value(
        "SELECT COUNT(*) FROM privacy_privateevent WHERE actor_id = (SELECT id FROM accounts_user "
        "WHERE username = 'Frank')"
    )


def _state(installation, request_id: int) -> str:
    return installation.value(f"SELECT state FROM yourdata_datarequest WHERE id = {int(request_id)}")  # noqa: S608


def _worker_killed_after(installation, at_most: int, how: signal.Signals) -> int:
    worker = installation.start("run_huey")
    deadline = time.monotonic() + 120
    while _events(installation) > at_most:
        assert worker.poll() is None, worker.stderr.read().decode()
        assert time.monotonic() < deadline, "the erasure made no progress"
        time.sleep(0.01)
    worker.send_signal(how)
    worker.wait(timeout=60)
    return _events(installation)


def test_an_erasure_killed_at_random_points_is_finished_by_the_next_worker(installation_on):
    installation = installation_on()
    request_id = int(installation.python(SEED).stdout)
    total = _events(installation)
    seed = random.SystemRandom().randrange(2**32)
    chance = random.Random(seed)  # noqa: S311 - where to kill, not a secret; the seed is in every message

    left = _worker_killed_after(installation, total - chance.randrange(1, 3) * BATCH, signal.SIGKILL)
    assert 0 < left < total and (total - left) % BATCH == 0, (seed, left)
    assert _state(installation, request_id) == "in_progress", seed
    left = _worker_killed_after(installation, left - chance.randrange(1, 3) * BATCH, signal.SIGTERM)
    assert 0 < left < total and (total - left) % BATCH == 0, (seed, left)
    assert _state(installation, request_id) == "in_progress", seed

    worker = installation.start("run_huey")
    deadline = time.monotonic() + 120
    while _state(installation, request_id) != "completed":
        assert worker.poll() is None, worker.stderr.read().decode()
        assert time.monotonic() < deadline, (seed, _events(installation))
        time.sleep(0.1)

    assert _events(installation) == 0
    assert installation.value("SELECT password FROM accounts_user WHERE username = 'Frank'").startswith("!")
    assert installation.count("privacy_joblock") == 0  # the lease was given back
