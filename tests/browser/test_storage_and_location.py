"""In a real browser, a person reads, edits without an account, logs in and edits again: no page leaves
anything in the browser's storage (C58: nothing read is kept on the device or sent from it), and with the
location permission denied no page ever asks where they are (C40-C42, C46; the source greps of
tests/privacy/test_location.py stay beside this)."""

import pytest
from playwright.sync_api import expect

from tests.steps import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs before any script of every page: records each use of the location APIs, and of the permission query
# for it, through a binding to the test (which itself writes nothing to the page's storage).
RECORD_LOCATION_REQUESTS = """
(() => {
  const report = (what) => window.candorLocationAsked(what);
  if (navigator.geolocation) {
    for (const name of ["getCurrentPosition", "watchPosition"]) {
      const original = navigator.geolocation[name].bind(navigator.geolocation);
      navigator.geolocation[name] = (...args) => { report(name); return original(...args); };
    }
  }
  if (navigator.permissions) {
    const query = navigator.permissions.query.bind(navigator.permissions);
    navigator.permissions.query = (descriptor) => {
      if (descriptor && descriptor.name === "geolocation") report("permissions.query");
      return query(descriptor);
    };
  }
})();
"""

STORAGE = """
async () => ({
  local: Object.keys(localStorage),
  session: Object.keys(sessionStorage),
  indexedDB: (await indexedDB.databases()).map((database) => database.name),
  caches: await caches.keys(),
  serviceWorkers: (await navigator.serviceWorker.getRegistrations()).length,
})
"""
ASK_FOR_LOCATION = """
() => new Promise((resolve) => navigator.geolocation.getCurrentPosition(
  () => resolve("granted"), (error) => resolve(error.code), {timeout: 5000}))
"""
EMPTY = {"local": [], "session": [], "indexedDB": [], "caches": [], "serviceWorkers": 0}


def test_reading_editing_and_logging_in_store_nothing_in_the_browser_and_never_ask_for_location(
    page, live_server, editor_account, write_page, privacy_policy
):
    """C58: after the story, localStorage and sessionStorage are empty, IndexedDB has no database, and no
    cache or service worker holds what was read. C40-C42, C46: with geolocation denied, no page asked."""
    write_page("Harbour", "The harbour was dredged in 1901. See [[Lighthouse]].", by=editor_account)
    write_page("Lighthouse", "The lighthouse was built in 1874.", by=editor_account)
    context = page.context
    context.clear_permissions()  # geolocation, like every permission, is not granted: a prompt is denied
    asked: list[tuple[str, str]] = []
    context.expose_binding(
        "candorLocationAsked", lambda source, what: asked.append((source["page"].url, what))
    )
    context.add_init_script(RECORD_LOCATION_REQUESTS)
    visited = []

    def visit(path: str) -> None:
        assert page.goto(path).status in (200, 404), path
        visited.append(path)
        assert page.evaluate(STORAGE) == EMPTY, f"{path} left something in the browser's storage"

    # Reading, without an account.
    for path in ("/wiki/Harbour", "/wiki/Lighthouse", "/wiki/Harbour?action=history",
                 "/wiki/Special:RecentChanges", "/wiki/Special:Search?q=harbour", "/wiki/Special:Log",
                 "/privacy", "/privacy/cookies", "/privacy/data"):  # fmt: skip
        visit(path)

    # Editing, without an account.
    visit("/wiki/Harbour?action=edit")
    page.get_by_label("Page text").fill("The harbour was dredged in 1901 and again in 1958.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("article")).to_contain_text("again in 1958")

    # Logging in, then editing and looking at one's own pages.
    visit("/accounts/login?next=/wiki/Lighthouse")
    page.get_by_label("Username").fill(editor_account.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("header.site").get_by_role("button", name="Log out")).to_be_visible()
    visit("/wiki/Lighthouse?action=edit")
    page.get_by_label("Page text").fill("The lighthouse was built in 1874 and automated in 1961.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("article")).to_contain_text("automated in 1961")
    for path in ("/accounts/preferences", "/notify/", "/notify/watchlist", "/yourdata/", "/wiki/Lighthouse"):
        visit(path)

    assert page.evaluate(STORAGE) == EMPTY
    assert asked == [], f"pages asked for the reader's location: {asked}"
    assert len(visited) == 17

    # The recorder was in place, and the permission is denied: a page that asked would be caught, and told no.
    answer = page.evaluate(ASK_FOR_LOCATION)
    assert answer == 1  # GeolocationPositionError.PERMISSION_DENIED
    expect(page.locator("body")).to_be_visible()
    assert asked == [(f"{live_server.url}/wiki/Lighthouse", "getCurrentPosition")]
