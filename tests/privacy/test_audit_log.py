"""C88: the privileged-access log is append-only and hash-chained; tampering with it is found and named."""

import contextlib
import io
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from candor.privacy import audit, clock, retention
from candor.privacy.audit import AccessEventType, AccessLogEntry, AppendOnlyError, AuditCheckpoint
from candor.privacy.holds import do_end_legal_hold, do_place_legal_hold


@pytest.fixture
def checkuser(make_account):
    return make_account("Carol")


@pytest.fixture
def target(make_account):
    return make_account("Mallory")


def look_up(actor, target, n: int = 1, **fields) -> list[AccessLogEntry]:
    lookup = {
        "event_type": AccessEventType.LOOKUP_ACCOUNT,
        "actor": actor,
        "target": f"user:{target.pk}",
        **fields,
    }
    return [
        audit.append(**lookup, reason=f"cross-wiki spam wave, report {number}", result_count=number)
        for number in range(n)
    ]


def verify_command() -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("auditlog", "verify", stdout=out)
    except SystemExit as exit_:
        return exit_.code, out.getvalue()
    return 0, out.getvalue()


@contextlib.contextmanager
def guards_off():
    """Tamper as someone with raw database access would, with the append-only triggers out of the way.

    The test's transaction rolls the change back, triggers included."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE refuses while checks are pending
            cursor.execute("ALTER TABLE privacy_accesslogentry DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER privacy_accesslogentry_no_update")
        yield cursor


def test_the_chain_verifies_after_many_appends(checkuser, target):
    """C88: each entry links to the one before; the command says how many were checked."""
    entries = look_up(checkuser, target, 30)
    audit.append(event_type="role_granted", actor=checkuser, target=f"user:{target.pk}", reason="")

    assert entries[0].previous_hash == audit.GENESIS
    assert [e.previous_hash for e in entries[1:]] == [e.entry_hash for e in entries[:-1]]
    assert audit.verify() == audit.VerifyResult(ok=True, checked=31, first_bad_id=None, problem="")
    assert verify_command() == (0, "OK: 31 entries\n")


def test_an_empty_log_verifies(db):
    """C88: a wiki where nobody has looked yet has a valid (empty) log."""
    assert verify_command() == (0, "OK: 0 entries\n")


@pytest.mark.parametrize(
    "change, message",
    [
        ({"reason": "  "}, "needs a target and a reason"),
        ({"reason": ""}, "needs a target and a reason"),
        ({"target": ""}, "needs a target and a reason"),
        ({"event_type": "peeked"}, "not a kind of privileged-access event"),
        ({"event_type": None}, "not a kind of privileged-access event"),
        ({"result_count": -1}, "is a count"),
        ({"actor": None}, "names the account that acted"),
    ],
)
def test_a_malformed_entry_is_refused_and_nothing_is_written(checkuser, target, change, message):
    """C88: a privileged lookup with an empty reason is refused."""
    fields = {"event_type": AccessEventType.LOOKUP_RANGE, "actor": checkuser, "reason": "open proxy range",
              "target": "range:198.51.100.0/24", **change}  # fmt: skip

    with pytest.raises(ValueError, match=message):
        audit.append(**fields)

    assert not AccessLogEntry.objects.exists()


def test_entries_cannot_be_changed_or_deleted_through_the_models(checkuser, target):
    """C88: the actor cannot edit or delete the entry about their lookup."""
    entry = look_up(checkuser, target)[0]

    entry.reason = "nothing to see"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.filter(pk=entry.pk).update(reason="nothing to see")

    assert AccessLogEntry.objects.get(pk=entry.pk).reason == "cross-wiki spam wave, report 0"


def test_the_database_refuses_a_raw_update_and_an_unrecorded_delete(checkuser, target):
    """C88: the guard holds below the application too (a DELETE trigger exists on PostgreSQL only)."""
    entry = look_up(checkuser, target)[0]

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE privacy_accesslogentry SET reason = %s WHERE id = %s", ["nothing to see", entry.pk]
        )
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM privacy_accesslogentry WHERE id = %s", [entry.pk])

    assert AccessLogEntry.objects.get(pk=entry.pk).reason == "cross-wiki spam wave, report 0"


def test_a_changed_entry_is_found_and_named(checkuser, target):
    """C88: an entry edited behind the application's back (raw SQL, trigger off) is named by verify."""
    entries = look_up(checkuser, target, 6)
    with guards_off() as cursor:
        cursor.execute(
            "UPDATE privacy_accesslogentry SET reason = %s WHERE id = %s", ["routine check", entries[3].pk]
        )

    result = audit.verify()

    assert (result.ok, result.checked, result.first_bad_id) == (False, 3, entries[3].pk)
    assert "changed" in result.problem
    assert verify_command() == (1, f"BROKEN at entry {entries[3].pk}: {result.problem}\n")


def test_a_deleted_entry_in_the_middle_is_found(checkuser, target):
    """C88: the entry after a deleted one no longer follows its predecessor."""
    entries = look_up(checkuser, target, 6)
    with guards_off() as cursor:
        cursor.execute("DELETE FROM privacy_accesslogentry WHERE id = %s", [entries[2].pk])

    result = audit.verify()

    assert (result.ok, result.first_bad_id) == (False, entries[3].pk)
    assert "missing" in result.problem and "deleted" in result.problem


def test_deleting_the_newest_entries_is_found_through_the_head(checkuser, target):
    """C88: removing the latest lookups, which leaves a well-formed shorter chain, is caught by the head."""
    entries = look_up(checkuser, target, 4)
    with guards_off() as cursor:
        cursor.execute("DELETE FROM privacy_accesslogentry WHERE id >= %s", [entries[2].pk])

    result = audit.verify()

    assert (result.ok, result.first_bad_id) == (False, entries[3].pk)
    assert "newest entries are missing" in result.problem


