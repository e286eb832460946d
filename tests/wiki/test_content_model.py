"""Each page has a content model: the site's setting picks the model of new pages, and an edit keeps the
page's (issue 14 §2). The HTML is stored with the revision, so a wikitext view renders nothing."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from candor.wiki.models import ContentModel, Page
from tests.steps import revisions_of, save


def test_new_pages_take_the_site_setting_and_edits_keep_the_page_model(reader, settings):
    settings.CANDOR_CONTENT_MODEL = "markdown"
    save(reader, "Written in Markdown", "*emphasis*")
    settings.CANDOR_CONTENT_MODEL = "wikitext"
    save(reader, "Written in wikitext", "''emphasis''")
    save(reader, "Written in Markdown", "*still Markdown* and ''not italic''")
    models = dict(Page.objects.values_list("title", "content_model"))
    assert models == {
        "Written_in_Markdown": ContentModel.MARKDOWN,
        "Written_in_wikitext": ContentModel.WIKITEXT,
    }
    assert "<em>still Markdown</em> and ''not italic''" in revisions_of("Written in Markdown")[-1].html
    assert "<i>emphasis</i>" in revisions_of("Written in wikitext")[0].html


def test_a_wikitext_page_view_reads_the_stored_html(reader, settings):
    """The rendered HTML is cached per revision: a view is the page query and a template, as for Markdown."""
    settings.CANDOR_CONTENT_MODEL = "wikitext"
    save(reader, "Cached", "== Part ==\n'''bold''' [[Cached]]")
    with CaptureQueriesContext(connection) as queries:
        body = reader.get("/wiki/Cached").content.decode()
    assert "<h2>Part</h2>" in body and "<b>bold</b>" in body
    wiki_queries = [query["sql"] for query in queries if '"wiki_' in query["sql"]]
    assert len(wiki_queries) == 1 and not any(sql.startswith("UPDATE") for sql in wiki_queries)
