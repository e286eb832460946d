"""Wikitext, the second content model: what it renders to, and that nothing a writer types is unsafe (C53,
C97). Issue 14 §2."""

from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from candor.publiclog.titles import parse
from candor.wiki import wikitext
from candor.wiki.wikitext import redirect_target, render


def existing(*names):
    titles = {parse(name) for name in names}
    return lambda asked: asked & titles


RENDERED = [
    ("== Heading ==", "<h2>Heading</h2>"),
    ("=== Smaller ===", "<h3>Smaller</h3>"),
    ("One paragraph\nstill the same\n\nAnother", "<p>One paragraph\nstill the same</p>\n<p>Another</p>"),
    ("'''bold''' and ''italic''", "<p><b>bold</b> and <i>italic</i></p>"),
    ("[[Known page]]", '<p><a href="/wiki/Known_page">Known page</a></p>'),
    ("[[Missing page|a label]]", '<a href="/wiki/Missing_page" class="new">a label</a>'),
    ("[[Known page#History|the history]]", '<a href="/wiki/Known_page#History">the history</a>'),
    ("[[talk:known page]]", '<a href="/wiki/Talk:Known_page">talk:known page</a>'),
    ("[https://example.org/ a site]", '<a href="https://example.org/" class="external">a site</a>'),
    ("[https://example.org/]", '<a href="https://example.org/" class="external">[1]</a>'),
    (
        "see https://example.org/x",
        '<a href="https://example.org/x" class="external">https://example.org/x</a>',
    ),
    (
        "* one\n* two\n** two and a half\n# first",
        "<ul><li>\none\n</li><li>\ntwo\n<ul><li>\ntwo and a half\n</li></ul>\n</li></ul>\n"
        "<ol><li>\nfirst\n</li></ol>",
    ),
    ("; term : definition", "<dl><dt>\nterm\n</dt><dd>\ndefinition\n</dd></dl>"),
    (";term\n:definition", "<dl><dt>\nterm\n</dt><dd>\ndefinition\n</dd></dl>"),
    (
        "{|\n|+ A caption\n! Name !! Age\n|-\n| Ada || 36\n|}",
        "<table><tbody><tr><th>A caption</th></tr><tr><th>Name</th><th>Age</th></tr>"
        "<tr><td>Ada</td><td>36</td></tr></tbody></table>",
    ),
    ("<nowiki>[[not a link]] ''nor italic''</nowiki>", "<p>[[not a link]] ''nor italic''</p>"),
    ("<pre>[[not a link]]\n  <b>kept</b></pre>", "<pre>[[not a link]]\n  &lt;b&gt;kept&lt;/b&gt;</pre>"),
    (" indented\n preformatted", "<pre>indented\npreformatted</pre>"),
    ("----", "<hr>"),
    (
        "{{Infobox person|name=Ada}}",
        '<span class="template" title="A template, not expanded here">{{Infobox person}}',
    ),
    (
        "Signed — [[User:Ada|Ada]] 12:00, 1 May 2020 (UTC)",
        '— <a href="/wiki/User:Ada" class="new">Ada</a> 12:00',
    ),
    (
        "Text[[Category:Mathematicians]][[Category:People]]",
        '<p>Text</p><div class="categories">Categories: <a href="/wiki/Category:Mathematicians" class="new">'
        'Mathematicians</a>, <a href="/wiki/Category:People" class="new">People</a></div>',
    ),
    ("[[:Category:People]]", '<p><a href="/wiki/Category:People" class="new">Category:People</a></p>'),
    (
        "A fact.<ref>A source</ref>\n<references />",
        '<sup>[1]</sup></p><div class="references"><ol><li>A source</li>',
    ),
    ("&amp; &lt;b&gt; &eacute;", "<p>&amp; &lt;b&gt; é</p>"),
    ("<!-- a hidden comment -->visible", "<p>visible</p>"),
    (
        "#REDIRECT [[Known page]]",
        '<div class="redirect">Redirect to <a href="/wiki/Known_page">Known page</a></div>',
    ),
]


