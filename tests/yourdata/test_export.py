"""C109: Alice asks for a copy of everything Candor holds about her, after typing her password again; a job
builds it from the data map; she downloads it once, before it expires, and nobody else can. The copy holds
every private field the data map links to a person, her private events unsealed for her, and nothing of
Bob's."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.apps import apps

from candor.privacy import clock, keystore
from candor.privacy.models import PrivateEvent
from candor.privacy.register import Export, Visibility, tables_about_a_person
from candor.yourdata.export import GONE
from candor.yourdata.models import DataRequest, State
from tests.steps import PASSWORD
from tests.yourdata.conftest import logged_in


def _ask(client, capture):
    with capture(execute=True):
        response = client.post("/yourdata/export", {"password": PASSWORD})
    assert response.status_code == 302
    return DataRequest.objects.filter(kind="export").latest("id")


def _download(client, request: DataRequest):
    return client.post("/yourdata/download", {"request": request.pk})


def _archive(response) -> zipfile.ZipFile:
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


@pytest.fixture
def copy(alice, bob, django_capture_on_commit_callbacks):
    client = logged_in(alice.user)
    request = _ask(client, django_capture_on_commit_callbacks)
    archive = _archive(_download(client, request))
    return json.loads(archive.read("data.json")), archive.read("index.html").decode()


def test_the_copy_holds_every_private_field_the_data_map_links_to_a_person(copy):
    """A table or field added to the data map later is in the copy, or this test fails."""
    data, _ = copy
    for table in tables_about_a_person():
        private = [
            name
            for name, field in table.fields.items()
            if field.export == Export.INCLUDE and field.visibility in (Visibility.OWNER, Visibility.PRIVATE)
        ]
        if not private:
            continue
        rows = data["tables"].get(table.model, {}).get("rows", [])
        assert rows, f"Alice's copy has no {table.model} rows: plant some in tests/yourdata/conftest.py"
        for name in private:
            assert all(name in row for row in rows), f"{table.model}.{name} is missing from the copy"


def test_the_copy_holds_alices_canaries_unsealed_and_none_of_bobs(alice, bob, copy):
    data, page = copy
    text = json.dumps(data)
    for canary in alice.canaries():
        assert canary in text and canary in page
    for canary in bob.canaries():
        assert canary not in text and canary not in page
    assert "Bob" not in text  # not his name on the notification of his edit: only the page and revision
    events = data["tables"]["privacy.PrivateEvent"]["rows"]
    assert {"ip": "198.51.100.61", "user_agent": alice.agent, "forwarded_for": ""} in [
        e["sealed"] for e in events
    ]
    assert "password" not in data["tables"]["accounts.User"]["rows"][0]


def test_the_copy_lists_public_contributions_without_copying_their_text(alice, copy):
    data, _ = copy
    revisions = data["tables"]["wiki.Revision"]["rows"]
    assert {row["page"] for row in revisions} >= {alice.page, f"User:{alice.user.username}"}
    assert all("text" not in row and "html" not in row for row in revisions)


def test_the_consents_carry_the_notice_shown(copy):
    data, _ = copy
    (news,) = data["tables"]["privacy.Consent"]["rows"]
    assert news["purpose"] == "news" and news["notice_text"]


def test_events_whose_key_was_destroyed_are_said_to_be_gone(alice, django_capture_on_commit_callbacks):
    day = PrivateEvent.objects.filter(actor=alice.user).first().sealed_on
    keystore.keystore().destroy(day)
    client = logged_in(alice.user)
    data = json.loads(
        _archive(_download(client, _ask(client, django_capture_on_commit_callbacks))).read("data.json")
    )
    assert all(row["sealed"] == GONE for row in data["tables"]["privacy.PrivateEvent"]["rows"])
    assert any("day keys are destroyed" in note for note in data["notes"])


def test_the_request_needs_the_password_again(alice, django_capture_on_commit_callbacks):
    client = logged_in(alice.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/yourdata/export", {"password": "not the password"}, follow=True)
    assert "That is not your password" in response.content.decode()
    assert not DataRequest.objects.exists()


def test_the_download_works_once_and_only_for_its_owner(alice, bob, django_capture_on_commit_callbacks):
    """STYLE.md 3: Bob gets the answer of a copy that does not exist (404), not a hint that it does."""
    client = logged_in(alice.user)
    request = _ask(client, django_capture_on_commit_callbacks)
    assert request.state == State.COMPLETED
    assert _download(logged_in(bob.user), request).status_code == 404
    assert _download(client, request).status_code == 200
    assert _download(client, request).status_code == 404
    request.refresh_from_db()
    assert request.downloaded_at is not None and request.export_file == ""


def test_an_unused_copy_expires_and_its_file_is_deleted(
    alice, export_dir, django_capture_on_commit_callbacks
):
    client = logged_in(alice.user)
    request = _ask(client, django_capture_on_commit_callbacks)
    assert len(list(export_dir.iterdir())) == 1
    later = clock.now() + timedelta(hours=48, minutes=1)
    with clock.frozen_at(later):
        assert _download(client, request).status_code == 404
        from candor.yourdata.tasks import remove_expired_exports

        assert remove_expired_exports.call_local() == 1
    assert list(export_dir.iterdir()) == []


def test_each_move_of_the_request_is_on_the_record(alice, django_capture_on_commit_callbacks):
    from candor.privacy.audit import AccessEventType, AccessLogEntry

    request = _ask(logged_in(alice.user), django_capture_on_commit_callbacks)
    moves = AccessLogEntry.objects.filter(
        event_type=AccessEventType.SUBJECT_REQUEST, target=f"user:{alice.user.pk}"
    )
    assert [entry.reason.rsplit(": ", 1)[1] for entry in moves.order_by("id")] == [
        "received",
        "identity confirmed",
        "in progress",
        "completed",
    ]
    assert all(
        getattr(request, f) is not None for f in ("identity_confirmed_at", "in_progress_at", "completed_at")
    )
    assert apps.get_model("yourdata.DataRequest").objects.get().due_at == request.received_at + timedelta(
        days=28
    )
