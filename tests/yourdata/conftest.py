"""Alice and Bob, each with a trace in every table the data map says is about a person, carrying canaries
unique to them (C109, C110): what one person's copy or erasure touches can be told from the other's."""

import datetime
import uuid
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from huey.contrib.djhuey import HUEY

from candor.accounts.actions import do_accept_access_policy, do_change_email, do_grant_role
from candor.accounts.models import User
from candor.governance.actions import do_record_policy_use
from candor.governance.models import PolicyVersion
from candor.notify.actions import (
    do_answer,
    do_notify_edit,
    do_publish_survey,
    do_set_frequency,
    do_set_switches,
    do_watch,
)
from candor.notify.models import Survey
from candor.privacy import clock, consent
from candor.privacy.capture import RequestMeta
from candor.privacy.consent import Purpose
from candor.privacy.disclosure import do_grant_sharing_permission
from candor.privacy.roles import Role
from candor.publiclog.titles import parse
from candor.wiki.actions import do_save_revision
from candor.wiki.models import Page


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    """Each test's copies go to a directory of its own."""
    settings.CANDOR_EXPORT_DIR = tmp_path / "exports"
    return settings.CANDOR_EXPORT_DIR


@pytest.fixture(autouse=True)
def jobs(monkeypatch):
    """The huey worker, run in the test: a queued job runs when it is queued (after the commit)."""
    monkeypatch.setattr(HUEY, "immediate", True)
    return HUEY


@dataclass
class Traces:
    """What one person left behind, and the canaries in it."""

    user: User
    email: str = field(default_factory=lambda: f"canary-{uuid.uuid4().hex}@example.org")
    agent: str = field(default_factory=lambda: f"CanaryUA/{uuid.uuid4().hex}")
    answer: str = field(default_factory=lambda: f"canary-answer-{uuid.uuid4().hex}")
    page: str = ""

    def canaries(self) -> list[str]:
        return [self.email, self.agent, self.answer]


def _survey() -> Survey:
    existing = Survey.objects.first()
    if existing:
        return existing
    return do_publish_survey(
        "Tools survey",
        "Used to plan the tools; seen by the stewards; kept one year.",
        clock.now().date() + datetime.timedelta(days=30),
        "private: What would you change?",
    )


def leave_traces(user: User, address: str) -> Traces:
    traces = Traces(user)
    meta = RequestMeta(ip=address, user_agent=traces.agent)
    do_change_email(user, traces.email, meta)
    traces.page = f"Canal {uuid.uuid4().hex[:8]}"
    revision = do_save_revision(
        title=parse(traces.page), text="A canal.", summary="", base_revision_id=None, user=user, meta=meta
    )
    do_save_revision(
        title=parse(f"User:{user.username}"), text="About me: I write about canals.", summary="",
        base_revision_id=None, user=user, meta=meta,
    )  # fmt: skip
    page = Page.objects.get(pk=revision.page_id)
    do_watch(user, page)
    do_set_frequency(user, "weekly")
    do_set_switches(user, {("watched_page_edited", "email")})
    consent.do_grant_consent(user, Purpose.NEWS, meta)
    do_grant_sharing_permission(
        user,
        purpose="conference badge",
        recipient="Example Wikiconference",
        fields="accounts.User.email",
        meta=meta,
    )
    do_accept_access_policy(user)
    do_record_policy_use(user, PolicyVersion.objects.order_by("number").first())
    survey = _survey()
    do_answer(user, survey, {survey.questions.get().pk: traces.answer}, anonymous=False)
    return traces


def notify(watcher: User, page_title: str, editor: User) -> None:
    """`editor` changes a page `watcher` watches; the fan-out makes `watcher` a notification."""
    title = parse(page_title)
    page = Page.objects.get(namespace=title.namespace, title=title.key)
    revision = do_save_revision(
        title=title, text=f"Changed by {editor.username}.", summary="", base_revision_id=page.latest_id,
        user=editor, meta=RequestMeta.from_address("192.0.2.99"),
    )  # fmt: skip
    assert do_notify_edit(revision.pk) >= 1, f"{watcher.username} was not notified"


@pytest.fixture
def alice(make_account) -> Traces:
    return leave_traces(make_account("Alice"), "198.51.100.61")


@pytest.fixture
def bob(make_account, alice) -> Traces:
    traces = leave_traces(make_account("Bob"), "198.51.100.62")
    notify(alice.user, alice.page, traces.user)
    notify(traces.user, traces.page, alice.user)
    return traces


def logged_in(user: User) -> Client:
    client = Client(REMOTE_ADDR="198.51.100.70")
    client.force_login(user)
    return client


@pytest.fixture
def steward(make_account) -> Client:
    """Stella, a steward: she has accepted the access policy and passed her second factor."""
    account = make_account("Stella")
    do_grant_role(target=account, role=Role.STEWARD, reason="Appointed steward")
    do_accept_access_policy(account)
    client = logged_in(account)
    client.get("/accounts/second-factor")
    device = TOTPDevice.objects.get(user=account)
    client.post("/accounts/second-factor", {"code": f"{totp(device.bin_key):06d}"})
    return client
