"""C68, C69: mail that needs consent (news, surveys, watchlist email) goes only to a confirmed address whose
owner consents at the moment it is sent, not when it was queued; every such mail carries the RFC 8058
one-click unsubscribe headers. Delivery is a huey job with retries (issue 6, item 7)."""

import socket
from datetime import UTC, datetime
from email import message_from_bytes

import pytest
from django.core import mail as outbox
from huey import SqliteHuey

from candor.accounts.models import User
from candor.notify import tasks
from candor.privacy import consent
from candor.privacy.capture import RequestMeta
from candor.privacy.consent import Purpose

META = RequestMeta.from_address("198.51.100.30")
NEWS = (Purpose.NEWS.value, "Candor this month", "Three new features.")


@pytest.fixture
def carol(make_confirmed_account):
    """Carol has confirmed her address."""
    return make_confirmed_account("Carol", "carol@example.org")


@pytest.fixture
def queue(tmp_path, monkeypatch):
    """A real SqliteHuey in tmp; the delivery job is bound to it, as the worker would run it."""
    instance = SqliteHuey("candor-test-mail", filename=str(tmp_path / "jobs.sqlite3"))
    bound = instance.task()(tasks.deliver_consented_mail.call_local)
    monkeypatch.setattr(tasks, "deliver_consented_mail", bound)
    yield instance
    instance.flush()


def _run_all(queue) -> None:
    while queue.pending_count():
        queue.execute(queue.dequeue())


def test_without_consent_nothing_is_sent(carol, queue, django_capture_on_commit_callbacks):
    """C68: news is off by default."""
    with django_capture_on_commit_callbacks(execute=True):
        tasks.queue_consented_mail(carol, *NEWS)
    _run_all(queue)

    assert outbox.outbox == []


def test_with_consent_the_mail_goes_with_both_unsubscribe_headers(
    carol, queue, django_capture_on_commit_callbacks
):
    """C68: an opted-in, confirmed address receives it, with List-Unsubscribe and List-Unsubscribe-Post."""
    consent.do_grant_consent(carol, Purpose.NEWS, META)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.queue_consented_mail(carol, *NEWS)
    assert outbox.outbox == [] and queue.pending_count() == 1  # queued, not sent in the request
    _run_all(queue)

    (message,) = outbox.outbox
    assert message.to == ["carol@example.org"] and message.subject == "Candor this month"
    link = consent.unsubscribe_link(carol, Purpose.NEWS)
    assert message.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Three new features." in message.body and link in message.body


def test_nothing_is_queued_when_the_transaction_rolls_back(carol, queue, django_capture_on_commit_callbacks):
    consent.do_grant_consent(carol, Purpose.NEWS, META)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tasks.queue_consented_mail(carol, *NEWS)

    assert len(callbacks) == 1 and queue.pending_count() == 0


def test_consent_withdrawn_between_queueing_and_sending_stops_the_mail(
    carol, queue, django_capture_on_commit_callbacks
):
    """C68 and DESIGN.md (Consent): the sender asks when it sends, not when the mail was queued."""
    consent.do_grant_consent(carol, Purpose.NEWS, META)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.queue_consented_mail(carol, *NEWS)
    consent.do_withdraw_consent(carol, Purpose.NEWS, META)
    _run_all(queue)

    assert outbox.outbox == []


def test_consent_to_another_purpose_is_not_consent_to_this_one(
    carol, queue, django_capture_on_commit_callbacks
):
    """C68, C69: agreeing to watchlist email does not let news through."""
    consent.do_grant_consent(carol, Purpose.WATCHLIST_EMAIL, META)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.queue_consented_mail(carol, *NEWS)
    _run_all(queue)

    assert outbox.outbox == []


def test_an_unconfirmed_address_receives_nothing_even_with_consent(
    make_account, queue, django_capture_on_commit_callbacks
):
    """C68: consent needs a confirmed address."""
    dave = make_account("Dave", email="dave@example.org")
    outbox.outbox.clear()
    consent.do_grant_consent(dave, Purpose.NEWS, META)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.queue_consented_mail(dave, *NEWS)
    _run_all(queue)

    assert outbox.outbox == []


def test_an_address_removed_after_queueing_receives_nothing(carol, queue, django_capture_on_commit_callbacks):
    consent.do_grant_consent(carol, Purpose.NEWS, META)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.queue_consented_mail(carol, *NEWS)
    User.objects.filter(pk=carol.pk).update(email=None, email_verified_at=None)
    _run_all(queue)

    assert outbox.outbox == []


