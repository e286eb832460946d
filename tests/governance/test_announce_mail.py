"""C64, C125: announce mail fans out in chunks, one job each, through notify.mail.send_administrative."""

import pytest

from candor.governance import tasks
from candor.governance.models import Announcement, AnnouncementKind
from candor.privacy import clock
from tests.governance.conftest import bodies, recipients


@pytest.fixture
def announcement(db):
    return Announcement.objects.create(
        kind=AnnouncementKind.MINOR_CHANGE, subject="A minor change", body="A typo is fixed.",
        link="/privacy/versions?number=2", at=clock.now(),
    )  # fmt: skip


@pytest.fixture
def people(make_confirmed_account):
    return [make_confirmed_account(f"Reader{n}", f"reader{n}@example.org") for n in range(5)]


def test_every_confirmed_address_gets_one_mail_one_job_per_chunk(
    people, erin, frank, announcement, jobs, smtp_server, monkeypatch
):
    chunks = []
    monkeypatch.setattr(tasks, "MAIL_CHUNK", 2)
    queue_chunk = tasks.mail_announcement_chunk
    monkeypatch.setattr(
        tasks, "mail_announcement_chunk", lambda *args: chunks.append(args) or queue_chunk(*args)
    )

    tasks.mail_announcement(announcement.pk)

    assert [len(user_ids) for _, user_ids in chunks] == [2, 2, 1]
    assert recipients(smtp_server) == sorted(person.email for person in people)
    assert all("A typo is fixed." in body and "http://127.0.0.1:8000/privacy/versions?number=2" in body
               for body in bodies(smtp_server))  # fmt: skip
    assert all("administrative notice" in body for body in bodies(smtp_server))
