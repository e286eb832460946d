"""The mail relay hangs: it accepts the connection and never answers (issue 20 §2; C92). The job gives up
after EMAIL_TIMEOUT with the mail still queued for a retry, nothing lost; when the relay answers again the
retry delivers it, once."""

import socket
import time

import pytest
from huey import SqliteHuey

from candor.notify import tasks
from candor.privacy import consent
from candor.privacy.capture import RequestMeta
from candor.privacy.consent import Purpose

META = RequestMeta.from_address("198.51.100.30")
NEWS = (Purpose.NEWS.value, "Candor this month", "Three new features.")


@pytest.fixture
def carol(make_confirmed_account):
    user = make_confirmed_account("Carol", "carol@example.org")
    consent.do_grant_consent(user, Purpose.NEWS, META)
    return user


@pytest.fixture
def hanging_relay(carol, smtp_server, settings):
    """A socket on 127.0.0.1 that accepts connections and never says a word, in place of the real relay
    (whose port it hands back)."""
    real_port = settings.EMAIL_PORT
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    settings.EMAIL_BACKEND = "candor.privacy.providers.AgreedRelayBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", listener.getsockname()[1]
    settings.EMAIL_TIMEOUT = 1
    yield real_port
    listener.close()


@pytest.fixture
def queue(tmp_path, monkeypatch):
    instance = SqliteHuey("candor-test-hang", filename=str(tmp_path / "jobs.sqlite3"))
    bound = instance.task()(tasks.deliver_consented_mail.call_local)
    monkeypatch.setattr(tasks, "deliver_consented_mail", bound)
    yield instance
    instance.flush()


def test_a_hanging_relay_times_out_and_the_mail_waits_for_its_retry(
    carol, smtp_server, hanging_relay, queue, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        tasks.queue_consented_mail(carol, *NEWS)

    started = time.monotonic()
    queue.execute(queue.dequeue())
    assert time.monotonic() - started < 5, "the worker waited on the relay beyond its timeout"
    assert smtp_server.messages == [] and queue.pending_count() == 1  # its retry, a minute ahead

    settings.EMAIL_PORT = hanging_relay  # the relay answers again
    retry = queue.dequeue()
    assert retry.eta is not None  # the worker would hold it back until RETRY_DELAY_SECONDS passed
    queue.execute(retry, timestamp=retry.eta)  # a minute later
    assert [recipients for recipients, _ in smtp_server.messages] == [["carol@example.org"]]
