"""Vanishing (C28): an account renamed to a neutral name, everywhere the public can look.

The name is only stored on the account row: revisions, log entries and blocks point at the account, so
renaming the row re-attributes every contribution at once. What carries the name as text is moved too: the
user page and user talk page (and their subpages) and their search entries, and the public log entries
whose target is one of those pages (the account creation log, the rights log). Revision texts and edit
summaries are what people wrote, and are left as written.

The old name is reserved, as a keyed digest (HMAC under the site's SECRET_KEY) of its look-alike skeleton:
signup and renaming refuse it and its look-alikes, yet the table does not hold the name, so it is not one
more place where the name survives. Rotating SECRET_KEY forgets the reservations (docs/your-data.md).
"""

import secrets

from django.db.models import Q, Value
from django.db.models.functions import Concat, Substr
from django.utils.crypto import salted_hmac

from candor.accounts import usernames
from candor.accounts.models import User
from candor.privacy import clock
from candor.publiclog.models import PublicLogEntry
from candor.publiclog.titles import Namespace, Title
from candor.wiki.models import Page, SearchEntry
from candor.yourdata.models import ReservedName

NEUTRAL_PREFIX = "Renamed user "
USER_NAMESPACES = (Namespace.USER, Namespace.USER_TALK)


def reserved_digest(name: str) -> str:
    return salted_hmac(
        "candor.yourdata.reserved-name", usernames.skeleton(name), algorithm="sha256"
    ).hexdigest()


def is_reserved(name: str) -> bool:
    return ReservedName.objects.filter(digest=reserved_digest(name)).exists()


def neutral_name() -> str:
    """A name that says nothing about the person and is free: "Renamed user 7f3a9c"."""
    while True:
        name = NEUTRAL_PREFIX + secrets.token_hex(3)
        skeleton = usernames.skeleton(name)
        if not User.objects.filter(username_skeleton=skeleton).exists() and not is_reserved(name):
            return name


def under(old_key: str, field: str) -> Q:
    """The pages (or log targets) named `old_key` or one of its subpages, in the user namespaces."""
    return Q(**{field: old_key}) | Q(**{f"{field}__startswith": old_key + "/"})


def rename(user: User, new_name: str) -> None:
    """Rename `user` to `new_name` and move every public trace of the old name. Call inside a transaction."""
    old_key, new_key = Title(Namespace.USER, user.username).key, Title(Namespace.USER, new_name).key
    ReservedName.objects.get_or_create(
        digest=reserved_digest(user.username), defaults={"reserved_at": clock.now()}
    )
    User.objects.filter(pk=user.pk).update(username=new_name, username_skeleton=usernames.skeleton(new_name))
    renamed = Concat(Value(new_key), Substr("title", len(old_key) + 1))
    pages = Page.objects.filter(under(old_key, "title"), namespace__in=USER_NAMESPACES)
    page_ids = list(pages.values_list("pk", flat=True))
    pages.update(title=renamed)
    for page in Page.objects.filter(pk__in=page_ids):
        SearchEntry.objects.filter(page=page).update(title=page.title_object.display)
    PublicLogEntry.objects.filter(
        under(old_key, "target_title"), target_namespace__in=USER_NAMESPACES
    ).update(target_title=Concat(Value(new_key), Substr("target_title", len(old_key) + 1)))
    user.username, user.username_skeleton = new_name, usernames.skeleton(new_name)