def test_an_entry_slipped_in_after_the_head_is_found(checkuser, target):
    """An entry inserted without append() (so without moving the head) is not part of the log."""
    last = look_up(checkuser, target, 3)[-1]
    fields = {"at": clock.now(), "actor_id": checkuser.pk, "event_type": "lookup_address",
              "target": "ip:203.0.113.5", "reason": "backdated cover story", "result_count": 0}  # fmt: skip
    forged = AccessLogEntry.objects.bulk_create(
        [
            AccessLogEntry(
                previous_hash=last.entry_hash,
                entry_hash=audit.chain_hash(last.entry_hash, **fields),
                **fields,
            )
        ]
    )[0]

    result = audit.verify()

    assert (result.ok, result.checked, result.first_bad_id) == (False, 3, forged.pk)
    assert "not written by append()" in result.problem


def test_swapped_entries_are_found(checkuser, target):
    """C88: entries moved out of their order break the links at the first one moved."""
    entries = look_up(checkuser, target, 5)
    second, third = entries[1].pk, entries[2].pk
    with guards_off() as cursor:
        cursor.execute("UPDATE privacy_accesslogentry SET id = %s WHERE id = %s", [-1, second])
        cursor.execute("UPDATE privacy_accesslogentry SET id = %s WHERE id = %s", [second, third])
        cursor.execute("UPDATE privacy_accesslogentry SET id = %s WHERE id = %s", [third, -1])

    result = audit.verify()

    assert (result.ok, result.checked, result.first_bad_id) == (False, 1, second)
    assert "reordered" in result.problem


@pytest.mark.parametrize("failing", ["the insert", "moving the head"])
def test_a_failed_write_raises_audit_unavailable_and_leaves_nothing(checkuser, target, monkeypatch, failing):
    """C88, DESIGN 4: fail closed. The caller gets AuditUnavailable and the log is as it was."""
    look_up(checkuser, target, 2)
    model = AccessLogEntry if failing == "the insert" else audit.AuditChainHead
    method = "_do_insert" if failing == "the insert" else "_do_update"

    def broken(*args, **kwargs):
        raise DatabaseError("disk I/O error")

    monkeypatch.setattr(model, method, broken)
    with pytest.raises(audit.AuditUnavailable):
        look_up(checkuser, target)
    monkeypatch.undo()

    assert AccessLogEntry.objects.count() == 2
    assert audit.verify().ok
    look_up(checkuser, target)
    assert audit.verify().checked == 3


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_valid_chain(make_account):
    """Appends from several threads (connections) at once: serialised on the chain head, no fork, no loss."""
    actors = [make_account(name) for name in ("Carol", "Dave", "Erin", "Frank")]
    start, failures = threading.Barrier(len(actors)), []

    def work(actor):
        try:
            start.wait()
            look_up(actor, actor, 8)
        except Exception as exc:  # reported by the assertion below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(actor,)) for actor in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert audit.verify() == audit.VerifyResult(ok=True, checked=32, first_bad_id=None, problem="")


def _day(n: int) -> datetime:
    return datetime(2024, 1, n, 12, tzinfo=UTC)


def _purge_after(day: int) -> None:
    """Purge as of the moment when the entries of days up to `day` are past the two-year window."""
    retention.purge(as_of=_day(day) + timedelta(days=730, hours=1))


def test_the_retention_purge_keeps_the_chain_verifiable(checkuser, target):
    """C88 with C104: entries leave after two years; checkpoints keep their links, so the chain still
    verifies from its start, also around entries a legal hold keeps."""
    entries = []
    for day in range(1, 7):
        with clock.frozen_at(_day(day)):
            entries += look_up(checkuser, target)

    _purge_after(3)
    assert AccessLogEntry.objects.count() == 3
    assert audit.verify() == audit.VerifyResult(ok=True, checked=3, first_bad_id=None, problem="")

    with clock.frozen_at(_day(6) + timedelta(days=730)):
        hold = do_place_legal_hold(
            model="privacy.AccessLogEntry", records_from=date(2024, 1, 5), records_to=date(2024, 1, 5),
            starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31), reason="court order in case 42",
            placed_by="legal",
        )  # fmt: skip
    _purge_after(6)
    assert list(AccessLogEntry.objects.values_list("pk", flat=True)) == [entries[4].pk]
    checkpoints = AuditCheckpoint.objects.order_by("first_id").values_list("first_id", "last_id", "entries")
    assert list(checkpoints) == [(entries[0].pk, entries[3].pk, 4), (entries[5].pk, entries[5].pk, 1)]
    assert audit.verify().ok

    do_end_legal_hold(hold, on=date(2026, 1, 1))
    retention.purge(as_of=datetime(2026, 6, 1, tzinfo=UTC))
    assert not AccessLogEntry.objects.exists()
    assert list(AuditCheckpoint.objects.values_list("first_id", "last_id", "entries")) == [
        (entries[0].pk, entries[5].pk, 6)
    ]
    look_up(checkuser, target)
    assert audit.verify() == audit.VerifyResult(ok=True, checked=1, first_bad_id=None, problem="")


def test_a_deleted_checkpoint_breaks_the_chain(checkuser, target):
    """C88: the checkpoints that stand in for purged entries are part of the chain too."""
    with clock.frozen_at(_day(1)):
        look_up(checkuser, target, 2)
    survivor = look_up(checkuser, target)[0]
    _purge_after(1)

    AuditCheckpoint.objects.all().delete()

    result = audit.verify()
    assert (result.ok, result.first_bad_id) == (False, survivor.pk)
