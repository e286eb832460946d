"""MediaWiki wikitext to HTML that is safe to serve: the second content model beside Markdown.

mwparserfromhell parses the text into nodes; this module turns each node into HTML in two steps, as
MediaWiki's parser does: inline markup first (bold, italic, links, entities, tags), with block markers
left at the start of lines, then the block pass (paragraphs, lists, definition lists, indented `<pre>`).
Templates are not expanded: a call shows as a harmless placeholder naming the template. Every piece of
the writer's text is escaped before it becomes HTML, and the result always goes through the same nh3
allow-list as Markdown (markup.sanitise): no script, no event handler, no `javascript:` URL, no image or
frame from another site (C53). Links to other sites are marked external (C97); links to missing pages are
red, as of the rendering (the HTML is stored with the revision and never re-rendered).

The renderer is pure: which pages exist is asked of the `exists` callable, once per text.
"""

import html as html_escaping
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import mwparserfromhell
from mwparserfromhell.nodes import (
    Argument,
    Comment,
    ExternalLink,
    Heading,
    HTMLEntity,
    Node,
    Tag,
    Template,
    Text,
    Wikilink,
)
from mwparserfromhell.wikicode import Wikicode

from candor.publiclog.titles import InvalidTitle, Title, parse
from candor.wiki.markup import EXTERNAL, file_embed, file_title, sanitise

RED_LINK = "new"  # MediaWiki's class for a link to a page that does not exist
TEMPLATE = "template"
CLASSES = frozenset({EXTERNAL, RED_LINK, TEMPLATE, "categories", "redirect", "references"})

REDIRECT = re.compile(r"\A\s*#REDIRECT\s*:?\s*\[\[([^\[\]|\n]+)(?:\|[^\[\]\n]*)?\]\]", re.IGNORECASE)

_LIST = "\x01"  # a list marker kept for the block pass: "\x01*", "\x01#", "\x01;", "\x01:"
_BLOCK = "\x02"  # a line of finished block HTML (heading, table, rule, <pre>) the block pass passes on
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

# Tags a writer may use as HTML in wikitext; their attributes are dropped. Any other tag (script, style,
# iframe, or an extension such as <gallery>) is shown as the text it is.
_HTML_TAGS = {
    "abbr", "b", "big", "blockquote", "br", "center", "cite", "code", "dd", "del", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "kbd", "li", "ol", "p", "s", "samp", "small",
    "span", "strike", "strong", "sub", "sup", "table", "td", "th", "tr", "tt", "u", "ul", "var",
}  # fmt: skip
_RENAMED = {"big": "strong", "center": "div", "ins": "span", "samp": "code", "small": "span",
            "strike": "s", "tt": "code", "u": "span", "var": "i"}  # fmt: skip
_LISTS = {"*": ("ul", "li"), "#": ("ol", "li"), ";": ("dl", "dt"), ":": ("dl", "dd")}
_CATEGORY_PREFIXES = ("category:",)
_FILE_PREFIXES = ("file:", "image:")

Exists = Callable[[set[Title]], set[Title]]


def _nothing_exists(titles: set[Title]) -> set[Title]:
    return set()


@dataclass
class _State:
    existing: set[Title]
    categories: list[Title] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    external_count: int = 0
    resolve_file: Callable | None = None  # publiclog.files.resolve when a revision is rendered


def redirect_target(text: str) -> Title | None:
    """The page a `#REDIRECT [[Target]]` text sends its reader to, or None."""
    match = REDIRECT.match(text)
    if match is None:
        return None
    try:
        return parse(match.group(1).split("#", 1)[0])
    except InvalidTitle:
        return None


def render(text: str, exists: Exists = _nothing_exists, resolve_file: Callable | None = None) -> str:
    """`text` as sanitised HTML; `exists` answers which of the linked titles are pages (for red links),
    `resolve_file` which embedded files exist (publiclog.files.resolve)."""
    text = _CONTROL.sub("", text)
    code = mwparserfromhell.parse(text)
    state = _State(existing=exists(_linked_titles(code)), resolve_file=resolve_file)
    target = redirect_target(text)
    if target is not None:
        link = _link(target, "", html_escaping.escape(target.display), state)
        body = f'<div class="redirect">Redirect to {link}</div>'
        for wikilink in code.filter_wikilinks(recursive=True):
            _wikilink(wikilink, state)  # collects the categories of the redirect page
    else:
        body = _blocks(_inline(code.nodes, state))
    if state.references:
        notes = "".join(f"<li>{note}</li>" for note in state.references)
        body += f'<div class="references"><ol>{notes}</ol></div>'
    if state.categories:
        links = ", ".join(
            _link(title, "", html_escaping.escape(title.name.split(":", 1)[1]), state)
            for title in state.categories
        )
        body += f'<div class="categories">Categories: {links}</div>'
    return sanitise(body, CLASSES)


def _linked_titles(code: Wikicode) -> set[Title]:
    titles = set()
    for link in code.filter_wikilinks(recursive=True):
        title = _link_title(str(link.title))
        if title is not None:
            titles.add(title[0])
    return titles


