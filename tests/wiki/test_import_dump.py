"""`candor import_dump FILE`: a MediaWiki wiki moves into Candor with its history and its public
attribution, and nothing else (issue 14 §1; C32, C33, C09, C31)."""

import bz2
import gzip
import io

import pytest
from django.core.management import call_command

from candor.privacy.models import PrivateEvent
from candor.publiclog.models import LogType, PublicLogEntry
from candor.publiclog.titles import Namespace
from candor.wiki import mwimport
from candor.wiki.models import ContentModel, ImportedRevision, Page, Revision
from tests.steps import revisions_of, save
from tests.wiki.mwdumps import dump, page, revision

OLD_WIKI = dump(
    page(
        "Ada Lovelace",
        revision(100, "'''Ada''' wrote [[Notes]].", username="Ada", comment="first")
        + revision(105, "'''Ada''' wrote the [[Notes]].", parent=100, ip="203.0.113.5", minor=True)
        + revision(107, "gone", parent=105, text_deleted=True, comment_deleted=True, user_deleted=True)
        + revision(110, "'''Ada''' wrote the [[Notes]]. [[Category:People]]", parent=107, username="Grace"),
        page_id=1,
    )
    + page("Ada Lovelace", revision(101, "Talk about Ada"), ns=1, page_id=2)
    + page("Notes", revision(102, "#REDIRECT [[Ada Lovelace]]", username="other>Babbage"), page_id=3)
    + page("Infobox", revision(103, "<includeonly>{{{1}}}</includeonly>"), ns=10, page_id=4)
)


def run(xml: str, **options) -> mwimport.Report:
    stream = io.BufferedReader(io.BytesIO(xml.encode("utf-8")))
    return mwimport.import_dump(stream, file_name="oldwiki.xml", **options)


@pytest.fixture
def imported(db):
    return run(OLD_WIKI)


def test_pages_keep_titles_namespaces_and_their_history(imported):
    """Every revision keeps its order, timestamp, comment, minor flag, size and parent; imported pages are
    wikitext."""
    history = revisions_of("Ada Lovelace")
    assert [revision.pk for revision in history] == [100, 105, 107, 110]  # into an empty wiki: the same ids
    assert [revision.parent_id for revision in history] == [None, 100, 105, 107]
    assert [revision.minor for revision in history] == [False, True, False, False]
    assert history[0].summary == "first"
    assert history[0].size == len("'''Ada''' wrote [[Notes]].")
    assert history[0].timestamp.isoformat() == "2020-05-01T12:00:00+00:00"
    assert Page.objects.get(title="Ada_Lovelace", namespace=Namespace.TALK).latest.text == "Talk about Ada"
    assert {page.content_model for page in Page.objects.all()} == {ContentModel.WIKITEXT}
    assert imported.revisions_imported == 7 and imported.pages_created == 4


def test_a_namespace_candor_lacks_comes_in_as_a_main_namespace_title(imported):
    """Template:Infobox stays reachable as [[Template:Infobox]] reads here, and the report says so."""
    assert Page.objects.filter(namespace=Namespace.MAIN, title="Template:Infobox").exists()
    assert imported.folded_namespaces == {"Template": 1}


def test_registered_authors_become_imported_names_never_accounts(imported, reader, make_account):
    """imported>Name, as MediaWiki writes it: no account is created, and a local account of the same name
    is not merged with it (C32)."""
    from candor.accounts.models import User

    assert not User.objects.exists()
    make_account("Ada")
    history = revisions_of("Ada Lovelace")
    assert history[0].imported_author == "imported>Ada" and history[0].user_id is None
    assert revisions_of("Notes")[0].imported_author == "other>Babbage"  # already prefixed: kept
    page = reader.get("/wiki/Ada_Lovelace?action=history").content.decode()
    assert "imported&gt;Ada" in page and "imported&gt;Grace" in page
    contributions = reader.get("/wiki/Special:Contributions/imported>Ada")
    assert contributions.status_code == 200 and "Ada Lovelace" in contributions.content.decode()
    assert "Ada Lovelace" not in reader.get("/wiki/Special:Contributions/Ada").content.decode()


def test_a_logged_out_author_keeps_the_published_address(imported, reader):
    """C33: the IP the source wiki published stays the author of that edit."""
    assert revisions_of("Ada Lovelace")[1].ip == "203.0.113.5"
    assert "203.0.113.5" in reader.get("/wiki/Ada_Lovelace?action=history").content.decode()