def test_a_newsletter_reaches_only_the_one_of_three_who_opted_in(
    make_confirmed_account, queue, django_capture_on_commit_callbacks
):
    """C68 verify: three confirmed addresses, one opted in → one message; opted out → none."""
    people = [make_confirmed_account(name, f"{name.lower()}@example.org") for name in ("Erin", "Faye", "Gus")]
    consent.do_grant_consent(people[1], Purpose.NEWS, META)

    def newsletter():
        with django_capture_on_commit_callbacks(execute=True):
            for person in people:
                tasks.queue_consented_mail(person, *NEWS)
        _run_all(queue)

    newsletter()
    assert [m.to for m in outbox.outbox] == [["faye@example.org"]]
    consent.do_withdraw_consent(people[1], Purpose.NEWS, META)
    outbox.outbox.clear()
    newsletter()
    assert outbox.outbox == []


def test_the_unsubscribe_headers_arrive_over_smtp(
    carol, queue, smtp_server, django_capture_on_commit_callbacks
):
    """C68: delivered through Django's SMTP backend to a real server, the headers are in the mail."""
    consent.do_grant_consent(carol, Purpose.NEWS, META)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.queue_consented_mail(carol, *NEWS)
    _run_all(queue)

    ((recipients, raw),) = smtp_server.messages
    message = message_from_bytes(raw)
    assert recipients == ["carol@example.org"]
    link = consent.unsubscribe_link(carol, Purpose.NEWS)
    assert "".join(message["List-Unsubscribe"].split()) == f"<{link}>"  # a long header may be folded
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link.startswith("http://127.0.0.1:8000/accounts/unsubscribe?token=")


def test_a_relay_that_is_down_gets_the_chunk_again_a_minute_later(
    carol, queue, smtp_server, settings, django_capture_on_commit_callbacks
):
    """Item 7: retried RETRIES times, a minute apart; once the relay is back, the mail goes once."""
    relay_port = settings.EMAIL_PORT
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = probe.getsockname()[1]  # nothing listens there once the probe is closed
    consent.do_grant_consent(carol, Purpose.NEWS, META)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.queue_consented_mail(carol, *NEWS)
    queue.execute(queue.dequeue())

    assert queue.pending_count() == 1  # queued again, to run a minute later
    retry = queue.dequeue()
    purpose, messages, attempts_left = retry.args
    assert (purpose, attempts_left) == (Purpose.NEWS, tasks.RETRIES - 1)
    assert 55 <= (retry.eta - datetime.now(UTC).replace(tzinfo=None)).total_seconds() <= 60
    settings.EMAIL_PORT = relay_port
    queue.execute(retry, timestamp=retry.eta)  # as the worker does, a minute later
    assert [recipients for recipients, _ in smtp_server.messages] == [["carol@example.org"]]
    assert queue.pending_count() == 0


@pytest.fixture
def readers(make_confirmed_account) -> list[User]:
    """Erin, Faye and Gus confirmed their addresses and want the news."""
    people = [make_confirmed_account(name, f"{name.lower()}@example.org") for name in ("Erin", "Faye", "Gus")]
    for person in people:
        consent.do_grant_consent(person, Purpose.NEWS, META)
    return people


def test_when_the_relay_fails_midway_only_what_it_did_not_take_is_tried_again(
    readers, queue, smtp_server, monkeypatch, django_capture_on_commit_callbacks
):
    """One job carries a chunk of recipients; a mail the relay took is never sent twice."""
    accept, calls = smtp_server.handle_DATA, []

    async def busy_once(server, session, envelope):
        calls.append(envelope)
        if len(calls) == 2:
            return "451 Busy, try again later"
        return await accept(server, session, envelope)

    monkeypatch.setattr(smtp_server, "handle_DATA", busy_once)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.queue_consented_mails(Purpose.NEWS, [(person.pk, *NEWS[1:]) for person in readers])
    queue.execute(queue.dequeue())
    retry = queue.dequeue()
    assert [user_id for user_id, _, _ in retry.args[1]] == [readers[1].pk, readers[2].pk]
    queue.execute(retry, timestamp=retry.eta)

    assert [recipients for recipients, _ in smtp_server.messages] == [
        ["erin@example.org"],
        ["faye@example.org"],
        ["gus@example.org"],
    ]