def _link_title(target: str) -> tuple[Title, str] | None:
    """The title and #fragment a link target names, or None when it names no page."""
    target = target.strip().lstrip(":")
    page, _, fragment = target.partition("#")
    if not page.strip():
        return None
    try:
        return parse(page), fragment.strip()
    except InvalidTitle:
        return None


def _escape(text: str) -> str:
    return html_escaping.escape(text, quote=True)


def _inline(nodes: Iterable[Node], state: _State) -> str:
    return "".join(_node(node, state) for node in nodes)


def _node(node: Node, state: _State) -> str:
    if isinstance(node, Text):
        return _escape(str(node.value))
    if isinstance(node, Wikilink):
        return _wikilink(node, state)
    if isinstance(node, ExternalLink):
        return _external(node, state)
    if isinstance(node, Tag):
        return _tag(node, state)
    if isinstance(node, Heading):
        level = max(1, min(6, node.level))
        return f"\n{_BLOCK}<h{level}>{_inline(node.title.nodes, state).strip()}</h{level}>\n"
    if isinstance(node, Template):
        name = " ".join(str(node.name).split())
        return (
            f'<span class="{TEMPLATE}" title="A template, not expanded here">{{{{{_escape(name)}}}}}</span>'
        )
    if isinstance(node, HTMLEntity):
        try:
            return _escape(node.normalize())
        except (ValueError, OverflowError):
            return _escape(str(node))
    if isinstance(node, Comment):
        return ""
    if isinstance(node, Argument):
        return _escape(str(node))
    return _escape(str(node))


def _link(title: Title, fragment: str, label: str, state: _State) -> str:
    href = title.url + (f"#{_escape(fragment.replace(' ', '_'))}" if fragment else "")
    red = "" if title in state.existing else f' class="{RED_LINK}"'
    return f'<a href="{href}"{red}>{label}</a>'


def _wikilink(node: Wikilink, state: _State) -> str:
    written = str(node.title).strip()
    label = _inline(node.text.nodes, state) if node.text is not None else None
    if written.startswith("#"):  # a section of this page
        anchor = written[1:].strip().replace(" ", "_")
        return f'<a href="#{_escape(anchor)}">{label or _escape(written)}</a>'
    found = _link_title(written)
    if found is None:
        return _escape(str(node))
    title, fragment = found
    lowered = written.casefold()
    if lowered.startswith(_CATEGORY_PREFIXES):  # [[Category:X]] files the page; [[:Category:X]] links
        if title not in state.categories:
            state.categories.append(title)
        return ""
    embedded = file_title(written) if lowered.startswith(_FILE_PREFIXES) else None
    if embedded is not None:  # [[File:x.png|thumb|200px|caption]]: the thumbnail, or a red link
        return _file(embedded, node, state)
    return _link(title, fragment, label or _escape(written.lstrip(":")), state)


_FILE_OPTIONS = re.compile(
    r"(thumb|thumbnail|frame|frameless|border|left|right|center|centre|none|upright|baseline|middle|"
    r"top|bottom|(?:upright|alt|link|page|class|lang)=.*|\d*x?\d+px)",
    re.IGNORECASE,
)


def _file(title: Title, node: Wikilink, state: _State) -> str:
    width, caption = None, ""
    parts = [] if node.text is None else [part.strip() for part in str(node.text).split("|")]
    for part in parts:
        size = re.fullmatch(r"(\d+)(?:x\d+)?px", part)
        if size:
            width = int(size.group(1))
        elif part and not _FILE_OPTIONS.fullmatch(part):
            caption = part
    if width is None and any(part.casefold() in {"thumb", "thumbnail"} for part in parts):
        width = 250
    return file_embed(title, _escape(caption), width, RED_LINK, state.resolve_file)


def _external(node: ExternalLink, state: _State) -> str:
    url = str(node.url).strip()
    if node.title is not None and str(node.title).strip():
        label = _inline(node.title.nodes, state)
    elif node.brackets:
        state.external_count += 1
        label = f"[{state.external_count}]"
    else:
        label = _escape(url)
    return f'<a href="{_escape(url)}" class="{EXTERNAL}">{label}</a>'


def _tag(node: Tag, state: _State) -> str:
    name = str(node.tag).strip().casefold()
    markup = node.wiki_markup
    if markup in {"''", "'''"}:
        inner = _inline(node.contents.nodes, state) if node.contents is not None else ""
        return f"<{name}>{inner}</{name}>"
    if markup is not None and name in {"li", "dt", "dd"}:
        return _LIST + markup[-1]
    if markup == "----" or (name == "hr"):
        return f"\n{_BLOCK}<hr>\n"
    if name == "table":
        return f"\n{_BLOCK}{_table(node, state)}\n"
    if name == "nowiki":
        return _escape(str(node.contents)) if node.contents is not None else ""
    if name == "pre":
        text = str(node.contents) if node.contents is not None else ""
        return f"\n{_BLOCK}<pre>{_escape(text).replace(chr(10), '&#10;')}</pre>\n"
    if name == "br":
        return "<br>"
    if name == "ref":
        inner = _inline(node.contents.nodes, state) if node.contents is not None else ""
        if not inner.strip():
            return ""
        state.references.append(inner.replace("\n", " "))
        number = len(state.references)
        return f"<sup>[{number}]</sup>"
    if name == "references":
        return ""
    if name in _HTML_TAGS:
        inner = _inline(node.contents.nodes, state) if node.contents is not None else ""
        shown = _RENAMED.get(name, name)
        if node.self_closing:
            return ""
        return f"<{shown}>{inner}</{shown}>"
    return _escape(str(node))


