"""What a writer types cannot run in a reader's browser or make it call another site."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOSTILE_TEXT = """\
Welcome to the sandbox.

<script>window.pwned=1</script>

[x](javascript:alert(1))

![img](https://tracker.example/p.png)
"""


def test_script_javascript_links_and_external_images_never_reach_the_reader(page, live_server):
    """C53 a page loads nothing from a third party: an external image would tell it who reads the page.
    C30 what is posted is published, but as inert text: no script runs, no javascript: link is followed."""
    server = urlsplit(live_server.url).netloc
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto("/wiki/Sandbox?action=edit")
    page.get_by_label("Page text").fill(HOSTILE_TEXT)
    page.get_by_role("button", name="Save changes").click()
    expect(page).to_have_url(f"{live_server.url}/wiki/Sandbox")
    page.wait_for_load_state("networkidle")

    article = page.locator("article")
    expect(article).to_contain_text("Welcome to the sandbox.")
    expect(article).to_contain_text("<script>window.pwned=1</script>")  # shown as text, inert
    assert page.evaluate("typeof window.pwned") == "undefined"
    expect(article.locator("script")).to_have_count(0)
    expect(page.locator('a[href^="javascript:"]')).to_have_count(0)
    sources = page.locator("img").evaluate_all(
        "images => images.filter(i => i.hasAttribute('src')).map(i => i.src)"
    )
    assert [source for source in sources if urlsplit(source).netloc != server] == []

    page.reload(wait_until="networkidle")
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert requested, "the request listener saw nothing"
    assert [url for url in requested if urlsplit(url).netloc != server] == []
