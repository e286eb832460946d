"""C64: administrative notices (a policy change opened for comment, a minor change posted, an ownership
transfer announced) reach every account's on-site inbox, in a list of their own, whether or not it has an
email address, and cannot be switched off there; logged-out people see the site notice."""

from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from candor.accounts.models import User
from candor.governance import actions
from candor.governance.models import Announcement, ChangeKind
from candor.notify import tasks as notify_tasks
from candor.notify.actions import notifications as notify_actions
from candor.notify.models import Kind, Notification
from candor.privacy import clock
from tests.governance.conftest import DAY_0

TRANSFER = "The Example Trust takes over the operation of Candor and its data."


def on_day(number: int):
    return DAY_0.date() + timedelta(days=number)


def inbox_notices(person: Client) -> str:
    """The administrative list of the person's inbox, and nothing else of the page."""
    html = person.get("/notify/").content.decode()
    assert html.count('<ul class="notifications administrative">') == 1, "no administrative list"
    return html.split('<ul class="notifications administrative">', 1)[1].split("</ul>", 1)[0]


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def open_a_substantial_change(administrator):
    version = actions.do_draft_policy_change(
        administrator.user, kind=ChangeKind.SUBSTANTIAL, summary="Addresses are kept for 60 days",
        text="# Privacy policy\n\nWe keep your address for 60 days.\n",
    )  # fmt: skip
    for language in ("fr", "es"):
        actions.do_add_translation(administrator.user, version, language=language, text=f"({language})")
    response = administrator.client.post(
        "/governance/policy",
        {"action": "open", "number": version.number, "closes_on": on_day(30).isoformat()},
    )
    assert response.status_code == 302
    return version


def test_a_policy_change_reaches_every_inbox_and_logged_out_people_see_the_site_notice(
    carol, frank, administrator, reader, jobs, django_capture_on_commit_callbacks
):
    """C64 verify, C119: Carol (a confirmed address) and Frank (no address at all) each find one notice in
    /notify/, linking to the proposal; a logged-out reader sees the site notice on every page."""
    with clock.frozen_at(DAY_0), django_capture_on_commit_callbacks(execute=True):
        version = open_a_substantial_change(administrator)

    announcement = Announcement.objects.get()
    for person in (carol, frank):
        notices = inbox_notices(logged_in(person))
        assert f'href="/privacy/versions?number={version.number}"' in notices
        assert announcement.subject in notices
    assert Notification.objects.filter(kind=Kind.ADMINISTRATIVE).count() == User.objects.count()
    with clock.frozen_at(DAY_0 + timedelta(days=1)):
        for url in ("/wiki/Main_Page", "/privacy"):
            page = reader.get(url).content.decode()
            assert "comment until 2027-03-31" in page.split('class="notice site-notice"', 1)[1]


def test_a_minor_change_and_an_ownership_transfer_are_notified_too(
    frank, administrator, jobs, django_capture_on_commit_callbacks
):
    with clock.frozen_at(DAY_0), django_capture_on_commit_callbacks(execute=True):
        minor = actions.do_draft_policy_change(
            administrator.user,
            kind=ChangeKind.MINOR,
            summary="A clearer contact paragraph",
            text="# Policy\n",
        )
        actions.do_adopt_minor(administrator.user, minor, approved_by="The board", effective_on=on_day(3))
        actions.do_announce_transfer(administrator.user, description=TRANSFER, transfer_on=on_day(30))

    notices = inbox_notices(logged_in(frank))
    assert f"Minor change to the privacy policy (version {minor.number})" in notices
    assert "may move to new owners or a different policy on 2027-03-31" in notices


def test_administrative_notices_cannot_be_switched_off_on_the_site(
    frank, administrator, jobs, django_capture_on_commit_callbacks
):
    """C64, C71: the settings page offers no switch for them; Frank turns every switch off, and the next
    notice still shows in his inbox."""
    frank_client = logged_in(frank)
    settings_page = frank_client.get("/notify/settings").content.decode()
    assert f'value="{Kind.ADMINISTRATIVE}:' not in settings_page
    assert "cannot be switched off" in settings_page
    assert frank_client.post("/notify/settings", {"switches": "1"}).status_code == 302
    assert not any(notify_actions.switches(frank).values())

    with clock.frozen_at(DAY_0), django_capture_on_commit_callbacks(execute=True):
        actions.do_announce_transfer(administrator.user, description=TRANSFER, transfer_on=on_day(30))
    assert "new owners" in inbox_notices(frank_client)


def test_the_notices_are_inserted_in_chunks_and_a_retried_job_adds_nobody_twice(
    make_account, administrator, jobs, django_capture_on_commit_callbacks, monkeypatch
):
    """C64: the job inserts BATCH accounts at a time (2 here, for 6 accounts: 3 inserts), outside the
    request; run again, as huey retries it, it creates nothing."""
    monkeypatch.setattr(notify_actions, "BATCH", 2)
    for name in ("Gus", "Hana", "Ivo", "Jo", "Kit"):
        make_account(name)
    with clock.frozen_at(DAY_0), django_capture_on_commit_callbacks(execute=False) as queued:
        actions.do_announce_transfer(administrator.user, description=TRANSFER, transfer_on=on_day(30))
    assert not Notification.objects.exists()  # nothing in the request: the job runs after the commit

    with CaptureQueriesContext(connection) as queries:
        for callback in queued:
            callback()
    sql = [query["sql"] for query in queries]
    inserts = [text for text in sql if text.startswith("INSERT") and 'INTO "notify_notification"' in text]
    assert len(inserts) == 3
    assert Notification.objects.filter(kind=Kind.ADMINISTRATIVE).count() == User.objects.count() == 6

    announcement = Announcement.objects.get()
    notify_tasks.notify_announcement(announcement.pk)
    assert Notification.objects.count() == 6
