"""A small sample wiki for a first look: pages with history, a talk page, a logged-out edit.

Every name and address here is invented; the addresses come from the documentation ranges (RFC 5737).
"""

from datetime import timedelta

from candor.accounts.actions import do_create_account
from candor.accounts.models import User
from candor.privacy import clock
from candor.privacy.capture import RequestMeta
from candor.publiclog.titles import parse
from candor.wiki.actions import do_save_revision
from candor.wiki.models import Page

# Where the sample accounts "connect" from: a documentation address, recorded only in the private events.
SAMPLE_ADDRESS = "192.0.2.1"
# The sample accounts' password, printed by `candor load_sample` so a newcomer can log in as one.
SAMPLE_PASSWORD = "sample-wiki-password"  # noqa: S105 - documented sample data, not a secret

_EDITS = [
    # (title, author: a username or an address, summary, text)
    (
        "Main Page",
        "Ada",
        "Welcome page",
        "# Welcome to Candor\n\nCandor is a wiki anyone can read and edit, with or "
        "without an account.\n\n- [[Getting started]]\n- [[Privacy in practice]]\n",
    ),
    (
        "Getting started",
        "Ada",
        "First steps",
        "# Getting started\n\nClick **Edit** on any page. You do not need an account.\n",
    ),
    (
        "Getting started",
        "203.0.113.7",
        "Clarify",
        "# Getting started\n\nClick **Edit** on any page. You do not need an "
        "account, but an edit made without one is signed with your IP address.\n",
    ),
    (
        "Privacy in practice",
        "Grace",
        "New page",
        "# Privacy in practice\n\nReading leaves no trace that names you. "
        "Only what you choose to contribute is public.\n",
    ),
    (
        "Privacy in practice",
        "Ada",
        "Add a table",
        "# Privacy in practice\n\nReading leaves no trace that names you. "
        "Only what you choose to contribute is public.\n\n| What | Public? |\n|---|---|\n"
        "| Your edits | yes |\n| Your IP address when logged in | no |\n",
    ),
    (
        "Talk:Privacy in practice",
        "Grace",
        "Question",
        "## Tables\n\nShould the table list email addresses too? -- Grace\n",
    ),
    (
        "Main Page",
        "Grace",
        "Link the talk page",
        "# Welcome to Candor\n\nCandor is a wiki anyone can read and edit, "
        "with or without an account.\n\n- [[Getting started]]\n- [[Privacy in practice]] "
        "([[Talk:Privacy in practice|discussion]])\n",
    ),
]


def load_sample() -> int:
    """Create the sample pages, unless the wiki already has pages. Returns how many revisions were made."""
    if Page.objects.exists():
        return 0
    users = {
        name: User.objects.filter(username=name).first()
        or do_create_account(
            username=name, password=SAMPLE_PASSWORD, meta=RequestMeta.from_address(SAMPLE_ADDRESS)
        )
        for name in {author for _, author, _, _ in _EDITS if not author[0].isdigit()}
    }
    start = clock.now() - timedelta(days=len(_EDITS))
    for number, (raw_title, author, summary, text) in enumerate(_EDITS):
        title = parse(raw_title)
        page = Page.objects.live().filter(namespace=title.namespace, title=title.key).first()
        with clock.frozen_at(start + timedelta(days=number)):
            do_save_revision(
                title=title,
                text=text,
                summary=summary,
                base_revision_id=page.latest_id if page else None,
                user=users.get(author),
                meta=RequestMeta.from_address(SAMPLE_ADDRESS if author in users else author),
            )
    return len(_EDITS)
