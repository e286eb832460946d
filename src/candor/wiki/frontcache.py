"""Purging the front caches when public pages change (issue 19 §2; C20, C34, C99), as MediaWiki's
$wgCdnServers does.

What a cache may keep is decided in wiki/caching.py: anonymous, cookieless page views, histories, old
revisions, diffs and raw text. An action that changes what one of those URLs shows (a save, a deletion, a
renaming) calls `queue_purge` with the URLs it changed, inside its transaction; on commit, a job per 1,000
URLs (wiki/tasks.py) sends an HTTP PURGE of each one to every cache in settings.CANDOR_CDN_SERVERS, which
drops it in every language. With no cache configured, nothing is queued.

A purge only names the URLs the wiki links to. Anything else (a later page of a long history, a diff
between two revisions picked by hand, a redirect showing its target) expires after
CANDOR_FRONT_CACHE_SECONDS, the safety net that also bounds a purge lost while a cache was down.
"""

from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db import transaction

from candor.accounts.models import User
from candor.publiclog.titles import Namespace, Title
from candor.wiki import tasks
from candor.wiki.models import Page, Revision

URLS_PER_JOB = 1_000


def page_urls(title: Title) -> list[str]:
    """The shared URLs that show the current state of `title`: the page, its history and its feeds, its
    raw text."""
    url = title.url
    history = url + "?action=history"
    return [url, history, history + "&feed=atom", history + "&feed=rss", url + "?action=raw"]


def _revision_urls(url: str, revision_id: int, parent_id: int | None, latest_id: int) -> Iterator[str]:
    """The links the wiki gives to one revision: itself, its diff with its parent, its diff with the
    current revision (wiki/templates/wiki/history.html)."""
    yield f"{url}?oldid={revision_id}"
    if parent_id is not None:
        yield f"{url}?diff={revision_id}&oldid={parent_id}"
    yield f"{url}?diff={latest_id}&oldid={revision_id}"


def all_urls(page: Page) -> Iterator[str]:
    """Every URL the wiki links to for `page`: its current views and each of its revisions, all of which a
    deletion, or a renaming that moves the page away, turns into 'not found'."""
    title = page.title_object
    yield from page_urls(title)
    for revision_id, parent_id in Revision.objects.filter(page=page).values_list("pk", "parent_id"):
        yield from _revision_urls(title.url, revision_id, parent_id, page.latest_id)


def author_urls(user: User) -> Iterator[str]:
    """Everything that shows `user`'s name beside a contribution, to purge before the name changes: the
    current views of every page they edited (histories list them; a page shows its last editor) and the
    links to each of their revisions."""
    rows = (
        Revision.objects.live()
        .filter(user=user)
        .values_list("pk", "parent_id", "page__namespace", "page__title", "page__latest_id")
        .order_by("pk")
    )
    pages: set[str] = set()
    for revision_id, parent_id, namespace, key, latest_id in rows.iterator():
        title = Title(Namespace(namespace), key.replace("_", " "))
        if title.url not in pages:
            pages.add(title.url)
            yield from page_urls(title)
        yield from _revision_urls(title.url, revision_id, parent_id, latest_id)


def queue_purge(urls: Iterable[str]) -> None:
    """Purge `urls` from every configured front cache once the current transaction commits. `urls` is read
    now (before a renaming changes what they are), and not at all when no cache is configured."""
    if not settings.CANDOR_CDN_SERVERS:
        return
    unique = list(dict.fromkeys(urls))
    for start in range(0, len(unique), URLS_PER_JOB):
        chunk = unique[start : start + URLS_PER_JOB]
        transaction.on_commit(lambda chunk=chunk: tasks.purge_front_caches(chunk))
