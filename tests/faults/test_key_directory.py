"""The key directory cannot take today's key (issue 20 §2; C25, C34, C45): read-only, or full. A save that
needs the new day key fails closed: the editor gets the clear 503 page (never a 500), and the database is
left exactly as it was: no page, no revision, no private event, the editor's user agent nowhere, sealed or
not. Once the directory takes writes again, the same save goes through.

Tests run as root, whom file modes do not stop: the directory is made immutable (chattr +i) or is a tmpfs
of one page, already full."""

import contextlib
import os
import shutil
import subprocess

import pytest
from django.db import connection
from django.test import Client

from candor.privacy.models import PrivateEvent
from candor.wiki.models import Page, Revision
from tests.faults.conftest import need

CANARY_AGENT = "KeyFault/1.0 (canary-agent-unsealed)"


def _refused(command: list[str]) -> None:
    """Run a privileged set-up step; where the kernel refuses it (no capability), skip, except in CI."""
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        message = f"{' '.join(command)}: {done.stderr.strip()}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@contextlib.contextmanager
def read_only(directory):
    directory.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        directory.chmod(0o500)
        yield
        directory.chmod(0o700)
        return
    chattr = need(shutil.which("chattr"), "chattr (e2fsprogs)")
    _refused([chattr, "+i", str(directory)])
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(directory)], check=True)


@contextlib.contextmanager
def full(directory):
    directory.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("mounting a full tmpfs needs root")
    mount, umount = need(shutil.which("mount"), "mount"), need(shutil.which("umount"), "umount")
    _refused([mount, "-t", "tmpfs", "-o", "size=4k,mode=0700", "tmpfs", str(directory)])
    try:
        filler = directory / "filler"
        with contextlib.suppress(OSError), filler.open("wb") as handle:
            while True:
                handle.write(b"\0" * 1024)
                handle.flush()
        yield
    finally:
        subprocess.run([umount, str(directory)], check=True)


def _everything_stored() -> str:
    """Every row of every table, as text: where an unsealed value would show."""
    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - our tables' names
            rows += [repr(row) for row in cursor.fetchall()]
    return "\n".join(rows)


@pytest.mark.parametrize("fault", [read_only, full], ids=["read-only", "full"])
def test_a_save_needing_a_new_day_key_fails_closed_and_writes_nothing(fault, db, settings):
    editor = Client(REMOTE_ADDR="198.51.100.61", HTTP_USER_AGENT=CANARY_AGENT, raise_request_exception=False)
    form = {"text": "Written while the keys could not be.", "summary": "", "base": ""}
    pages, revisions, events = Page.objects.count(), Revision.objects.count(), PrivateEvent.objects.count()

    with fault(settings.CANDOR_KEY_DIR):
        response = editor.post("/wiki/Key_fault?action=edit", form)

        assert response.status_code == 503 and response["Retry-After"] == "30"
        assert "The wiki cannot store private data safely just now" in response.content.decode()
        assert not list(settings.CANDOR_KEY_DIR.glob("*.key"))

    assert (Page.objects.count(), Revision.objects.count(), PrivateEvent.objects.count()) == (
        pages,
        revisions,
        events,
    )
    assert CANARY_AGENT not in _everything_stored()

    retried = editor.post("/wiki/Key_fault?action=edit", form)

    assert retried.status_code == 303
    assert Revision.objects.filter(page__title="Key_fault", text=form["text"]).count() == 1
    assert CANARY_AGENT not in _everything_stored()  # sealed, now that there is a key
