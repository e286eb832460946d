"""Special:Export and `candor export_dump`: MediaWiki XML 0.11 of public content only, that mwxml reads
back, and a round trip into an empty Candor that gives the same wiki (issue 14 §3, §Proof; C95, C33, C34)."""

import gzip
import io
import re

import mwxml
import pytest
from django.core.management import call_command

from candor.publiclog.titles import Namespace, Title
from candor.wiki import mwexport, mwimport
from candor.wiki.content import html_of
from candor.wiki.models import Page, Revision
from tests.steps import EDITOR_ADDRESS, EDITOR_AGENT, READER_ADDRESS
from tests.wiki.mwdumps import empty_the_wiki


def exported(**options) -> str:
    out = io.StringIO()
    mwexport.write(out, **options)
    return out.getvalue()


def read_back(xml: str) -> dict[str, list]:
    parsed = mwxml.Dump.from_file(io.BytesIO(xml.encode("utf-8")))
    return {page.title: list(page) for page in parsed.pages}  # full titles, as MediaWiki writes them


@pytest.mark.ip_attribution
def test_the_export_holds_public_content_only(generated_wiki):
    """The usernames and the logged-out editor's address (C33); never the logged-in editor's address or
    browser, an email, or a deleted page (C34, C95)."""
    xml = exported()
    assert "<username>Alice</username>" in xml and f"<ip>{READER_ADDRESS}</ip>" in xml
    for private in (EDITOR_ADDRESS, EDITOR_AGENT, "alice-canary@example.org", "Secret plans", "deleted"):
        assert private not in xml.replace('deleted="deleted"', "")
    assert "argon2" not in xml


@pytest.mark.ip_attribution
def test_mwxml_reads_the_export_back(generated_wiki):
    pages = read_back(exported())
    assert set(pages) == {"Imported", "Markdown page", "Wiki page", "Talk:Wiki page", "Redirect"}
    first, second = pages["Markdown page"]
    assert (first.user.text, first.comment, second.user.text) == ("Alice", "started", READER_ADDRESS)
    assert second.parent_id is not None and int(second.parent_id) == first.id
    assert first.slots.contents["main"].model == "markdown"
    kept, text_gone, author_gone = pages["Imported"]
    assert kept.user.text == "imported>Ada"
    assert text_gone.deleted.text and text_gone.slots.contents["main"].text is None
    assert author_gone.deleted.user and author_gone.deleted.comment and author_gone.user is None
    assert author_gone.slots.contents["main"].text == "restored"


def test_current_only_has_the_latest_revision_of_each_page(generated_wiki):
    pages = read_back(exported(current_only=True))
    assert all(len(revisions) == 1 for revisions in pages.values())
    assert pages["Wiki page"][0].slots.contents["main"].text.endswith("[[Category:X]]")


def test_the_export_refuses_a_column_the_data_map_does_not_declare_public(generated_wiki, monkeypatch):
    """Columns come from the data map's public declarations, as in `candor dump` (C95)."""
    monkeypatch.setattr(mwexport, "REVISION_COLUMNS", (*mwexport.REVISION_COLUMNS, "nonexistent"))
    out = io.StringIO()
    with pytest.raises(mwexport.NotPublic, match="nonexistent"):
        mwexport.write(out)
    assert out.getvalue() == ""


def test_special_export_offers_a_form_without_cookies(generated_wiki, reader):
    response = reader.get("/wiki/Special:Export")
    assert response.status_code == 200 and 'name="pages"' in response.content.decode()
    assert not response.cookies


def test_special_export_of_one_title_and_of_a_list(generated_wiki, reader):
    one = reader.get("/wiki/Special:Export/Wiki_page")
    assert one["Content-Type"] == "application/xml; charset=utf-8"
    assert [len(revisions) for revisions in read_back(one.content.decode()).values()] == [1]
    full = reader.get("/wiki/Special:Export/Wiki_page?history=1")
    assert [len(revisions) for revisions in read_back(full.content.decode()).values()] == [2]
    listed = reader.get("/wiki/Special:Export", {"pages": "Redirect\nTalk:Wiki page\nSecret plans\nNowhere"})
    assert set(read_back(listed.content.decode())) == {"Redirect", "Talk:Wiki page"}
    assert reader.get("/wiki/Special:Export", {"pages": "Bad[title"}).status_code == 400


def test_export_dump_writes_a_gzipped_file(generated_wiki, tmp_path):
    target = tmp_path / "wiki.xml.gz"
    out = io.StringIO()
    call_command("export_dump", str(target), stdout=out)
    assert "5 pages, 9 revisions" in out.getvalue()
    assert len(read_back(gzip.decompress(target.read_bytes()).decode("utf-8"))) == 5


def _snapshot() -> dict:
    """Pages, histories, attribution and rendered HTML, as a reader sees them. Timestamps to the second,
    as MediaWiki's XML holds them; an account's edits come back under its imported name."""
    pages = {}
    for wiki_page in Page.objects.live().order_by("namespace", "title"):
        history = []
        for rev in Revision.objects.filter(page=wiki_page).select_related("user").order_by("id"):
            author = f"imported>{rev.user.username}" if rev.user_id else rev.author_name
            history.append(
                (
                    rev.pk,
                    rev.parent_id,
                    rev.timestamp.replace(microsecond=0),
                    rev.summary,
                    rev.size,
                    rev.minor,
                )
                + (rev.text, rev.text_hidden, rev.summary_hidden, rev.author_hidden, author)
                + (html_of(rev, wiki_page.content_model),)
            )
        pages[(wiki_page.namespace, wiki_page.title, wiki_page.content_model)] = history
    return pages


def _articles(reader) -> dict[str, str]:
    """What a reader is shown of each page and of each of its revisions (the article of the view)."""
    shown = {}
    for rev in Revision.objects.live().select_related("page"):
        url = Title(Namespace(rev.page.namespace), rev.page.title.replace("_", " ")).url
        for address in (url, f"{url}?oldid={rev.pk}"):
            response = reader.get(address)
            assert response.status_code == 200, address
            shown[address] = re.search(r"<article.*?</article>", response.content.decode(), re.S).group()
    return shown


def test_a_round_trip_into_an_empty_candor_gives_the_same_wiki(generated_wiki, reader):
    """Export, empty the wiki, import: the same pages, histories, attribution and rendered HTML, in the
    database and as a reader is shown each page and each revision."""
    before, shown_before = _snapshot(), _articles(reader)
    xml = exported()
    empty_the_wiki()
    report = mwimport.import_dump(io.BufferedReader(io.BytesIO(xml.encode("utf-8"))), file_name="wiki.xml")
    assert report.revisions_imported == 9 and not report.problems
    assert _snapshot() == before
    assert _articles(reader) == shown_before
    assert "(Redirected from" in reader.get("/wiki/Redirect").content.decode()
