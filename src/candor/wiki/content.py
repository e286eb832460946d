"""A page's content model and how its text becomes the HTML stored with each revision.

Markdown (markup.py) and wikitext (wikitext.py) both end in the same sanitiser. The HTML of a revision
never changes once rendered, so it is rendered once: at save time for an edit, and for a revision that
came in through an import (which renders only each page's latest revision, so that it stays fast), the
first time someone looks at it, stored then with a single UPDATE of a column that was empty.
"""

from django.conf import settings

from candor.publiclog import files
from candor.publiclog.titles import Title
from candor.wiki import markup, wikitext
from candor.wiki.models import ContentModel, Page, Revision

HIDDEN_TEXT = (
    '<p class="notice">The text of this revision was deleted on the wiki it was imported from, '
    "and is not here.</p>"
)


def default_model() -> ContentModel:
    """The model of a new page: the site's setting (CANDOR_CONTENT_MODEL)."""
    return ContentModel(settings.CANDOR_CONTENT_MODEL)


def model_of(title: Title) -> ContentModel:
    """The model of the page `title`, or of a new page there."""
    model = (
        Page.objects.live()
        .filter(namespace=title.namespace, title=title.key)
        .values_list("content_model", flat=True)
        .first()
    )
    return ContentModel(model) if model else default_model()


def existing(titles: set[Title]) -> set[Title]:
    """Which of `titles` are live pages: one query, for the red links of one text."""
    if not titles:
        return set()
    keys = {title.key for title in titles}
    found = set(
        Page.objects.live().filter(title__in=keys).values_list("namespace", "title").iterator(chunk_size=2000)
    )
    return {title for title in titles if (title.namespace, title.key) in found}


def render(text: str, model: str) -> str:
    if model == ContentModel.WIKITEXT:
        return wikitext.render(text, existing, files.resolve)
    return markup.render(text, files.resolve)  # embedded files: the media app answers (publiclog.files)


def html_of(revision: Revision, model: str) -> str:
    """The revision's HTML: as stored, or rendered now and stored (a revision imported but not yet shown)."""
    if revision.html is not None:
        return revision.html
    html = HIDDEN_TEXT if revision.text_hidden else render(revision.text, model)
    Revision.objects.filter(pk=revision.pk, html__isnull=True).update(html=html)
    revision.html = html
    return html