def _table(node: Tag, state: _State) -> str:
    rows: list[str] = []
    loose: list[str] = []  # cells before the first |- belong to an implicit first row
    caption = ""
    for child in node.contents.nodes if node.contents is not None else ():
        if not isinstance(child, Tag):
            continue
        kind = str(child.tag).casefold()
        if kind == "td" and not rows and not loose and str(child.contents).startswith("+"):
            caption = _fragment(mwparserfromhell.parse(str(child.contents)[1:]), state)  # |+ a caption
        elif kind in {"td", "th"}:
            loose.append(_cell(child, kind, state))
        elif kind == "tr":
            cells = [
                _cell(cell, str(cell.tag).casefold(), state)
                for cell in child.contents.nodes
                if isinstance(cell, Tag) and str(cell.tag).casefold() in {"td", "th"}
            ]
            if cells:
                rows.append("<tr>" + "".join(cells) + "</tr>")
    if loose:
        rows.insert(0, "<tr>" + "".join(loose) + "</tr>")
    # nh3 keeps <caption> out of its allow-list: the caption becomes the table's first row.
    if caption:
        rows.insert(0, f"<tr><th>{caption}</th></tr>")
    return "<table><tbody>" + "".join(rows) + "</tbody></table>"


def _cell(cell: Tag, kind: str, state: _State) -> str:
    return f"<{kind}>{_fragment(cell.contents, state)}</{kind}>"


def _fragment(code: Wikicode | None, state: _State) -> str:
    """A table cell's content, rendered as a whole text (it may hold paragraphs and lists), on one line."""
    if code is None:
        return ""
    inner = _blocks(_inline(code.nodes, state).strip())
    if inner.startswith("<p>") and inner.endswith("</p>") and inner.count("<p>") == 1:
        inner = inner[3:-4]
    return inner.replace("\n", " ")


def _same_list(a: str, b: str) -> bool:
    return a == b or (a in ";:" and b in ";:")


def _blocks(inline: str) -> str:
    """The block pass: paragraphs, lists and indented preformatted text, line by line."""
    out: list[str] = []
    paragraph: list[str] = []
    preformatted: list[str] = []
    prefix = ""

    def close_paragraph() -> None:
        if paragraph:
            out.append("<p>" + "\n".join(paragraph).strip() + "</p>")
            paragraph.clear()
        if preformatted:
            out.append("<pre>" + "\n".join(preformatted) + "</pre>")
            preformatted.clear()

    def close_lists() -> None:
        nonlocal prefix
        for char in reversed(prefix):
            listing, item = _LISTS[char]
            out.append(f"</{item}></{listing}>")
        prefix = ""

    def list_item(new: str, content: str) -> None:
        nonlocal prefix
        common = 0
        while common < min(len(prefix), len(new)) and _same_list(prefix[common], new[common]):
            common += 1
        if common == len(new):  # as deep as the last line, or shallower: the next item of its list
            for char in reversed(prefix[len(new) :]):
                listing, item = _LISTS[char]
                out.append(f"</{item}></{listing}>")
            out.append(f"</{_LISTS[prefix[len(new) - 1]][1]}><{_LISTS[new[-1]][1]}>")
        else:
            for char in reversed(prefix[common:]):
                listing, item = _LISTS[char]
                out.append(f"</{item}></{listing}>")
            for char in new[common:]:
                listing, item = _LISTS[char]
                out.append(f"<{listing}><{item}>")
        prefix = new
        out.append(content.strip())

    for line in inline.split("\n"):
        if line.startswith(_LIST):
            close_paragraph()
            new = ""
            while line.startswith(_LIST) and len(line) > 1:
                new += line[1]
                line = line[2:]
            if new.endswith(";") and _LIST + ":" in line:
                term, _, definition = line.partition(_LIST + ":")
                list_item(new, term)
                list_item(new[:-1] + ":", definition.replace(_LIST, ""))
            else:
                list_item(new, line.replace(_LIST, ""))
        elif line.startswith(_BLOCK):
            close_paragraph()
            close_lists()
            out.append(line[1:].replace(_LIST, ""))
        elif line.startswith(" ") and line.strip():
            close_lists()
            if paragraph:
                close_paragraph()
            preformatted.append(line[1:].replace(_LIST, ""))
        elif not line.strip():
            close_paragraph()
            close_lists()
        else:
            close_lists()
            if preformatted:
                close_paragraph()
            paragraph.append(line.replace(_LIST, ""))
    close_paragraph()
    close_lists()
    return "\n".join(out)
