import pytest
from django.core import mail as outbox
from django.test import Client
from huey.contrib.djhuey import HUEY


@pytest.fixture
def jobs(monkeypatch):
    """The huey worker, run in the test: a queued job runs when it is queued (after the commit)."""
    monkeypatch.setattr(HUEY, "immediate", True)
    yield HUEY


@pytest.fixture
def watcher_account(make_account):
    """Wendy has a confirmed address; the verification mail is cleared from the outbox."""
    user = make_account("Wendy", email="wendy@example.org")
    Client().get(outbox.outbox[-1].body.split("http://127.0.0.1:8000")[1].split()[0])
    outbox.outbox.clear()
    user.refresh_from_db()
    assert user.email_verified_at is not None
    return user


@pytest.fixture
def watcher(watcher_account) -> Client:
    client = Client(REMOTE_ADDR="192.0.2.60")
    client.force_login(watcher_account)
    return client
