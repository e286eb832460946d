"""mwclient 0.11, unmodified, as its users drive it: read, log in, edit, meet an edit conflict, walk recent
changes across a continuation, list an IP's contributions, log out (issue 13; C06, C33, C34).

The edits the client makes logged out are attributed to its address, 127.0.0.1 (C33); Alice's are
attributed to her name, and her address and user agent appear in no answer (C34).
"""

import time

import mwclient
import mwclient.errors
import pytest

from candor.accounts.models import User
from candor.privacy.capture import RequestMeta
from candor.publiclog.titles import parse
from candor.wiki.actions import do_save_revision
from candor.wiki.models import Revision
from tests.steps import EDITOR_ADDRESS, PASSWORD, latest_id

AGENT = "CandorSuite/1.0 (mwclient story)"
LOOPBACK = "127.0.0.1"


def _write(title: str, text: str, user: User | None, address: str = EDITOR_ADDRESS) -> Revision:
    return do_save_revision(
        title=parse(title),
        text=text,
        summary="",
        base_revision_id=latest_id(title),
        user=user,
        meta=RequestMeta(ip=address, user_agent="TestUA/1.0 (canary-editor-agent)"),
    )


def _site(host: str) -> mwclient.Site:
    # force_login=False: mwclient's own switch for editing logged out, which Candor allows (C21, C33).
    return mwclient.Site(host, path="/w/", scheme="http", clients_useragent=AGENT, force_login=False)


@pytest.fixture
def bob(make_account) -> User:
    return make_account("Bob")


@pytest.mark.django_db(transaction=True)
def test_mwclient_reads_logs_in_edits_meets_a_conflict_and_logs_out(live_wiki, make_account, bob):
    """The whole story of one mwclient user (issue 13's proof)."""
    alice = make_account("Alice")
    _write("Harbour", "The harbour is deep.", bob)

    site = _site(live_wiki)
    assert site.version[:2] == (1, 39)
    assert site.pages["Harbour"].text() == "The harbour is deep."
    assert not site.logged_in

    # Logged out, an edit is attributed to the address it came from (C33).
    site.pages["Harbour"].edit("The harbour is deep and cold.", summary="logged out")
    contributions = list(site.usercontributions(LOOPBACK))
    assert [c["title"] for c in contributions] == ["Harbour"]
    assert contributions[0]["user"] == LOOPBACK

    site.login("Alice", PASSWORD)
    assert site.logged_in and site.username == "Alice"
    page = site.pages["Lighthouse"]
    page.edit("A light on the rocks.", summary="new page")
    latest = Revision.objects.get(pk=latest_id("Lighthouse"))
    assert latest.user == alice and latest.ip is None  # C34: her address is in no public column

    # An edit conflict: Bob saves after Alice loaded the page, so her save must be refused.
    stale = site.pages["Lighthouse"]
    stale.text()
    time.sleep(1.1)  # MediaWiki's timestamps are to the second; Bob's save must be in a later one
    _write("Lighthouse", "Bob's lighthouse.", bob)
    with pytest.raises(mwclient.errors.EditError):
        stale.edit("Alice's lighthouse, overwriting Bob's.", summary="stale")
    assert Revision.objects.get(pk=latest_id("Lighthouse")).text == "Bob's lighthouse."

    # Recent changes, two rows a request, across continuations: every revision, newest first, once.
    for number in range(5):
        _write(f"Cove {number}", f"Cove number {number}.", bob)
    changes = list(site.recentchanges(api_chunk_size=2, prop="ids|title|user|timestamp"))
    expected = list(Revision.objects.order_by("-id").values_list("id", flat=True))
    assert [change["revid"] for change in changes] == expected
    assert len(expected) > 4

    site.post("logout", token=site.get_token("csrf"))
    assert site.api("query", meta="userinfo")["query"]["userinfo"]["name"] == LOOPBACK


@pytest.mark.django_db(transaction=True)
def test_a_wrong_password_fails_the_login_and_counts_towards_the_throttle(live_wiki, make_account, settings):
    """The API's login is the form's: a wrong password fails, and enough of them throttle the name."""
    make_account("Alice")
    settings.CANDOR_LOGIN_FAILURES_PER_USERNAME = 2
    site = _site(live_wiki)
    for _ in range(2):
        with pytest.raises(mwclient.errors.LoginError):
            site.login("Alice", "not the password")
    with pytest.raises(mwclient.errors.LoginError) as refused:
        site.login("Alice", PASSWORD)  # the right password, but the name is throttled now
    assert "too many" in str(refused.value).lower()
