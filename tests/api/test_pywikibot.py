"""pywikibot 11, unmodified, as its users drive it: a generated user-config.py and family file pointing at
the live server on 127.0.0.1 (PYWIKIBOT_DIR in a temporary folder, no network), then read, log in, edit,
meet an edit conflict, walk recent changes across a continuation, list an IP's contributions, log out
(issue 13; C06, C33, C34).

pywikibot reads its configuration once per process, when it is first imported: the test imports it after
writing the files, and the live server's port is the session's, so every test of the module sees one wiki.
"""

import importlib
import sys
import time
from pathlib import Path

import pytest

from candor.accounts.models import User
from candor.privacy.capture import RequestMeta
from candor.publiclog.titles import parse
from candor.wiki.actions import do_save_revision
from candor.wiki.models import Revision
from tests.steps import EDITOR_ADDRESS, PASSWORD, READER_ADDRESS, latest_id

FAMILY = """\
from pywikibot import family


class Family(family.Family):
    name = "candor"
    langs = {{"en": "{host}"}}

    def scriptpath(self, code):
        return "/w"

    def protocol(self, code):
        return "http"
"""

USER_CONFIG = """\
family = "candor"
mylang = "en"
family_files["candor"] = {family!r}
usernames["candor"]["en"] = "Alice"
password_file = {passwords!r}
put_throttle = 0
minthrottle = 0
maxthrottle = 0
max_retries = 0
retry_wait = 0
noisysleep = 3600
console_encoding = "utf-8"
"""


def _write(title: str, text: str, user: User | None, address: str = EDITOR_ADDRESS) -> Revision:
    return do_save_revision(
        title=parse(title),
        text=text,
        summary="",
        base_revision_id=latest_id(title),
        user=user,
        meta=RequestMeta(ip=address, user_agent="TestUA/1.0 (canary-editor-agent)"),
    )


@pytest.fixture
def pywikibot(live_wiki, tmp_path_factory, monkeypatch):
    """pywikibot, configured for the live wiki by the files its users write."""
    home = tmp_path_factory.mktemp("pywikibot")
    family = home / "candor_family.py"
    family.write_text(FAMILY.format(host=live_wiki))
    passwords = home / "passwords.txt"
    passwords.write_text(f'("Alice", "{PASSWORD}")\n')
    passwords.chmod(0o600)
    (home / "user-config.py").write_text(USER_CONFIG.format(family=str(family), passwords=str(passwords)))
    home.chmod(0o700)
    monkeypatch.setenv("PYWIKIBOT_DIR", str(home))
    monkeypatch.setenv("PYWIKIBOT_NO_L10N_TW", "1")
    if "pywikibot" in sys.modules and Path(sys.modules["pywikibot"].config.base_dir) != home:
        pytest.skip("pywikibot was configured for another wiki earlier in this process")
    module = importlib.import_module("pywikibot")
    yield module
    module.stopme()


@pytest.mark.django_db(transaction=True)
def test_pywikibot_reads_logs_in_edits_meets_a_conflict_and_logs_out(pywikibot, make_account):
    """The whole story of one pywikibot user (issue 13's proof)."""
    from pywikibot.exceptions import EditConflictError

    alice, bob = make_account("Alice"), make_account("Bob")
    _write("Harbour", "The harbour is deep.", bob)
    _write("Harbour", "The harbour is deep and cold.", None, address=READER_ADDRESS)

    site = pywikibot.Site("en", "candor")
    assert pywikibot.Page(site, "Harbour").text == "The harbour is deep and cold."

    # An IP's contributions: the logged-out edit, attributed to its address (C33).
    contributions = list(site.usercontribs(user=READER_ADDRESS))
    assert [(c["title"], c["user"]) for c in contributions] == [("Harbour", READER_ADDRESS)]

    site.login()
    assert site.logged_in() and site.username() == "Alice"
    page = pywikibot.Page(site, "Lighthouse")
    page.text = "A light on the rocks."
    page.save(summary="new page")
    latest = Revision.objects.get(pk=latest_id("Lighthouse"))
    assert latest.user == alice and latest.ip is None  # C34

    stale = pywikibot.Page(site, "Lighthouse")
    stale.text  # noqa: B018 - loading the text is what the story does
    time.sleep(1.1)  # MediaWiki's timestamps are to the second; Bob's save must be in a later one
    _write("Lighthouse", "Bob's lighthouse.", bob)
    stale.text = "Alice's lighthouse, overwriting Bob's."
    with pytest.raises(EditConflictError):
        stale.save(summary="stale")
    assert Revision.objects.get(pk=latest_id("Lighthouse")).text == "Bob's lighthouse."

    for number in range(5):
        _write(f"Cove {number}", f"Cove number {number}.", bob)
    changes = site.recentchanges()
    changes.set_query_increment(2)
    expected = list(Revision.objects.order_by("-id").values_list("id", flat=True))
    assert [change["revid"] for change in changes] == expected

    site.logout()
    assert not site.logged_in()
