"""The registry of every cookie and local-storage key Candor sets (C53–C57).

The cookie statement at /privacy/cookies is generated from it, and FirstPartyOnlyMiddleware drops any
cookie that is not declared here, so the statement is complete by construction.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.utils.translation import gettext_noop  # marked here, translated where shown


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: str
    lifetime: timedelta | None  # None: deleted when the browser closes
    set_when: str
    first_party: bool = True


# Set only when the wiki reads from a database replica (candor/dbrouting.py, docs/operations.md).
RECENT_WRITE = Cookie(
    name="candor_wrote",
    purpose=gettext_noop(
        "Right after you change something (save an edit, your preferences, log in), makes the next pages "
        "come from the main database, so that you see your change at once rather than a copy a moment "
        "behind. It holds only the time of the change."
    ),
    lifetime=timedelta(seconds=10),
    set_when=gettext_noop(
        "Only if this wiki reads from a copy of its database (a setting), when you send a form that "
        "changes something; never for reading."
    ),
)

REGISTRY: tuple[Cookie, ...] = (
    Cookie(
        name="sessionid",
        purpose=gettext_noop("Keeps you logged in to your account."),
        lifetime=timedelta(weeks=2),
        set_when=gettext_noop(
            "Only after you log in or sign up; never for reading or for logged-out editing."
        ),
    ),
    Cookie(
        name="csrftoken",
        purpose=gettext_noop("Protects forms (edit, login, signup) against cross-site request forgery."),
        lifetime=timedelta(days=365),
        set_when=gettext_noop("When a page with a form is shown, such as the edit form or the login form."),
    ),
    Cookie(
        name="messages",
        purpose=gettext_noop(
            "Carries a one-time confirmation (such as “you are logged out”) to the next page."
        ),
        lifetime=None,
        set_when=gettext_noop("Only after an action that shows a confirmation; removed once it is shown."),
    ),
    Cookie(
        name="candor_language",
        purpose=gettext_noop(
            "Remembers the language you picked at the foot of a page, so that Candor is shown in it "
            "while you are not logged in. It holds only the language's code, such as “fr”."
        ),
        lifetime=timedelta(days=365),
        set_when=gettext_noop(
            "Only when you pick a language at the foot of a page; never for reading. A logged-in "
            "account's own preference comes first."
        ),
    ),
    Cookie(
        name="candor_views",
        purpose=gettext_noop(
            "Lets a page view be counted in the page-view totals at most once a page and ten pages a "
            "day: it holds today's date and a short code for each page counted today, the same for everyone "
            "who read the same pages, so it tells nobody who you are. Refuse it and your views are not "
            "counted."
        ),
        lifetime=timedelta(days=7),
        set_when=gettext_noop(
            "Only if this wiki counts page views (a setting, off unless the operator turns it on), "
            "when you read a page."
        ),
    ),
    Cookie(
        name="candor_temporary_account",
        purpose=gettext_noop(
            "Keeps the name of your temporary account (such as “~2026-00001”) on your edits made without "
            "logging in, so that they are not signed with your IP address. It holds a random code only."
        ),
        lifetime=timedelta(days=90),
        set_when=gettext_noop(
            "Only if this wiki uses temporary accounts (a setting), when you save an edit without logging in."
        ),
    ),
    RECENT_WRITE,
)

# Candor's pages run no script, so nothing is kept in the browser's local storage.
LOCAL_STORAGE_KEYS: tuple[str, ...] = ()

DECLARED_NAMES = frozenset(cookie.name for cookie in REGISTRY)
