"""The privileged-access log (C88): every use of a privileged tool, and every change to who may use one.

Invariants, and why they hold:

- **Append-only.** `append()` is the only writer. The model refuses `save()` on an existing row, `delete()`
  and `QuerySet.update()`; in the database a trigger refuses any UPDATE of the table (SQLite, PostgreSQL).
- **Hash-chained.** Each entry stores `previous_hash` (the `entry_hash` of the entry before it, or GENESIS)
  and `entry_hash = sha256(previous_hash + canonical JSON of at, actor, event_type, target, reason,
  result_count)` (`chain_hash`). The id is not hashed (it is assigned by the insert); the order is in the
  links. Both hash columns are unique, so the chain cannot fork even if locking failed.
- **One head.** `AuditChainHead` is a single row naming the newest entry. `append()` locks it (SELECT ...
  FOR UPDATE on PostgreSQL; on SQLite the transaction's write lock, BEGIN IMMEDIATE, serialises anyway),
  links the new entry to it and moves it, all in one transaction. `verify()` checks that the chain ends
  where the head says, so removing the newest entries is detected, not only entries in the middle.
- **Fail closed.** If anything cannot be written, `append()` raises AuditUnavailable and writes nothing;
  the caller shows nothing (privacy/access.py).

Retention and the chain. Entries are private and kept 730 days (datamap.py, key "privileged_access_log");
the retention purge deletes older ones, which would cut the chain. The purge deletes through
`AccessLogEntry.objects.filter(...).delete()`, and that QuerySet method first records every run of
chain-adjacent deleted entries as an `AuditCheckpoint`: the ids it spans, how many entries, the hash the
run followed and the hash of its last entry. A checkpoint holds ids and hashes, nothing about a person.
`verify()` walks entries and checkpoints together in id order from GENESIS: the content of a purged entry
is gone, its place in the chain is not, so the whole log is still anchored at its start. A legal hold can
keep entries between purged runs; each run is then its own checkpoint, and runs that become adjacent merge.
On PostgreSQL a trigger also refuses a DELETE of any entry that no checkpoint covers. SQLite gets no DELETE
trigger: Django's flush (test teardown, `candor flush`) empties tables with DELETE, which a trigger cannot
tell from tampering; there, a raw DELETE is left for `verify()` to find.

What this does not stop: someone with write access to the database who recomputes every hash from the
entry they changed onwards, and the head. Recording the head's hash outside the database now and then
would catch that.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import DatabaseError, IntegrityError, transaction

from candor.privacy import clock
from candor.privacy.models.audit import (
    GENESIS,
    AccessEventType,
    AccessLogEntry,
    AuditChainHead,
    AuditCheckpoint,
)
from candor.privacy.models.audit import AppendOnlyError as AppendOnlyError

VERIFY_CHUNK = 20_000

LOOKUPS = frozenset(
    {AccessEventType.LOOKUP_ACCOUNT, AccessEventType.LOOKUP_ADDRESS, AccessEventType.LOOKUP_RANGE}
)


class AuditUnavailable(RuntimeError):
    """The log cannot be written: whatever was to be logged must not happen."""


def chain_hash(previous_hash: str, *, at: datetime, actor_id: int, event_type: str, target: str, reason: str,
               result_count: int | None) -> str:  # fmt: skip
    """The hash of an entry: sha256 over the hash it follows and the canonical JSON of its fields."""
    document = json.dumps(
        {
            "actor": actor_id,
            "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
            "event_type": event_type,
            "reason": reason,
            "result_count": result_count,
            "target": target,
        },
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    )
    return hashlib.sha256((previous_hash + document).encode()).hexdigest()


def _event_type(value) -> AccessEventType:
    if value not in AccessEventType.values:
        raise ValueError(f"{value!r} is not a kind of privileged-access event")
    return AccessEventType(value)


def append(*, event_type, actor, target: str, reason: str, result_count: int | None = None) -> AccessLogEntry:
    """Write one entry at the head of the chain. ValueError: the entry is malformed (nothing written).

    AuditUnavailable: the database refused or failed (nothing written); do not show what was to be logged.
    """
    event_type = _event_type(event_type)
    if not isinstance(target, str) or not isinstance(reason, str):
        raise ValueError("the target and the reason are text")
    target, reason = target.strip(), reason.strip()
    if event_type in LOOKUPS and not (reason and target):
        raise ValueError("a privileged lookup needs a target and a reason (C88)")
    if getattr(actor, "pk", None) is None:
        raise ValueError("an entry names the account that acted")
    if result_count is not None and (type(result_count) is not int or result_count < 0):
        raise ValueError("result_count is a count, or None")
    try:
        with transaction.atomic():
            head = _locked_head()
            fields = {
                "at": clock.now(),
                "actor_id": actor.pk,
                "event_type": event_type.value,
                "target": target,
                "reason": reason,
                "result_count": result_count,
            }
            entry = AccessLogEntry(
                previous_hash=head.entry_hash, entry_hash=chain_hash(head.entry_hash, **fields), **fields
            )
            entry.save(force_insert=True)
            head.entry_id, head.entry_hash = entry.pk, entry.entry_hash
            head.save(update_fields=["entry_id", "entry_hash"])
    except DatabaseError as exc:
        raise AuditUnavailable("the privileged-access log cannot be written") from exc
    return entry


def _locked_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    try:
        with transaction.atomic():
            head = AuditChainHead.objects.create(pk=1)
            # Only an empty log may start a chain: a head gone from a log that has entries is tampering.
            if AccessLogEntry.objects.exists() or AuditCheckpoint.objects.exists():
                raise DatabaseError("the head of the privileged-access log is missing")
            return head
    except IntegrityError:  # a concurrent first append created it
        return AuditChainHead.objects.select_for_update().get(pk=1)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int  # entries whose contents and link were checked (purged entries are not counted)
    first_bad_id: int | None
    problem: str


def verify(*, chunk_size: int = VERIFY_CHUNK) -> VerifyResult:
    """Walk the whole chain, from GENESIS through entries and checkpoints to the head; name the first fault.

    A purge committing during the walk can remove entries after their checkpoints were read; a failed walk
    is therefore repeated once before it is reported.
    """
    result = _walk(chunk_size)
    return result if result.ok else _walk(chunk_size)


def _walk(chunk_size: int) -> VerifyResult:
    head = AuditChainHead.objects.filter(pk=1).values_list("entry_id", "entry_hash").first()
    checkpoints = list(
        AuditCheckpoint.objects.order_by("first_id").values_list(
            "first_id", "last_id", "previous_hash", "entry_hash"
        )
    )
    rows = AccessLogEntry.objects.order_by("id").values_list(
        "id",
        "at",
        "actor_id",
        "event_type",
        "target",
        "reason",
        "result_count",
        "previous_hash",
        "entry_hash",
    )
    if head is not None and head[0] is not None:
        rows = rows.filter(id__lte=head[0])  # entries appended during the walk are for the next one
    expected, previous_id, checked, next_checkpoint = GENESIS, None, 0, 0
    for (
        entry_id,
        at,
        actor_id,
        event_type,
        target,
        reason,
        result_count,
        previous_hash,
        entry_hash,
    ) in rows.iterator(chunk_size=chunk_size):
        while next_checkpoint < len(checkpoints) and checkpoints[next_checkpoint][0] < entry_id:
            first_id, last_id, checkpoint_previous, checkpoint_hash = checkpoints[next_checkpoint]
            if checkpoint_previous != expected:
                return _broken(checked, first_id, _link_problem(checkpoint_previous, first_id, previous_id))
            expected, previous_id, next_checkpoint = checkpoint_hash, last_id, next_checkpoint + 1
        if previous_hash != expected:
            return _broken(checked, entry_id, _link_problem(previous_hash, entry_id, previous_id))
        recomputed = chain_hash(previous_hash, at=at, actor_id=actor_id, event_type=event_type, target=target,
                                reason=reason, result_count=result_count)  # fmt: skip
        if recomputed != entry_hash:
            return _broken(
                checked, entry_id, "its contents do not match its hash: it was changed after it was written"
            )
        expected, previous_id, checked = entry_hash, entry_id, checked + 1
    for first_id, last_id, checkpoint_previous, checkpoint_hash in checkpoints[next_checkpoint:]:
        if checkpoint_previous != expected:
            return _broken(checked, first_id, _link_problem(checkpoint_previous, first_id, previous_id))
        expected, previous_id = checkpoint_hash, last_id
    return _check_head(head, expected, previous_id, checked)


def _check_head(head, expected: str, last_id: int | None, checked: int) -> VerifyResult:
    if head is None:
        if last_id is None:
            return VerifyResult(True, checked, None, "")
        return _broken(checked, last_id, "the head of the chain is missing")
    head_id, head_hash = head
    if head_hash == expected:
        later = AccessLogEntry.objects.filter(id__gt=last_id or 0).order_by("id").values_list("id", flat=True)
        stray = later.first() if head_id is not None else None
        if stray is not None and AuditChainHead.objects.filter(pk=1, entry_id=head_id).exists():
            return _broken(
                checked, stray, "it comes after the head of the chain: it was not written by append()"
            )
        return VerifyResult(True, checked, None, "")
    if last_id is not None and head_id is not None and head_id > last_id:
        return _broken(checked, head_id, "the newest entries are missing: the chain ends before its head")
    return _broken(checked, head_id or last_id, "the chain does not end at its head")


def _link_problem(follows: str, entry_id: int, previous_id: int | None) -> str:
    before = f"entry {previous_id}" if previous_id is not None else "the start of the log"
    if follows == GENESIS:
        return f"it claims to start the log, but comes after {before}: entries were reordered"
    other = AccessLogEntry.objects.filter(entry_hash=follows).values_list("id", flat=True).first()
    if other is not None and other > entry_id:
        return f"it follows entry {other}, which comes after it: entries were reordered"
    if other is not None:
        return f"it follows entry {other}, not {before}: entries were reordered"
    if AuditCheckpoint.objects.filter(entry_hash=follows).exists():
        return f"it follows purged entries that are not before it, not {before}: entries were reordered"
    return f"the entry it follows is missing: an entry after {before} was deleted, or {before} was rewritten"


def _broken(checked: int, entry_id: int | None, problem: str) -> VerifyResult:
    return VerifyResult(False, checked, entry_id, problem)
