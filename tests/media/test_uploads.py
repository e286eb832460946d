"""Uploads (issue 15): metadata stripped by default (C43), kept only when chosen and then listed (C44), the
upload public and attributed (C36), hostile files refused, its request metadata a private event."""

import io
import json
import subprocess

import pytest
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import ExifTags, Image

from candor.media import storage
from candor.media.models import FileVersion, MediaFile
from candor.privacy.models import EventType, PrivateEvent
from candor.publiclog import files
from candor.publiclog.models import LogType, PublicLogEntry
from candor.wiki import markup, wikitext
from tests.media.conftest import CAPTURED, SERIAL, XMP_AUTHOR, photo, png
from tests.steps import EDITOR_ADDRESS, EDITOR_AGENT, opened, save

CANARIES = (SERIAL, CAPTURED, XMP_AUTHOR, "CanaryCam", "canary comment", "51.5")


def _upload(client: Client, name: str, data: bytes, **extra):
    form = {"name": name, "comment": "A test upload", **extra}
    return client.post("/wiki/Special:Upload", {**form, "file": io.BytesIO(data)})


def _stored(name: str) -> tuple[FileVersion, bytes]:
    version = MediaFile.objects.get(name=name).latest
    return version, storage.original_path(version.sha256).read_bytes()


def _exif_of(data: bytes) -> dict:
    image = Image.open(io.BytesIO(data))
    exif = image.getexif()
    return {
        "base": dict(exif),
        "exif": dict(exif.get_ifd(ExifTags.IFD.Exif)),
        "gps": dict(exif.get_ifd(ExifTags.IFD.GPSInfo)),
        "xmp": image.info.get("xmp"),
        "comment": image.info.get("comment"),
    }


def _exiftool(path, exiftool) -> dict:
    out = subprocess.run(
        [exiftool, "-json", "-a", "-G1", str(path)], capture_output=True, check=True, timeout=30
    )
    return json.loads(out.stdout)[0]


def _assert_clean(data: bytes, path, exiftool=None) -> None:
    found = _exif_of(data)
    assert found == {"base": {}, "exif": {}, "gps": {}, "xmp": None, "comment": None}
    for canary in CANARIES:
        assert canary.encode() not in data
    if exiftool:
        tags = _exiftool(path, exiftool)
        groups = {key.split(":", 1)[0] for key in tags if ":" in key}
        assert not groups & {"[IFD0]", "[ExifIFD]", "[GPS]", "[XMP-dc]", "[IFD1]", "[MakerNotes]", "[IPTC]"}
        assert not any(key.startswith(("GPS", "XMP", "IFD0", "ExifIFD", "IPTC")) for key in groups), groups
        assert SERIAL not in json.dumps(tags) and XMP_AUTHOR not in json.dumps(tags)


def test_the_form_says_what_is_public_and_that_metadata_is_stripped(editor, reader):
    """C36, C43: the form warns before anything is chosen; logged-out readers are sent to log in."""
    page = editor.get("/wiki/Special:Upload").content.decode()
    assert "public and permanent" in page and "GPS position" in page and "removes all of it" in page
    assert 'name="keep_metadata"' in page
    assert "log in" in reader.get("/wiki/Special:Upload").content.decode()
    assert _upload(reader, "X.jpg", photo()).status_code == 400
    assert not MediaFile.objects.exists()


def test_a_default_upload_strips_every_metadata_field_from_the_original_and_thumbnails(editor, exiftool):
    """C43: GPS, capture time, serial number, XMP author and comment are gone from the stored original and
    every thumbnail (read back with Pillow and exiftool); the orientation is applied to the pixels first."""
    response = _upload(editor, "Harbour photo.jpg", photo())
    assert response.status_code == 302 and response["Location"] == "/wiki/File:Harbour_photo.jpg"
    version, data = _stored("Harbour_photo.jpg")
    assert (version.mime, version.width, version.height) == ("image/jpeg", 48, 64)  # rotated by EXIF 6
    assert version.metadata == [] and not version.kept_metadata
    _assert_clean(data, storage.original_path(version.sha256), exiftool)

    for width in (120, 250, 500, 1000):
        thumb = editor.get(f"/media/thumb/{width}/{version.sha256}")
        assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
        assert thumb["X-Content-Type-Options"] == "nosniff" and "max-age=31536000" in thumb["Cache-Control"]
        _assert_clean(thumb.content, storage.thumb_path(version.sha256, width), exiftool)

    page = editor.get("/wiki/File:Harbour_photo.jpg").content.decode()
    assert "Candor removed it" in page and "Alice" in page and "A test upload" in page
    for canary in CANARIES:
        assert canary not in page


