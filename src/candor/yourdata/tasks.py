"""Jobs of the yourdata app, run by the huey worker (`candor run_huey`).

An erasure runs under a lease named for its request (privacy/locks.py). A worker killed in the middle of
one (a deploy, a crash, the OOM killer) leaves the request in progress and no job to finish it: huey has
already taken the job off the queue. `finish_interrupted_erasures` runs each such erasure again, as soon as
a worker starts and every ten minutes; erasing is safe to repeat (erasure.py), and an erasure still running
holds its lease and is left alone (issue 20 §2).
"""

from datetime import timedelta

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from candor.privacy import locks
from candor.yourdata import actions
from candor.yourdata.models import FINAL, DataRequest, Kind, State

# Longer than an erasure takes: while its holder lives on another host, nobody else takes the lease.
ERASURE_LEASE = timedelta(hours=1)


@db_task(retries=3, retry_delay=60)
def build_export(request_id: int) -> None:
    actions.do_build_export(request_id)


@db_task(retries=3, retry_delay=60)
def erase(request_id: int) -> None:
    _erase(request_id)


def _erase(request_id: int) -> None:
    with locks.lease(f"erasure:{request_id}", ERASURE_LEASE):
        if DataRequest.objects.filter(pk=request_id, state__in=FINAL).exists():
            return  # finished by finish_interrupted_erasures meanwhile
        actions.do_erase(request_id)


@db_periodic_task(crontab(minute="*/10"))
def finish_interrupted_erasures() -> int:
    """Run again every erasure left in progress with nobody holding its lease; how many were finished."""
    finished = 0
    interrupted = DataRequest.objects.filter(kind=Kind.ERASURE, state=State.IN_PROGRESS)
    for request_id in interrupted.values_list("pk", flat=True):
        try:
            _erase(request_id)
        except locks.JobRunning:
            continue
        finished += 1
    return finished


@HUEY.on_startup()
def _finish_what_a_killed_worker_left() -> None:
    finish_interrupted_erasures()  # queued now, rather than at the next ten minutes


@db_periodic_task(crontab(minute="35"))
def remove_expired_exports() -> int:
    return actions.do_remove_expired_exports()
