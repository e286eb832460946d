"""Uploads through the Action API: mwclient 0.11's Site.upload against a live server, with the form's checks
(issue 15; C36, C43, C44)."""

import io

import mwclient
import mwclient.errors
import pytest

from candor.media import storage
from candor.media.models import MediaFile
from candor.privacy.models import EventType, PrivateEvent
from tests.media.conftest import SERIAL, photo
from tests.steps import PASSWORD

AGENT = "CandorSuite/1.0 (mwclient upload story)"


@pytest.fixture
def live_wiki(live_server, settings):
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    return live_server.url.split("//", 1)[1]


@pytest.mark.django_db(transaction=True)
def test_mwclient_uploads_a_photo_stripped_and_a_hostile_file_is_refused(live_wiki, make_account):
    make_account("Alice")
    site = mwclient.Site(live_wiki, path="/w/", scheme="http", clients_useragent=AGENT, force_login=False)
    site.login("Alice", PASSWORD)

    answer = site.upload(io.BytesIO(photo()), filename="Api photo.jpg", description="From mwclient")
    assert answer["result"] == "Success" and answer["filename"] == "Api_photo.jpg"
    version = MediaFile.objects.get(name="Api_photo.jpg").latest
    assert version.user.username == "Alice" and version.metadata == []
    assert SERIAL.encode() not in storage.original_path(version.sha256).read_bytes()
    assert PrivateEvent.objects.filter(event_type=EventType.UPLOAD, actor=version.user).count() == 1

    with pytest.raises(mwclient.errors.APIError) as refused:
        site.upload(io.BytesIO(b"<svg onload=alert(1)>"), filename="Evil.jpg", description="x")
    assert refused.value.code == "verification-error"
    assert not MediaFile.objects.filter(name="Evil.jpg").exists()


@pytest.mark.django_db(transaction=True)
def test_a_logged_out_client_cannot_upload(live_wiki):
    site = mwclient.Site(live_wiki, path="/w/", scheme="http", clients_useragent=AGENT, force_login=False)
    with pytest.raises((mwclient.errors.InsufficientPermission, mwclient.errors.APIError)):
        site.upload(io.BytesIO(photo()), filename="Anon.jpg", description="x")
    assert not MediaFile.objects.exists()


def _csrf_token(client) -> str:
    answer = client.get("/w/api.php", {"action": "query", "meta": "tokens", "format": "json"}).json()
    return answer["query"]["tokens"]["csrftoken"]


def test_the_rest_endpoint_uploads_with_the_same_checks(editor, reader):
    """POST /api/v1/files: logged in and with a csrf token; stripped by default (C43), refused as the form."""
    token = _csrf_token(editor)
    sent = {"name": "Rest photo.jpg", "token": token, "file": io.BytesIO(photo())}
    answer = editor.post("/api/v1/files", sent)
    assert answer.status_code == 201, answer.content
    assert answer.json()["url"] == "/wiki/File:Rest_photo.jpg" and answer.json()["metadata"] == []
    version = MediaFile.objects.get(name="Rest_photo.jpg").latest
    assert SERIAL.encode() not in storage.original_path(version.sha256).read_bytes()

    svg = {"name": "Evil.jpg", "token": token, "file": io.BytesIO(b"<svg onload=alert(1)>")}
    assert editor.post("/api/v1/files", svg).status_code == 400
    no_token = {"name": "X.jpg", "token": "+\\", "file": io.BytesIO(photo())}
    assert editor.post("/api/v1/files", no_token).status_code == 403
    anonymous = {"name": "Y.jpg", "token": "+\\", "file": io.BytesIO(photo())}
    assert reader.post("/api/v1/files", anonymous).status_code == 403
    assert MediaFile.objects.count() == 1
