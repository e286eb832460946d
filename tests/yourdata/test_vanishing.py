"""C28: a person asks to vanish; a steward approves; the account is renamed to a neutral name, every
contribution is re-attributed, the user pages move, and the old name appears in no public page, history,
log or search (the canary crawl, with the old name as the canary). The old name can never be taken again."""

import re
import uuid

import pytest
from django.test import Client
from django.urls import get_resolver

from candor.accounts.actions import AccountRefused, do_create_account, do_grant_role
from candor.accounts.models import User
from candor.privacy.audit import AccessEventType, AccessLogEntry
from candor.privacy.capture import RequestMeta
from candor.publiclog.models import LogType, PublicLogEntry
from candor.wiki.models import Revision
from candor.yourdata.models import DataRequest, Kind, ReservedName
from tests.privacy.test_canary_crawl import CRAWLER_ADDRESS, Canary, Crawl, Planted, _spellings, start_urls
from tests.steps import PASSWORD, save
from tests.yourdata.conftest import leave_traces, logged_in

NEUTRAL = re.compile(r"Renamed user [0-9a-f]{6}")


@pytest.fixture
def vanisher(make_account, outsider):
    """Someone whose real name is their account name, with edits, user pages, a rights log entry."""
    name = f"Realname {uuid.uuid4().hex[:12]}"
    traces = leave_traces(make_account(name), "198.51.100.63")
    save(outsider, f"User_talk:{name}", "Welcome to the wiki!")
    save(outsider, f"User:{name}/Drafts", "A draft about canals.")
    do_grant_role(target=traces.user, role="administrator", reason="Trusted with the mop")
    return traces


@pytest.fixture
def renamed(vanisher, steward):
    old = vanisher.user.username
    assert logged_in(vanisher.user).post("/yourdata/rename", {"password": PASSWORD}).status_code == 302
    request = DataRequest.objects.get(kind=Kind.RENAME)
    assert old in steward.get("/yourdata/queue").content.decode()  # stewards see whom they rename
    assert steward.post("/yourdata/queue", {"request": request.pk, "decision": "approve"}).status_code == 302
    vanisher.user.refresh_from_db()
    return old


def test_the_account_gets_a_neutral_name_and_keeps_its_contributions(vanisher, renamed):
    new = vanisher.user.username
    assert NEUTRAL.fullmatch(new)
    assert Revision.objects.filter(user=vanisher.user).count() >= 2
    key = new.replace(" ", "_")
    reader = Client()
    assert "I write about canals" in reader.get(f"/wiki/User:{key}").content.decode()
    assert "Welcome to the wiki!" in reader.get(f"/wiki/User_talk:{key}").content.decode()
    assert "A draft about canals." in reader.get(f"/wiki/User:{key}/Drafts").content.decode()
    created = PublicLogEntry.objects.get(log_type=LogType.NEWUSERS, performer=vanisher.user)
    assert created.target_title == key


def test_the_renaming_is_on_the_privileged_access_log_under_the_new_name_only(vanisher, renamed):
    (entry,) = AccessLogEntry.objects.filter(event_type=AccessEventType.ACCOUNT_RENAMED)
    assert entry.actor.username == "Stella" and entry.target == f"user:{vanisher.user.pk}"
    assert vanisher.user.username in entry.reason and renamed not in entry.reason


def test_the_rename_log_shows_the_new_name_only(vanisher, renamed):
    """C28: "the rename is logged", publicly, without the name the person left."""
    html = Client().get("/wiki/Special:Log/renameuser").content.decode()

    assert vanisher.user.username in html and "Stella" in html
    assert renamed not in html


def test_the_old_name_is_reserved_without_being_stored(vanisher, renamed):
    meta = RequestMeta.from_address("192.0.2.71")
    for attempt in (renamed, renamed.upper(), renamed.replace("l", "I")):
        with pytest.raises(AccountRefused):
            do_create_account(username=attempt, password=PASSWORD, meta=meta)
    (reserved,) = ReservedName.objects.all()
    assert renamed.split()[1] not in reserved.digest and renamed not in reserved.digest


def test_only_a_steward_approves(vanisher, outsider):
    logged_in(vanisher.user).post("/yourdata/rename", {"password": PASSWORD})
    request = DataRequest.objects.get(kind=Kind.RENAME)
    assert outsider.post("/yourdata/queue", {"request": request.pk, "decision": "approve"}).status_code == 404
    assert User.objects.filter(username=vanisher.user.username).exists()


@pytest.mark.parametrize("persona", ["anonymous", "bob"])
def test_the_old_name_is_nowhere_public(vanisher, renamed, persona, request):
    """The canary crawl of every route and link, with the old name (and its title form) as the canary."""
    client = (
        Client(REMOTE_ADDR=CRAWLER_ADDRESS) if persona == "anonymous" else request.getfixturevalue("outsider")
    )
    old = Canary("the old name", renamed, _spellings(renamed, renamed.replace(" ", "_")))
    crawl = Crawl(client, [old])
    crawl.run(start_urls(get_resolver().url_patterns, Planted()))

    assert len(crawl.fetched) > 50, "the crawl fetched too little to mean anything"
    assert crawl.page(f"/wiki/Special:Contributions/{vanisher.user.username}") is not None
    assert not crawl.problems, "\n".join(crawl.problems[:40])
