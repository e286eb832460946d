"""Jobs on Redis that outlive a Redis outage (issue 20 §2; docs/operations.md, "When Redis is away").

A job is queued once the transaction that asked for it has committed (STYLE.md 1): the person's action is
already saved, so failing the request then would show them an error for something that happened, and the
job (their verification mail, a watcher's notification) would be lost. When Redis cannot be reached, the
job is written instead to a spool on this host, a SQLite file in CANDOR_DATA_DIR, and the request answers
as usual. The spool empties into Redis with the next job this host queues once Redis answers, and a worker
that shares the data directory runs spooled jobs before asking Redis. A job is moved out of the spool only
after Redis took it, so none is dropped on the way.

The spool holds what a job's arguments hold (an account's id, an address to mail), like the SQLite queue
of a one-machine installation (var/jobs.sqlite3), and only until Redis takes it.
"""

import logging
from pathlib import Path

from huey import RedisHuey
from huey.storage import RedisStorage, SqliteStorage
from redis.exceptions import ConnectionError as RedisUnreachable
from redis.exceptions import TimeoutError as RedisTimeout

logger = logging.getLogger(__name__)
_AWAY = (RedisUnreachable, RedisTimeout)


class SpoolingRedisStorage(RedisStorage):
    def __init__(self, name: str = "huey", spool: str = "jobs-spool.sqlite3", **kwargs):
        super().__init__(name, **kwargs)
        self.spool_path = Path(spool)
        self._spool: SqliteStorage | None = None

    def spool(self) -> SqliteStorage | None:
        """The spool, or None while nothing was ever spooled here (no file is made before it is needed)."""
        if self._spool is None and self.spool_path.exists():
            self._spool = SqliteStorage(self.name, filename=str(self.spool_path))
        return self._spool

    def enqueue(self, data: bytes, priority=None) -> None:
        try:
            super().enqueue(data, priority)
        except _AWAY:
            self.spool_path.parent.mkdir(parents=True, exist_ok=True)
            self.spool_path.touch(mode=0o600, exist_ok=True)
            self.spool().enqueue(data, priority)
            logger.warning("Redis cannot be reached: a job waits in %s until it can", self.spool_path)
            return
        self._drain()

    def dequeue(self) -> bytes | None:
        spool = self.spool()
        spooled = spool.dequeue() if spool is not None else None
        return spooled if spooled is not None else super().dequeue()

    def _drain(self) -> None:
        """Hand the spooled jobs to Redis, oldest first, each removed only once Redis has it: a crash in
        between queues that one twice rather than never."""
        spool = self.spool()
        while spool is not None:
            oldest = spool.sql(
                "select id, data from task where queue = ? order by priority desc, id limit 1",
                (self.name,),
                results=True,
            )
            if not oldest:
                return
            ((spooled_id, data),) = oldest
            try:
                super().enqueue(bytes(data))
            except _AWAY:
                return
            spool.sql("delete from task where id = ?", (spooled_id,), commit=True)


class SpoolingRedisHuey(RedisHuey):
    storage_class = SpoolingRedisStorage
