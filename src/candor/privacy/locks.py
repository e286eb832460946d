"""Leases in the database, so that two runs of a job never overlap, on one host or many.

`lease(name)` takes the lease or raises JobRunning. The holder renews it as it works (`renew()`); a holder
that dies stops renewing, and once the lease has expired the next run takes it over, or at once if the
holder was a process on this host that no longer exists. Taking and renewing are single transactions:
the row is locked (PostgreSQL) or the database is (SQLite's write lock).
"""

import contextlib
import os
import secrets
import socket
from collections.abc import Iterator
from datetime import timedelta

from django.db import IntegrityError, transaction

from candor.privacy import clock
from candor.privacy.models import JobLock

DEFAULT_TTL = timedelta(minutes=5)
_HOST = socket.gethostname()[:40]


class JobRunning(RuntimeError):
    """Another run holds the lease."""


def _holder_is_dead(holder: str) -> bool:
    """True when `holder` names a process of this host that has exited."""
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != _HOST or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class Lease:
    def __init__(self, name: str, ttl: timedelta):
        self.name, self.ttl = name, ttl
        self.holder = f"{_HOST}:{os.getpid()}:{secrets.token_hex(4)}"

    def acquire(self) -> None:
        now = clock.now()
        with transaction.atomic():
            lock = JobLock.objects.select_for_update().filter(name=self.name).first()
            if lock is None:
                try:
                    with transaction.atomic():
                        JobLock.objects.create(name=self.name, holder=self.holder, expires_at=now + self.ttl)
                        return
                except IntegrityError:
                    raise JobRunning(f"{self.name} is running elsewhere") from None
            if lock.holder != self.holder and lock.expires_at > now and not _holder_is_dead(lock.holder):
                raise JobRunning(f"{self.name} is running elsewhere until {lock.expires_at:%H:%M:%S}")
            lock.holder, lock.expires_at = self.holder, now + self.ttl
            lock.save(update_fields=["holder", "expires_at"])

    def renew(self) -> None:
        updated = JobLock.objects.filter(name=self.name, holder=self.holder).update(
            expires_at=clock.now() + self.ttl
        )
        if not updated:
            raise JobRunning(f"the lease on {self.name} was lost to another run")

    def release(self) -> None:
        JobLock.objects.filter(name=self.name, holder=self.holder).delete()


@contextlib.contextmanager
def lease(name: str, ttl: timedelta = DEFAULT_TTL) -> Iterator[Lease]:
    held = Lease(name, ttl)
    held.acquire()
    try:
        yield held
    finally:
        held.release()
