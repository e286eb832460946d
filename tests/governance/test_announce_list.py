"""C125: anyone can subscribe to the announce list without an account: double opt-in, a link in every
message to leave; unconfirmed addresses are deleted after 24 hours; the address is private."""

import re
from datetime import timedelta

import pytest
from django.test import Client

from candor.governance import actions
from candor.governance.models import AnnounceSubscriber
from candor.privacy import clock
from candor.privacy.retention import purge
from tests.governance.conftest import DAY_0, bodies, recipients

ADDRESS = "x-canary-5c1e@example.org"
LINK = re.compile(r"http://127\.0\.0\.1:8000(/privacy/announcements/\S+)")


def links_in(inbox) -> list[str]:
    return [path for body in bodies(inbox) for path in LINK.findall(body)]


def announce(administrator):
    return actions.do_announce_transfer(
        administrator.user,
        description="The Example Trust takes over Candor.",
        transfer_on=clock.now().date() + timedelta(days=40),
    )


def test_subscribe_confirm_receive_and_leave(
    administrator, reader, jobs, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert reader.post("/privacy/announcements", {"email": ADDRESS}).status_code == 302
    (confirm,) = links_in(smtp_server)
    assert recipients(smtp_server) == [ADDRESS] and confirm.startswith("/privacy/announcements/confirm?")

    with django_capture_on_commit_callbacks(execute=True):
        announce(administrator)
    assert len(smtp_server.messages) == 1  # not confirmed yet: nothing but the confirmation

    stranger = Client()
    assert stranger.get(confirm).status_code == 200
    assert not AnnounceSubscriber.objects.filter(confirmed_at__isnull=False).exists()  # GET changes nothing
    assert "is confirmed" in stranger.post(confirm).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        announce(administrator)
    (_, message) = smtp_server.messages[-1]
    assert b"List-Unsubscribe-Post: List-Unsubscribe=One-Click" in message
    leave = [path for path in links_in(smtp_server) if "unsubscribe" in path][-1]

    one_click = Client(enforce_csrf_checks=True)  # as a mail client posts List-Unsubscribe=One-Click
    assert "is removed" in one_click.post(leave, {"List-Unsubscribe": "One-Click"}).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        announce(administrator)
    assert len(smtp_server.messages) == 2
    assert not AnnounceSubscriber.objects.exists()


def test_the_answer_does_not_say_whether_an_address_is_on_the_list(
    reader, jobs, smtp_server, django_capture_on_commit_callbacks
):
    actions.do_subscribe(ADDRESS)
    AnnounceSubscriber.objects.update(confirmed_at=clock.now(), unconfirmed_until=None)

    with django_capture_on_commit_callbacks(execute=True):
        known = reader.post("/privacy/announcements", {"email": ADDRESS}, follow=True).content.decode()
        unknown = reader.post(
            "/privacy/announcements", {"email": "y@example.org"}, follow=True
        ).content.decode()

    masked = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')  # a fresh mask on every response
    assert masked.sub("", known) == masked.sub("", unknown)
    assert recipients(smtp_server) == ["y@example.org"]  # the confirmed subscriber is not mailed again
    assert reader.post("/privacy/announcements", {"email": "not an address"}).status_code == 400


def test_an_unconfirmed_address_is_deleted_after_a_day_and_its_link_expires(db):
    with clock.frozen_at(DAY_0):
        actions.do_subscribe(ADDRESS)
        token = actions.announce_list.confirm_link(ADDRESS).split("token=")[1]

    with clock.frozen_at(DAY_0 + timedelta(hours=25)):
        purge()
    assert not AnnounceSubscriber.objects.exists()
    with pytest.raises(actions.announce_list.InvalidLink):
        actions.do_confirm_subscription("tampered" + token)


def test_a_forged_link_changes_nothing(reader):
    assert reader.post("/privacy/announcements/unsubscribe?token=forged").status_code == 400
    assert reader.post("/privacy/announcements/confirm?token=forged").status_code == 400


def test_c66_c127_the_signup_says_who_else_reads_the_list_and_that_the_policy_stops_at_delivery(reader):
    """C66, C127: the mailing-list signup says who can read the list (no one sees a subscriber's address;
    the posts are public) and that recipients, and what they do with a message, are outside the policy."""
    page = reader.get("/privacy/announcements").content.decode()

    form = page.split('action="/privacy/announcements"', 1)[1].split("</form>", 1)[0]
    notice = form.split('id="list-readers">', 1)[1].split("</p>", 1)[0]
    assert "no subscriber sees another's address" in notice
    assert "public anyway" in notice
    assert "outside Candor's privacy policy" in notice
