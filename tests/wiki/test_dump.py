"""C95: the public dump holds the wiki's public content and attribution, and nothing private."""

import dataclasses
import gzip
import json

import pytest
from django.core.management import CommandError, call_command

from candor.notify.actions import do_watch
from candor.privacy.register import Visibility, tables
from candor.publiclog.titles import parse
from candor.wiki import dump
from candor.wiki.actions import do_delete_page
from candor.wiki.models import Page
from tests.steps import EDITOR_ADDRESS, EDITOR_AGENT, PASSWORD, READER_ADDRESS, save

DELETED_CANARY = "deleted-page-canary-8812"


def _dump(path) -> list[dict]:
    call_command("dump", str(path))
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


@pytest.mark.ip_attribution
def test_the_dump_has_the_contributions_and_their_attribution_and_nothing_private(
    tmp_path, editor, editor_account, reader, make_account
):
    save(editor, "Harbour", "Alice's boats.")
    save(reader, "Harbour", "A reader's boats.", base=Page.objects.get().latest_id)
    do_watch(editor_account, Page.objects.get())
    save(editor, "Secret plan", DELETED_CANARY)
    do_delete_page(make_account("Steward"), parse("Secret plan"), "Posted by mistake")

    lines = _dump(tmp_path / "dump.jsonl.gz")
    text = "\n".join(json.dumps(line) for line in lines)

    header, rows = lines[0], lines[1:]
    assert header["format"] == dump.FORMAT
    assert {row["table"] for row in rows} == {"wiki.Page", "wiki.Revision", "wiki.PublicLogEntry"}
    revisions = [row["row"] for row in rows if row["table"] == "wiki.Revision"]
    assert [(revision["user"], revision["ip"], revision["text"]) for revision in revisions] == [
        ("Alice", None, "Alice's boats."),
        (None, READER_ADDRESS, "A reader's boats."),
    ]
    assert "Posted by mistake" in text  # the public deletion log
    editor_account.refresh_from_db()
    for private in [
        "alice-canary@example.org",
        EDITOR_ADDRESS,
        EDITOR_AGENT,
        editor_account.password,
        PASSWORD,
        DELETED_CANARY,
        "watch",
    ]:
        assert private not in text


def _with_revision_fields(change) -> list:
    """The data map, with wiki.Revision's field declarations passed through `change`."""
    changed = []
    for table in tables():
        if table.model == "wiki.Revision":
            table = dataclasses.replace(table, fields=change(dict(table.fields)))
        changed.append(table)
    return changed


def test_only_columns_the_data_map_declares_public_are_dumped(tmp_path, monkeypatch, editor):
    save(editor, "Harbour", "Boats.", summary="summary-canary-3310")
    private = _with_revision_fields(
        lambda fields: (
            fields | {"summary": dataclasses.replace(fields["summary"], visibility=Visibility.PRIVATE)}
        )
    )
    monkeypatch.setattr(dump, "tables", lambda: iter(private))

    lines = _dump(tmp_path / "dump.jsonl.gz")

    assert "summary" not in lines[0]["tables"]["wiki.Revision"]
    assert "summary-canary-3310" not in json.dumps(lines)


def test_a_column_the_data_map_does_not_declare_stops_the_dump_before_anything_is_written(
    tmp_path, monkeypatch, editor
):
    save(editor, "Harbour", "Boats.")
    undeclared = _with_revision_fields(lambda fields: {n: f for n, f in fields.items() if n != "summary"})
    monkeypatch.setattr(dump, "tables", lambda: iter(undeclared))

    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(CommandError, match=r"wiki\.Revision\.summary is not in the data map"):
        call_command("dump", str(out / "dump.jsonl.gz"))
    assert list(out.iterdir()) == []


def test_a_missing_directory_is_refused_with_a_clear_error(tmp_path, db):
    with pytest.raises(CommandError, match="is not a directory"):
        call_command("dump", str(tmp_path / "no-such-directory" / "dump.jsonl.gz"))
