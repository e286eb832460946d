"""A person's copy lists their uploads; erasure keeps the files, public contributions, under the account
(renamed by vanishing), as for edits (issue 15; the data map drives both: media/datamap.py)."""

import io

from candor.media.models import FileVersion, MediaFile
from candor.yourdata.erasure import erase
from candor.yourdata.export import exported_fields, exported_tables
from tests.media.conftest import png


def test_the_copy_lists_uploads_and_erasure_keeps_the_files(editor, editor_account):
    assert (
        editor.post("/wiki/Special:Upload", {"name": "Mine.png", "file": io.BytesIO(png())}).status_code
        == 302
    )
    tables = {table.model: table for table in exported_tables()}
    assert "media.FileVersion" in tables
    fields = exported_fields(tables["media.FileVersion"])
    assert {"file", "timestamp", "comment", "mime", "size"} <= set(fields)

    erase(editor_account)
    version = FileVersion.objects.get()
    assert version.user_id == editor_account.pk and MediaFile.objects.get().latest_id == version.pk
