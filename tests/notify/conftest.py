import pytest
from django.test import Client


@pytest.fixture
def watcher_account(make_confirmed_account):
    """Wendy has a confirmed address."""
    return make_confirmed_account("Wendy", "wendy@example.org")


@pytest.fixture
def watcher(watcher_account) -> Client:
    client = Client(REMOTE_ADDR="192.0.2.60")
    client.force_login(watcher_account)
    return client