def test_keeping_the_metadata_shows_it_before_confirming_and_on_the_file_page(editor, exiftool):
    """C44: "keep" lists every field, the position included, before anything is stored; once confirmed,
    the original keeps them and the page lists them; the thumbnails still carry none (C43)."""
    preview = _upload(editor, "Kept.jpg", photo(), keep_metadata="on")
    body = preview.content.decode()
    assert preview.status_code == 200 and "GPS position" in body and SERIAL in body and XMP_AUTHOR in body
    assert "51.507" in body  # 51° 30' 26" N
    assert not MediaFile.objects.exists()

    pending = preview.context["form"].initial["pending"]
    confirmed = editor.post(
        "/wiki/Special:Upload",
        {"name": "Kept.jpg", "keep_metadata": "on", "confirm": "on", "pending": pending},
    )
    assert confirmed.status_code == 302
    version, data = _stored("Kept.jpg")
    assert version.kept_metadata and _exif_of(data)["exif"][ExifTags.Base.BodySerialNumber] == SERIAL
    assert _exif_of(data)["gps"]
    if exiftool:
        assert SERIAL in json.dumps(_exiftool(storage.original_path(version.sha256), exiftool))
    page = editor.get("/wiki/File:Kept.jpg").content.decode()
    assert "GPS position" in page and SERIAL in page and "51.507" in page

    thumb = editor.get(f"/media/thumb/250/{version.sha256}")
    _assert_clean(thumb.content, storage.thumb_path(version.sha256, 250), exiftool)


def test_an_upload_is_attributed_publicly_and_its_request_metadata_is_a_private_event(editor, reader):
    """C36: the uploader and time are public (the file page, the upload log); the address and browser are
    only in the private event, as for an edit."""
    assert _upload(editor, "Quay.png", png()).status_code == 302
    version = MediaFile.objects.get(name="Quay.png").latest
    event = PrivateEvent.objects.get(event_type=EventType.UPLOAD)
    assert event.target == f"fileversion:{version.pk}" and event.actor.username == "Alice"
    assert (opened(event).ip, opened(event).user_agent) == (EDITOR_ADDRESS, EDITOR_AGENT)
    assert PublicLogEntry.objects.filter(log_type=LogType.UPLOAD, target_title="Quay.png").exists()
    page = reader.get("/wiki/File:Quay.png").content.decode()
    assert "Alice" in page and EDITOR_ADDRESS not in page and EDITOR_AGENT not in page


def test_a_new_upload_makes_a_new_version_and_pages_embed_the_file_in_both_models(editor, reader):
    """Re-uploading keeps the history; Markdown ![caption](File:…) and wikitext [[File:…|thumb|…]] show
    the thumbnail, an unknown file is a red link, and the file page lists the pages that use it."""
    assert _upload(editor, "Quay.png", png()).status_code == 302
    assert _upload(editor, "Quay.png", photo()).status_code == 400  # a JPEG named .png
    assert _upload(editor, "Quay.png", png(), comment="second").status_code == 302
    assert MediaFile.objects.get(name="Quay.png").versions.count() == 2

    assert (
        save(
            editor, "Harbour", "The quay: ![the old quay](File:Quay.png) and ![x](File:Nothing.png)"
        ).status_code
        == 303
    )
    html = reader.get("/wiki/Harbour").content.decode()
    sha = MediaFile.objects.get(name="Quay.png").latest.sha256
    assert f'<img src="/media/thumb/250/{sha}" alt="the old quay"' in html
    assert '<a href="/wiki/File:Nothing.png" rel="noopener noreferrer">x</a>' in html

    rendered = wikitext.render(
        "[[File:Quay.png|thumb|120px|A quay]] [[File:Missing.jpg|thumb|Gone]]", resolve_file=files.resolve
    )
    assert f'src="/media/thumb/120/{sha}"' in rendered and 'alt="A quay"' in rendered
    assert 'class="new"' in rendered and "Gone" in rendered

    page = reader.get("/wiki/File:Quay.png").content.decode()
    assert page.count("<tr><td>") == 2 and "second" in page
    assert '<a href="/wiki/Harbour">Harbour</a>' in page


