"""A real Chromium for the browser stories: one per session, a fresh context and page for every test.

Playwright drives Debian's /usr/bin/chromium and never downloads a browser (no `playwright install`). When
Chromium is missing the stories are skipped on a developer's machine but fail in CI (CI=true), so that CI can
never pass by silently running none of them.

Playwright's sync API keeps an asyncio event loop in the test thread, and Django refuses database access from
a thread with a running loop; the stories create their data through actions in that thread, hence
DJANGO_ALLOW_ASYNC_UNSAFE. The live server listens on 127.0.0.1 (not "localhost", which Chromium may try as
::1 first), so the browser talks to 127.0.0.1 only and the server sees 127.0.0.1 as a logged-out editor's
address.
"""

import importlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.apps import apps as django_apps
from django.db import connections
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from candor.accounts.models import User
from candor.governance.models import PolicyVersion
from candor.privacy.capture import RequestMeta
from candor.publiclog.titles import parse
from candor.wiki.actions import do_save_revision
from candor.wiki.models import Revision
from tests.steps import EDITOR_ADDRESS, latest_id

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Long enough for a page served from this machine, short enough that a missing element fails fast.
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}. CI must run the browser tests, never skip them.")
        pytest.skip(message)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
        # Connections opened while Playwright's loop ran are invisible once it stops (see `privacy_policy`);
        # left open, PostgreSQL would refuse to drop the test database at the end of the run.
        connections.close_all()


@pytest.fixture
def new_page(browser: Browser, live_server) -> Iterator[Callable[[], Page]]:
    """Opens a page in a browser context of its own: another person, with no cookies, on the live server.

    A request to any other host is aborted in the browser, so no test can send traffic off this machine,
    even one that finds a page making its readers call a third party (the request is still reported to
    `page.on("request")` listeners, which is how such a test notices).
    """
    server = urlsplit(live_server.url).netloc
    contexts: list[BrowserContext] = []

    def open_page() -> Page:
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(TIMEOUT_MS)
        context.route(
            lambda url: urlsplit(url).netloc != server, lambda route: route.abort("blockedbyclient")
        )
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[[], Page]) -> Page:
    return new_page()


@pytest.fixture
def context(page: Page) -> BrowserContext:
    return page.context


@pytest.fixture
def privacy_policy() -> PolicyVersion:
    """The policy in force, installed by the same code as its migration (C03).

    A transactional test empties every table when it ends, the row the migration installed included, and
    `serialized_rollback` cannot be relied on to put it back: once Playwright's event loop runs in the test
    thread, Django keeps that thread's connections per context, so a database set up by earlier tests holds
    its serialized copy on a connection these tests no longer see.
    """
    migration = importlib.import_module("candor.governance.migrations.0002_policy_version_1")
    migration.install(django_apps, None)
    return PolicyVersion.objects.get(number=1)


@pytest.fixture
def write_page() -> Callable[..., Revision]:
    """Saves a page as a logged-in author would from the edit form (from the editor's private address)."""

    def write(title: str, text: str, *, by: User, summary: str = "") -> Revision:
        return do_save_revision(
            title=parse(title),
            text=text,
            summary=summary,
            base_revision_id=latest_id(title),
            user=by,
            meta=RequestMeta.from_address(EDITOR_ADDRESS),
        )

    return write
