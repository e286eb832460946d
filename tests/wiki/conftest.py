"""Fixtures shared by the tests of the wiki app."""

import io

import pytest

from candor.publiclog.titles import parse
from candor.wiki import mwimport
from candor.wiki.actions import do_delete_page
from tests.steps import save
from tests.wiki.mwdumps import dump, page, revision


@pytest.fixture
def generated_wiki(db, settings, editor, editor_account, reader, make_account):
    """Both content models, logged-in and logged-out edits, imported revisions of which the source wiki
    deleted a text, and a comment and an author, a redirect, and a deleted page."""
    imported = dump(
        page(
            "Imported",
            revision(3, "kept", timestamp="2020-05-01T12:00:00Z")
            + revision(4, "gone", parent=3, text_deleted=True, timestamp="2020-05-01T12:05:00Z")
            + revision(
                5,
                "restored",
                parent=4,
                comment_deleted=True,
                user_deleted=True,
                timestamp="2020-05-01T12:10:00Z",
            ),
        )
    )
    mwimport.import_dump(io.BufferedReader(io.BytesIO(imported.encode())), file_name="old.xml")
    settings.CANDOR_CONTENT_MODEL = "markdown"
    save(editor, "Markdown page", "# Title\n\nSome *Markdown* by Alice.", summary="started")
    save(reader, "Markdown page", "# Title\n\nSome *Markdown*, fixed by a reader.")
    settings.CANDOR_CONTENT_MODEL = "wikitext"
    save(editor, "Wiki page", "== Part ==\n'''Wikitext''' linking [[Markdown page]] and [[Nowhere]].")
    save(
        reader,
        "Wiki page",
        "== Part ==\n'''Wikitext''' linking [[Markdown page]], [[Nowhere]]. [[Category:X]]",
    )
    save(reader, "Talk:Wiki page", "A question from a reader")
    save(editor, "Redirect", "#REDIRECT [[Wiki page]]")
    save(editor, "Secret plans", "This page gets deleted")
    steward = make_account("Steward")
    do_delete_page(steward, parse("Secret plans"), "asked to")
    return editor_account
