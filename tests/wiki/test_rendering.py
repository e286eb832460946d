"""C30 and DESIGN.md: page text is Markdown, always sanitised; nothing in a page can run script or make a
reader's browser contact another site."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from candor.wiki.markup import render
from tests.steps import save

HOSTILE = """# Title

<script>alert(1)</script>
<img src=x onerror="alert(2)">
<iframe src="https://tracker.example/frame"></iframe>
[click](javascript:alert(3))
[data](data:text/html;base64,PHNjcmlwdD4=)
![pixel](https://tracker.example/pixel.png)
![protocol-relative](//tracker.example/pixel.png)
<a href="https://example.org" onclick="alert(4)">raw link</a>
| a | b |
|---|---|
| 1 | 2 |
"""


def test_markdown_renders_headings_emphasis_tables_and_wiki_links():
    html = render("# Tide\n\n**High** and *low*, see [[Talk:Tide tables|the talk]].\n\n| a |\n|---|\n| 1 |\n")

    assert "<h1>Tide</h1>" in html
    assert "<strong>High</strong>" in html and "<em>low</em>" in html
    assert '<a href="/wiki/Talk:Tide_tables"' in html and ">the talk</a>" in html
    assert "<table>" in html and "<td>1</td>" in html


def test_hostile_markup_is_neutralised(reader):
    save(reader, "Trap", HOSTILE)

    html = reader.get("/wiki/Trap").content.decode()
    article = html.split('<article class="content">', 1)[1].split("</article>", 1)[0]

    assert "<script" not in article
    assert "<iframe" not in article
    assert not re.search(r"<[a-z][^>]*\son\w+\s*=", article)  # as escaped text it is harmless
    assert not re.search(r"(href|src)=\"\s*(javascript|data):", article)
    assert "[click](javascript:alert(3))" in article  # refused as a link, left as the text that was typed
    assert not re.search(r"<(img|iframe|script|link)[^>]+(src|href)=\"(https?:)?//", article)
    assert (
        '<a href="https://tracker.example/pixel.png" class="external" rel="noopener noreferrer">pixel</a>'
        in article
    )
    assert "<td>1</td>" in article


def test_an_external_image_becomes_a_link_the_reader_can_choose_to_follow():
    """C53: external images in page text are rendered as links, not embedded."""
    html = render("![harbour photo](https://photos.example/harbour.jpg)")

    assert "<img" not in html
    link = '<a href="https://photos.example/harbour.jpg" class="external" rel="noopener noreferrer">'
    assert f"{link}harbour photo</a>" in html


def test_local_images_are_allowed():
    assert '<img src="/static/candor/logo.png" alt="logo">' in render("![logo](/static/candor/logo.png)")


def test_external_links_are_kept_as_links_that_pass_on_nothing():
    """C53: a link to another site leaks neither this page's address nor a handle on this window."""
    html = render("[Example](https://example.org/page)")

    assert '<a href="https://example.org/page" class="external" rel="noopener noreferrer">' in html


def test_only_links_to_other_sites_are_marked_external():
    """C97: another site is outside Candor's policy; the reader can see which links lead there."""
    html = render(
        "[a](https://example.org/) [b](mailto:a@example.org) [[Harbour]] [c](/wiki/Quay) [d](#notes)"
    )

    assert html.count('class="external"') == 2
    assert '<a href="/wiki/Harbour" rel="noopener noreferrer">' in html
    assert '<a href="/wiki/Quay" rel="noopener noreferrer">' in html
    assert '<a href="#notes" rel="noopener noreferrer">' in html


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>\"'=/:;()[]!&# \n*_`|-abcjsvrptionerfxlm1")), max_size=200))
def test_no_text_ever_renders_to_script_or_event_handlers(text):
    html = render(text)

    assert "<script" not in html.lower()
    assert "<iframe" not in html.lower()
    assert not re.search(r"<[a-z][^>]*\son[a-z]+\s*=", html.lower())
    assert not re.search(r"(href|src)\s*=\s*\"\s*javascript:", html.lower())


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["<script>", "<img src=x onerror=alert(1)>", "javascript:alert(1)", "<svg onload=x>"]),
    st.text(max_size=40),
)
def test_known_attacks_stay_inert_wherever_they_are_placed(attack, filler):
    html = render(filler + attack + filler).lower()

    assert "<script" not in html and "<svg" not in html
    assert not re.search(r"<[a-z][^>]*\son[a-z]+\s*=", html)
