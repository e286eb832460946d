"""Steps the test stories share: saving through the edit form, and looking at what was saved."""

from django.contrib.auth.hashers import Argon2PasswordHasher
from django.test import Client

from candor.privacy.capture import RequestMeta, unseal
from candor.privacy.models import PrivateEvent
from candor.publiclog.titles import parse
from candor.wiki.models import Page, Revision

PASSWORD = "correct horse battery staple"
READER_ADDRESS = "203.0.113.9"
EDITOR_ADDRESS = "198.51.100.77"
EDITOR_AGENT = "TestUA/1.0 (canary-editor-agent)"
SIGNUP_ADDRESS = "198.51.100.23"


class EgressRefused(AssertionError):
    """The code under test tried to reach a host that is not this machine (C17: no third party)."""


def latest_id(raw_title: str) -> int | None:
    title = parse(raw_title)
    page = Page.objects.live().filter(namespace=title.namespace, title=title.key).first()
    return page.latest_id if page else None


def save(client: Client, raw_title: str, text: str, summary: str = "", base: int | None = None, **extra):
    """Post the edit form as a person would, on top of the current revision unless `base` says otherwise."""
    if base is None:
        base = latest_id(raw_title)
    data = {"text": text, "summary": summary, "base": "" if base is None else str(base)}
    return client.post(parse(raw_title).url + "?action=edit", data, **extra)


def revisions_of(raw_title: str) -> list[Revision]:
    title = parse(raw_title)
    return list(
        Revision.objects.filter(page__namespace=title.namespace, page__title=title.key)
        .select_related("user")
        .order_by("id")
    )


def shared_views(client: Client, raw_title: str, first: str, second: str) -> dict[str, str]:
    """Save `raw_title` twice; the URLs a front cache may keep for it (issue 19 §2): the page, its history,
    the first revision, the diff between the two, the raw text."""
    save(client, raw_title, first)
    save(client, raw_title, second)
    older, newer = revisions_of(raw_title)
    url = parse(raw_title).url
    return {
        "page": url,
        "history": f"{url}?action=history",
        "old revision": f"{url}?oldid={older.id}",
        "diff": f"{url}?diff={newer.id}&oldid={older.id}",
        "raw": f"{url}?action=raw",
    }


class CheapArgon2PasswordHasher(Argon2PasswordHasher):
    """The same algorithm and hash format as production, at a cost fit for a test suite."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1


def opened(event: PrivateEvent) -> RequestMeta:
    """The sealed metadata of an event, for a test that must check what was recorded."""
    meta = unseal(event)
    assert meta is not None, "the event's day key is destroyed"
    return meta