def test_what_the_source_deleted_stays_hidden(imported, reader):
    """deleted="deleted" on the text, the comment and the contributor: none of them is here or shown."""
    hidden = Revision.objects.get(pk=107)
    assert (hidden.text, hidden.summary, hidden.imported_author, hidden.ip) == ("", "", None, None)
    assert hidden.text_hidden and hidden.summary_hidden and hidden.author_hidden
    old = reader.get("/wiki/Ada_Lovelace?oldid=107").content.decode()
    assert "was deleted on the wiki it was imported from" in old and "gone" not in old
    assert "(username removed)" in reader.get("/wiki/Ada_Lovelace?action=history").content.decode()


def test_imported_pages_render_and_redirects_are_followed(imported, reader):
    """Wikitext with links (not red: the target was imported too), categories at the foot; the redirect
    Notes is followed once, saying where from."""
    response = reader.get("/wiki/Notes")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<b>Ada</b> wrote the" in body and "(Redirected from" in body
    assert 'href="/wiki/Category:People" class="new"' in body
    assert "Redirect to" in reader.get("/wiki/Notes?redirect=no").content.decode()


def test_an_old_imported_revision_is_rendered_once_when_first_shown(imported, reader):
    assert Revision.objects.get(pk=100).html is None
    assert "<b>Ada</b> wrote" in reader.get("/wiki/Ada_Lovelace?oldid=100").content.decode()
    assert "<b>Ada</b> wrote" in Revision.objects.get(pk=100).html


def test_import_writes_no_private_data_and_is_on_the_public_log(imported):
    """No private event, no account; the public import log names the file and the counts (C09, C38)."""
    assert not PrivateEvent.objects.exists()
    (entry,) = PublicLogEntry.objects.filter(log_type=LogType.IMPORT)
    assert entry.performer is None  # the operator, from the command line
    assert entry.comment.startswith("oldwiki.xml: 7 revisions imported, 4 pages created")


def test_importing_the_same_dump_again_changes_nothing(imported):
    before = list(Revision.objects.order_by("pk").values())
    again = run(OLD_WIKI)
    assert again.revisions_imported == 0 and again.revisions_already_here == 7
    assert list(Revision.objects.order_by("pk").values()) == before
    assert PublicLogEntry.objects.filter(log_type=LogType.IMPORT).count() == 1


def test_a_local_page_of_the_same_title_is_left_alone(db, reader):
    save(reader, "Notes", "Our own notes")
    report = run(OLD_WIKI)
    assert report.pages_skipped == ["Notes"]
    assert [revision.text for revision in revisions_of("Notes")] == ["Our own notes"]


def test_into_a_wiki_with_revisions_ids_follow_the_latest(db, reader):
    """Source ids are kept only where no revision of this wiki could be confused with them."""
    save(reader, "Local", "Here first")
    run(OLD_WIKI)
    local = revisions_of("Local")[0].pk
    history = revisions_of("Ada Lovelace")
    assert [revision.pk for revision in history] == [local + 1, local + 2, local + 3, local + 4]  # dump order
    assert [revision.parent_id for revision in history] == [None, local + 1, local + 2, local + 3]
    save(reader, "Local", "Edited after the import")
    assert revisions_of("Local")[-1].pk > max(ImportedRevision.objects.values_list("revision_id", flat=True))


def test_schema_010_is_read_too(db):
    report = run(dump(page("Old", revision(1, "text")), version="0.10"))
    assert report.revisions_imported == 1 and revisions_of("Old")[0].text == "text"


def test_dry_run_counts_and_writes_nothing(db):
    report = run(OLD_WIKI, dry_run=True)
    assert report.revisions_imported == 7 and report.pages_created == 4
    assert not Revision.objects.exists() and not PublicLogEntry.objects.exists()


@pytest.mark.parametrize("compress", [None, "gz", "bz2"])
def test_the_command_reads_plain_gzipped_and_bzipped_dumps(db, tmp_path, compress):
    data = OLD_WIKI.encode("utf-8")
    path = tmp_path / ("oldwiki.xml" + (f".{compress}" if compress else ""))
    path.write_bytes({"gz": gzip.compress, "bz2": bz2.compress}.get(compress, lambda raw: raw)(data))
    out = io.StringIO()
    call_command("import_dump", str(path), stdout=out)
    assert "7 revisions imported" in out.getvalue()
    assert Revision.objects.count() == 7


def test_the_command_reads_standard_input(db, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(OLD_WIKI.encode("utf-8"))))
    out = io.StringIO()
    call_command("import_dump", "-", "--dry-run", stdout=out)
    assert out.getvalue().startswith("Would import from oldwiki: 7 revisions imported")
