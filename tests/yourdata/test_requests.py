"""C109, C110, C28: requests are records with a state, a date per state and a due date (28 days by
default); each move is on the privileged-access log; the stewards' queue lists open requests by due date,
flagging the overdue; a renaming is approved or refused with a reason the person then sees."""

from datetime import UTC, datetime, timedelta

import pytest

from candor.privacy import clock
from candor.yourdata.models import DataRequest, IllegalMove, Kind, State
from tests.steps import PASSWORD
from tests.yourdata.conftest import logged_in

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_a_request_is_due_after_the_configured_days_and_flagged_once_overdue(make_account, steward, settings):
    settings.CANDOR_REQUEST_DUE_DAYS = 10
    carol, dave = make_account("Carol"), make_account("Dave")
    with clock.frozen_at(START):
        logged_in(carol).post("/yourdata/rename", {"password": PASSWORD})
    with clock.frozen_at(START + timedelta(days=3)):
        logged_in(dave).post("/yourdata/rename", {"password": PASSWORD})
    first, second = DataRequest.objects.order_by("received_at")
    assert first.due_at == START + timedelta(days=10)

    with clock.frozen_at(START + timedelta(days=10)):
        page = steward.get("/yourdata/queue").content.decode()
        assert "overdue" not in page
    with clock.frozen_at(START + timedelta(days=10, minutes=1)):
        page = steward.get("/yourdata/queue").content.decode()
        assert page.count("<strong>overdue</strong>") == 1
        assert page.index("Carol") < page.index("Dave")  # the one due soonest first
        assert first.overdue and not second.overdue


def test_only_stewards_see_the_queue(alice, steward):
    assert logged_in(alice.user).get("/yourdata/queue").status_code == 404
    assert steward.get("/yourdata/queue").status_code == 200


def test_a_refusal_needs_a_reason_which_the_person_then_sees(alice, steward):
    client = logged_in(alice.user)
    client.post("/yourdata/rename", {"password": PASSWORD})
    request = DataRequest.objects.get(kind=Kind.RENAME)
    assert steward.post("/yourdata/queue", {"request": request.pk, "decision": "refuse"}).status_code == 400
    reason = "Your account is under a block appeal; ask again after it."
    form = {"request": request.pk, "decision": "refuse", "reason": reason}
    assert steward.post("/yourdata/queue", form).status_code == 302
    request.refresh_from_db()
    assert (request.state, request.refusal_reason) == (State.REFUSED, reason)
    assert reason in client.get("/yourdata/").content.decode()


def test_a_finished_request_cannot_move_again(alice):
    request = DataRequest.receive(alice.user, Kind.EXPORT)
    with pytest.raises(IllegalMove):
        request.move(State.COMPLETED, actor=alice.user)
    request.move(State.REFUSED, actor=alice.user, reason="Asked twice by mistake")
    with pytest.raises(IllegalMove):
        request.move(State.IDENTITY_CONFIRMED, actor=alice.user)


def test_one_request_of_a_kind_at_a_time(alice):
    client = logged_in(alice.user)
    client.post("/yourdata/rename", {"password": PASSWORD})
    response = client.post("/yourdata/rename", {"password": PASSWORD}, follow=True)
    assert "already have a request of this kind" in response.content.decode()
    assert DataRequest.objects.count() == 1


def test_the_person_sees_their_own_requests_only(alice, bob):
    logged_in(bob.user).post("/yourdata/rename", {"password": PASSWORD})
    assert "Renaming of your account" not in logged_in(alice.user).get("/yourdata/").content.decode()
    assert "Renaming of your account" in logged_in(bob.user).get("/yourdata/").content.decode()
