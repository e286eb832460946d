"""Reads from a PostgreSQL replica, everything else from the primary (issue 19 §3; docs/operations.md).

With `DATABASE_REPLICA_URL` set, settings.py adds the `replica` database alias, this router and
`ReplicaReadsMiddleware`. Without it there is one database and neither does anything.

The replica is a streaming copy that may be a moment behind, so it only answers what may be a moment
stale. A read goes to the replica only when all of these hold:

- it happens while serving a GET or HEAD request (never in a job, a command or a migration: a job may be
  reading the row whose commit queued it);
- that request has written nothing so far (a write pins the rest of the request to the primary);
- the client did not write in the last few seconds: a request that wrote (a save, preferences, a login)
  answers with the declared `candor_wrote` cookie (privacy/cookies.py), which holds only the time of the
  write and lives `PIN_SECONDS`; while it is fresh, the client reads from the primary and sees its own
  change at once. A cookie rather than the session: logged-out editors have no session, and it costs no
  database write;
- no transaction is open on the primary (what a transaction reads must agree with what it writes);
- the model is not in `PRIMARY_ONLY_APPS`: the privacy engine's tables (roles, access policy, consent,
  the private events and the privileged-access log, whose entry a lookup writes before it reads: a
  revoked role or a withdrawn consent must never be read from a stale copy) and the sessions (a session
  just created or ended on another host must be seen by this one at once).

Migrations run on the primary only; the replica receives them through replication.
"""

from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, connections

from candor.privacy import clock
from candor.privacy.cookies import RECENT_WRITE

REPLICA = "replica"
PRIMARY_ONLY_APPS = frozenset({"privacy", "sessions"})
PIN_SECONDS = int(RECENT_WRITE.lifetime.total_seconds())
SAFE_METHODS = frozenset({"GET", "HEAD"})


@dataclass
class RequestReads:
    may_use_replica: bool
    wrote: bool = False


_current: ContextVar[RequestReads | None] = ContextVar("candor_request_reads", default=None)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        reads = _current.get()
        if (
            reads is None
            or not reads.may_use_replica
            or model._meta.app_label in PRIMARY_ONLY_APPS
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model, **hints):
        reads = _current.get()
        if reads is not None:
            reads.may_use_replica, reads.wrote = False, True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def _wrote_recently(request) -> bool:
    try:
        wrote_at = int(request.COOKIES.get(RECENT_WRITE.name, ""))
    except ValueError:
        return False
    return 0 <= clock.now().timestamp() - wrote_at <= PIN_SECONDS


class ReplicaReadsMiddleware:
    """Decides, per request, whether its reads may go to the replica, and marks a client that wrote."""

    def __init__(self, get_response):
        if REPLICA not in settings.DATABASES:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        reads = RequestReads(may_use_replica=request.method in SAFE_METHODS and not _wrote_recently(request))
        token = _current.set(reads)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        if reads.wrote and request.method not in SAFE_METHODS:
            response.set_cookie(
                RECENT_WRITE.name,
                str(int(clock.now().timestamp())),
                max_age=PIN_SECONDS,
                secure=settings.CANDOR_HTTPS,
                httponly=True,
                samesite="Lax",
            )
        return response
