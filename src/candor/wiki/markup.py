"""Page text (Markdown, with [[wiki links]]) to HTML that is safe to serve.

markdown-it-py runs with raw HTML disabled, and its output always goes through nh3 with an allow-list, so
nothing a writer types can run script, handle an event, follow a `javascript:` URL, or make a reader's
browser fetch anything from another site: an external image or frame would tell a third party who reads
the page (C53, DESIGN.md "No CDN ... no third-party script"). An image from this site is shown; an image
from anywhere else becomes a plain link to it, so the reader decides whether to fetch it.
"""

import re

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

from candor.publiclog.titles import InvalidTitle, Namespace, Title, parse

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)


EXTERNAL = "external"  # the class of a link to another site: the reader sees that it leaves Candor (C97)


def _is_local(url: str) -> bool:
    return url.startswith("/") and not url.startswith("//")


def _is_elsewhere(url: str) -> bool:
    """A URL with a scheme, or protocol-relative: another site, outside Candor's policy (C97)."""
    return url.startswith("//") or re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", url) is not None


def _link_open(self, tokens, index, options, env) -> str:
    token = tokens[index]
    if _is_elsewhere(str(token.attrGet("href") or "")):
        token.attrSet("class", EXTERNAL)
    return self.renderToken(tokens, index, options, env)


# Where an <img> may point: Candor's own uploads and static files, nothing else (C53).
IMAGE_PATHS = ("/media/", "/static/")
FILE_PREFIXES = ("file:", "image:")


def file_title(written: str) -> Title | None:
    """The File: title of `File:Name.jpg` or `Image:Name.jpg`, or None."""
    prefix, colon, name = written.strip().partition(":")
    if not colon or f"{prefix.strip().casefold()}:" not in FILE_PREFIXES:
        return None
    try:
        title = parse("File:" + name)
    except InvalidTitle:
        return None
    return title if title.namespace == Namespace.FILE else None


def file_embed(
    title: Title, caption: str, width: int | None = None, red: str | None = None, resolve=None
) -> str:
    """An embedded file: its thumbnail linking to its page, or a (red) link when no such file is shown.
    `caption` is HTML-escaped already. `resolve` is publiclog.files.resolve when the wiki renders a
    revision (content.render), through which the media app answers (docs/media.md); None: a red link."""
    found = None if resolve is None else resolve(title, width)
    if found is None:
        label = caption or escapeHtml(title.display)
        red_class = f' class="{red}"' if red else ""
        return f'<a href="{title.url}"{red_class}>{label}</a>'
    alt = caption or escapeHtml(title.name)
    return (
        f'<a href="{title.url}"><img src="{escapeHtml(found.url)}" alt="{alt}" '
        f'width="{found.width}" height="{found.height}"></a>'
    )


def _image_or_link(self, tokens, index, options, env) -> str:
    token = tokens[index]
    source = str(token.attrGet("src") or "")
    embedded = file_title(source)
    if embedded is not None:  # ![caption](File:Name.jpg)
        caption = escapeHtml(self.renderInlineAsText(token.children or [], options, env))
        return file_embed(embedded, caption, resolve=env.get("resolve_file"))
    if source.startswith(IMAGE_PATHS):
        return self.image(tokens, index, options, env)
    label = self.renderInlineAsText(token.children or [], options, env) or source
    kind = "" if _is_local(source) else f' class="{EXTERNAL}"'
    return f'<a href="{escapeHtml(source)}"{kind}>{escapeHtml(label)}</a>'


_markdown.add_render_rule("image", _image_or_link)
_default_validate_link = _markdown.validateLink
# markdown-it refuses `file:` URLs; `File:Name.jpg` names an upload here, rendered by _image_or_link.
_markdown.validateLink = lambda url: file_title(url) is not None or _default_validate_link(url)
_markdown.add_render_rule("link_open", _link_open)

# [[Title]] and [[Title|label]]; the notify app reads it too, to find mentions in an edit.
WIKI_LINK = re.compile(r"\[\[([^\[\]|\n]+)(?:\|([^\[\]\n]+))?\]\]")

_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "kbd",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
}
_ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"style"},
    "th": {"style"},
    "code": {"class"},
    "span": {"class"},  # only the classes a renderer names (below): wikitext's template placeholder
    "div": {"class"},
}


def _only_local_images(tag: str, attribute: str, value: str, classes=frozenset({EXTERNAL})) -> str | None:
    if attribute == "class" and tag != "code":
        return value if value in classes else None
    if tag == "img" and attribute == "src":
        return value if value.startswith(IMAGE_PATHS) else None
    if tag == "img" and attribute in {"width", "height"}:
        return value if value.isdigit() else None
    if attribute == "style":
        return value if re.fullmatch(r"text-align:(left|right|center)", value) else None
    return value


def _wiki_links(text: str) -> str:
    def link(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2) or match.group(1)
        try:
            title = parse(target)
        except InvalidTitle:
            return match.group(0)
        return f"[{label.strip()}](<{title.url}>)"

    return WIKI_LINK.sub(link, text)


def render(text: str, resolve_file=None) -> str:
    """`text` as sanitised HTML; `resolve_file` answers which embedded files exist (else red links)."""
    return sanitise(_markdown.render(_wiki_links(text), {"resolve_file": resolve_file}))


def sanitise(html: str, classes: frozenset[str] = frozenset({EXTERNAL})) -> str:
    """The one allow-list every renderer's output goes through (Markdown here, wikitext in wikitext.py);
    `classes` are the class names it may keep on links, spans and divs."""
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        attribute_filter=lambda tag, attribute, value: _only_local_images(tag, attribute, value, classes),
        url_schemes={"http", "https", "mailto"},
        strip_comments=True,
    )