def test_markup_keeps_images_only_from_candors_own_paths():
    """C53: an <img> survives the sanitiser only with a src under /media/ (or /static/)."""
    html = markup.sanitise(
        '<img src="/media/thumb/250/ab"><img src="/wiki/Special:Log"><img src="//x.example/a">'
    )
    assert html.count("<img") == 3 and html.count("src=") == 1


BAD = {
    "svg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>',
    "html": b"<!DOCTYPE html><html><script>alert(1)</script></html>",
    "polyglot": b"GIF89a<script>alert(1)</script>",
    "truncated": photo()[:300],
    "text": b"just some text",
}


@pytest.mark.parametrize("kind", sorted(BAD))
def test_hostile_files_are_refused_with_a_message_and_nothing_stored(editor, kind, media_dir):
    response = _upload(editor, "Bad.jpg", BAD[kind])
    assert response.status_code == 400 and 'id="upload-error"' in response.content.decode()
    assert not MediaFile.objects.exists() and not (media_dir / "originals").exists()


def test_bombs_oversized_files_and_bad_names_are_refused(editor, settings, monkeypatch):
    from candor.media import processing

    monkeypatch.setattr(processing, "MAX_PIXELS", 1000)
    assert _upload(editor, "Big.png", png()).status_code == 400  # 1,200 pixels over a cap of 1,000
    monkeypatch.undo()
    settings.CANDOR_MAX_UPLOAD_BYTES = 100
    assert "larger than the limit" in _upload(editor, "Big.png", png()).content.decode()
    settings.CANDOR_MAX_UPLOAD_BYTES = 10_000_000
    for name in ("", "No extension", "A|b.png", "dir/x.png"):
        assert _upload(editor, name, png()).status_code == 400, name
    assert not MediaFile.objects.exists()


def test_a_pdf_is_served_as_a_download_in_a_sandbox(editor, reader):
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    assert _upload(editor, "Report.pdf", pdf).status_code == 302
    version = MediaFile.objects.get(name="Report.pdf").latest
    served = reader.get(f"/media/{version.sha256}")
    assert served["Content-Type"] == "application/pdf" and served["Content-Disposition"].startswith(
        "attachment"
    )
    assert "sandbox" in served["Content-Security-Policy"] and served["X-Content-Type-Options"] == "nosniff"


def test_a_deleted_file_and_its_versions_are_hidden(editor, reader, editor_account):
    from candor.media.actions import do_delete_file
    from candor.publiclog.titles import parse

    assert _upload(editor, "Gone.png", png()).status_code == 302
    sha = MediaFile.objects.get(name="Gone.png").latest.sha256
    assert do_delete_file(editor_account, parse("File:Gone.png"), "test")
    assert reader.get(f"/media/{sha}").status_code == 404
    assert reader.get(f"/media/thumb/250/{sha}").status_code == 404
    assert reader.get("/wiki/File:Gone.png").status_code == 404


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.one_of(st.binary(max_size=400), st.binary(max_size=200).map(lambda tail: photo()[:200] + tail)))
def test_the_decoder_path_never_fails_with_a_server_error(editor, data):
    """Any bytes: an upload or a refusal, never a 500."""
    assert _upload(editor, "Fuzz.jpg", data).status_code in {302, 400}
