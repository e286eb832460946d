"""The registry of every cookie and local-storage key Candor sets (C53–C57).

The cookie statement at /privacy/cookies is generated from it, and FirstPartyOnlyMiddleware drops any
cookie that is not declared here, so the statement is complete by construction.
"""

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: str
    lifetime: timedelta | None  # None: deleted when the browser closes
    set_when: str
    first_party: bool = True


REGISTRY: tuple[Cookie, ...] = (
    Cookie(
        name="sessionid",
        purpose="Keeps you logged in to your account.",
        lifetime=timedelta(weeks=2),
        set_when="Only after you log in or sign up; never for reading or for logged-out editing.",
    ),
    Cookie(
        name="csrftoken",
        purpose="Protects forms (edit, login, signup) against cross-site request forgery.",
        lifetime=timedelta(days=365),
        set_when="When a page with a form is shown, such as the edit form or the login form.",
    ),
    Cookie(
        name="messages",
        purpose="Carries a one-time confirmation (such as \u201cyou are logged out\u201d) to the next page.",
        lifetime=None,
        set_when="Only after an action that shows a confirmation; removed once it is shown.",
    ),
    Cookie(
        name="candor_views",
        purpose="Lets a page view be counted in the page-view totals at most once a page and ten pages a "
        "day: it holds today's date and a short code for each page counted today, the same for everyone "
        "who read the same pages, so it tells nobody who you are. Refuse it and your views are not counted.",
        lifetime=timedelta(days=7),
        set_when="Only if this wiki counts page views (a setting, off unless the operator turns it on), "
        "when you read a page.",
    ),
)

# Candor's pages run no script, so nothing is kept in the browser's local storage.
LOCAL_STORAGE_KEYS: tuple[str, ...] = ()

DECLARED_NAMES = frozenset(cookie.name for cookie in REGISTRY)
