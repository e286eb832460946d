"""A photo uploaded in a browser: the warning, the default kept, the file on a page (issue 15; C36, C43)."""

import pytest
from playwright.sync_api import expect

from candor.media import storage
from candor.media.models import MediaFile
from tests.media.conftest import SERIAL, photo
from tests.steps import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_a_photo_see_the_warning_keep_the_default_and_see_it_on_a_page(
    page, live_server, editor_account, write_page, settings, tmp_path
):
    settings.CANDOR_MEDIA_DIR = tmp_path / "media"
    page.goto("/accounts/login?next=/wiki/Special:Upload")
    page.get_by_label("Username").fill("Alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page).to_have_url(f"{live_server.url}/wiki/Special:Upload")
    warning = page.locator("#upload-warning")
    expect(warning).to_contain_text("public and permanent")
    expect(warning).to_contain_text("GPS position")
    expect(page.get_by_label("Keep the camera metadata", exact=False)).not_to_be_checked()
    page.locator("#id_file").set_input_files(
        {"name": "harbour.jpg", "mimeType": "image/jpeg", "buffer": photo(640, 480)}
    )
    page.get_by_label("Name of the file's page").fill("Harbour at dawn.jpg")
    page.get_by_role("button", name="Upload").click()

    expect(page).to_have_url(f"{live_server.url}/wiki/File:Harbour_at_dawn.jpg")
    expect(page.locator("#metadata-none")).to_contain_text("Candor removed it")
    expect(page.locator("#versions")).to_contain_text("Alice")
    version = MediaFile.objects.get(name="Harbour_at_dawn.jpg").latest
    assert SERIAL.encode() not in storage.original_path(version.sha256).read_bytes()

    write_page("Harbour", "At dawn: ![the harbour at dawn](File:Harbour_at_dawn.jpg)", by=editor_account)
    page.goto("/wiki/Harbour")
    image = page.get_by_role("img", name="the harbour at dawn")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.complete && img.naturalWidth") == 250