@pytest.mark.parametrize(("text", "expected"), RENDERED)
def test_wikitext_renders_as_mediawiki_does(text, expected):
    """Headings, paragraphs, bold and italic, internal links with red links, external links marked external
    (C97), lists, definition lists, tables, nowiki, pre, signatures, categories at the foot, redirects;
    templates as a visible placeholder (issue 14 §2)."""
    html = render(text, existing("Known page", "Talk:Known page"))
    assert expected in html.replace(' rel="noopener noreferrer"', "")


UNSAFE = [
    "<script>alert(1)</script>",
    '<b onclick="alert(1)">x</b>',
    '<img src="https://tracker.example/p.gif">',
    "[https://tracker.example/p.gif]",
    "[javascript:alert(1) click]",
    '<iframe src="https://tracker.example/"></iframe>',
    '<div style="background:url(https://tracker.example/p.gif)">x</div>',
    "{{#invoke:x|y}}<style>body{}</style>",
    '<span class="external" onmouseover="x">a</span>',
    "[[File:X.png|onerror=alert(1)]]",
]


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))


def _assert_safe(html: str) -> None:
    """No script or other active tag, no on* attribute, no style, no src that leaves the site, no
    javascript: link: the tags the browser would build, not the text the page shows."""
    parser = _Tags()
    parser.feed(html)
    for tag, attributes in parser.tags:
        assert tag not in {"script", "style", "iframe", "object", "embed", "link", "meta", "form"}, html
        assert not any(name.startswith("on") for name in attributes), html
        assert "style" not in attributes, html
        source = attributes.get("src", "")
        assert not source or (source.startswith("/") and not source.startswith("//")), html
        assert not attributes.get("href", "").strip().lower().startswith(("javascript:", "data:")), html


@pytest.mark.parametrize("text", UNSAFE)
def test_unsafe_wikitext_is_shown_harmless(text):
    """No script, no event handler, no resource fetched from another site (C53): an external image in
    wikitext is at most a link."""
    _assert_safe(render(text))


def test_an_external_image_is_a_link_not_an_image():
    """C53's verification: `https://tracker.example/p.gif` in wikitext gives no <img src=...>."""
    html = render("https://tracker.example/p.gif")
    assert "<img" not in html
    assert 'href="https://tracker.example/p.gif"' in html


PIECES = st.sampled_from(
    [
        "'''", "''", "[[", "]]", "[", "]", "{{", "}}", "{|", "|}", "|-", "||", "!", "|", "\n", "\n\n", "*",
        "#", ";", ":", " ", "==", "----", "<nowiki>", "</nowiki>", "<pre>", "</pre>", "<ref>", "</ref>",
        "<script>", "</script>", "<b onclick=alert(1)>", '<img src="//evil.example/x">',
        "javascript:alert(1)", "https://tracker.example/p.gif", "Category:X", "File:Y.png", "#REDIRECT ",
        "&amp;", "&#0;", "&#x110000;", "<!--", "-->", "\x00", "\x01", "\x02", "Ada", "é", "<", ">", '"',
        "'", "onerror=", "<div>", "</div>",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=40).map("".join))
def test_fuzzed_wikitext_never_fails_and_is_always_safe(text):
    """Whatever a writer types, rendering never raises, and the HTML has no <script>, no on*= attribute
    and no external src (issue 14 §Proof, C53)."""
    html = render(text, existing("Ada"))
    _assert_safe(html)
    assert wikitext._LIST not in html and wikitext._BLOCK not in html


def test_a_redirect_names_its_target_once():
    assert redirect_target("#REDIRECT [[Known page]]") == parse("Known page")
    assert redirect_target("#redirect: [[Talk:Known page#Section|x]]") == parse("Talk:Known page")
    assert redirect_target("Text first\n#REDIRECT [[Known page]]") is None
    assert redirect_target("#REDIRECT [[Bad<title]]") is None
