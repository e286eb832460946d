"""A dump that cannot be imported as it is: a clear message naming the page and revision, and nothing
half-written (issue 14 §Proof)."""

import io

import pytest
from django.core.management import CommandError, call_command

from candor.publiclog.models import PublicLogEntry
from candor.wiki import mwimport
from candor.wiki.models import Page, Revision
from tests.wiki.mwdumps import dump, page, revision
from tests.wiki.test_import_dump import OLD_WIKI


def run(data: str | bytes, **options) -> mwimport.Report:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return mwimport.import_dump(io.BufferedReader(io.BytesIO(raw)), file_name="bad.xml", **options)


def nothing_written() -> bool:
    return not Page.objects.exists() and not Revision.objects.exists() and not PublicLogEntry.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (OLD_WIKI[: len(OLD_WIKI) // 2], "not well-formed XML"),
        (b"\x89PNG\r\n\x1a\n not a dump", "The file is not XML"),
        ("<html><body>a web page</body></html>", "not a MediaWiki export"),
        (OLD_WIKI.replace('version="0.11"', 'version="0.12"'), "The dump's schema version is 0.12"),
    ],
    ids=["truncated", "not-xml", "other-xml", "unknown-version"],
)
def test_a_file_that_is_not_a_whole_dump_is_refused_with_nothing_written(db, data, message):
    with pytest.raises(mwimport.ImportFailed, match=message) as refusal:
        run(data)
    assert str(refusal.value).endswith("Nothing was imported.")
    assert nothing_written()


def test_a_truncated_dump_says_where_it_stopped(db):
    with pytest.raises(
        mwimport.ImportFailed, match="page “Ada Lovelace”, revision 10[57]; it may be truncated"
    ):
        run(OLD_WIKI[: int(len(OLD_WIKI) * 0.6)])


def test_a_title_that_cannot_be_normalised_names_the_page(db):
    bad = dump(page("Fine", revision(1, "ok")) + page("Bad{{title}}", revision(2, "x"), page_id=2))
    with pytest.raises(
        mwimport.ImportFailed, match=r"Page “Bad\{\{title\}\}” \(page id 2\): its title cannot"
    ):
        run(bad)
    assert nothing_written()


def test_a_revision_over_the_size_limit_names_page_and_revision(db, settings):
    settings.CANDOR_MAX_PAGE_BYTES = 100
    big = dump(page("Big", revision(1, "small") + revision(2, "x" * 101, parent=1)))
    with pytest.raises(mwimport.ImportFailed, match="Page “Big”, revision 2: the text is 101 bytes long"):
        run(big)
    assert nothing_written()


def test_a_dry_run_lists_every_problem_and_writes_nothing(db, settings):
    settings.CANDOR_MAX_PAGE_BYTES = 100
    bad = dump(page("Bad]]title", revision(1, "x")) + page("Big", revision(2, "x" * 101), page_id=2))
    report = run(bad, dry_run=True)
    assert len(report.problems) == 2
    assert "Bad]]title" in report.problems[0] and "revision 2" in report.problems[1]
    assert nothing_written()


def test_the_command_reports_the_problem_as_an_error(db, tmp_path):
    path = tmp_path / "truncated.xml"
    path.write_text(OLD_WIKI[: len(OLD_WIKI) // 2], encoding="utf-8")
    with pytest.raises(CommandError, match="it may be truncated. Nothing was imported."):
        call_command("import_dump", str(path))
    with pytest.raises(CommandError, match="does not exist"):
        call_command("import_dump", str(tmp_path / "missing.xml"))
    assert nothing_written()
