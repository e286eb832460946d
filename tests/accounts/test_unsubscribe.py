"""C68, C69: every consented mail has a one-click unsubscribe link. A mail client's RFC 8058 POST withdraws
the consent without a session or a CSRF token (the signed token is the authentication); opening the link
only asks; a tampered token, or one signed for something else, changes nothing."""

from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.test import Client

from candor.privacy import consent
from candor.privacy.capture import RequestMeta
from candor.privacy.consent import Consent, Purpose
from candor.privacy.models import EventType, PrivateEvent

META = RequestMeta.from_address("198.51.100.30")


@pytest.fixture
def carol(make_account):
    """Carol agreed to news and to surveys."""
    user = make_account("Carol", email="carol@example.org")
    consent.do_grant_consent(user, Purpose.NEWS, META)
    consent.do_grant_consent(user, Purpose.SURVEYS, META)
    return user


def _path(user, purpose=Purpose.NEWS) -> str:
    link = consent.unsubscribe_link(user, purpose)
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def test_a_mail_clients_one_click_post_withdraws_without_a_session_or_csrf_token(carol):
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.9")
    response = client.post(
        _path(carol), "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    assert not consent.has_consent(carol, Purpose.NEWS)
    assert consent.has_consent(carol, Purpose.SURVEYS)  # only the purpose the mail was for
    latest = Consent.objects.filter(user=carol, purpose=Purpose.NEWS).latest("at", "id")
    assert latest.granted is False and latest.notice_text == consent.NOTICES[Purpose.NEWS].text
    assert PrivateEvent.objects.filter(event_type=EventType.CONSENT_WITHDRAWN, actor=carol).count() == 1


def test_opening_the_link_only_asks_and_changes_nothing(carol):
    before = Consent.objects.count()
    response = Client().get(_path(carol))

    page = response.content.decode()
    assert response.status_code == 200 and "<form" in page and "News and updates by email" in page
    assert Consent.objects.count() == before and consent.has_consent(carol, Purpose.NEWS)


def test_the_confirm_button_withdraws(carol):
    client = Client(enforce_csrf_checks=True)
    response = client.post(_path(carol), {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200 and "no longer receive" in response.content.decode()
    assert not consent.has_consent(carol, Purpose.NEWS)


def test_unsubscribing_twice_records_one_withdrawal(carol):
    Client().post(_path(carol))
    Client().post(_path(carol))

    assert Consent.objects.filter(user=carol, purpose=Purpose.NEWS, granted=False).count() == 1


def _tampered(token: str) -> str:
    payload, _, signature = token.partition(":")
    return f"{payload}:{signature[:-2]}{'AA' if not signature.endswith('AA') else 'BB'}"


@pytest.mark.parametrize(
    "token_for",
    [
        pytest.param(lambda user: _tampered(consent.unsubscribe_token(user, Purpose.NEWS)), id="tampered"),
        pytest.param(
            lambda user: signing.dumps({"u": user.pk, "p": "news"}, salt="candor.accounts.verify-email"),
            id="wrong-salt",
        ),
        pytest.param(
            lambda user: signing.dumps({"u": user.pk, "p": "everything"}, salt=consent.UNSUBSCRIBE_SALT),
            id="unknown-purpose",
        ),
        pytest.param(
            lambda user: signing.dumps({"u": 999_999, "p": "news"}, salt=consent.UNSUBSCRIBE_SALT),
            id="no-account",
        ),
        pytest.param(lambda user: "", id="empty"),
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_bad_token_is_refused_and_changes_nothing(carol, token_for, method):
    before = list(Consent.objects.values_list("id", flat=True))
    response = getattr(Client(), method)("/accounts/unsubscribe?" + f"token={token_for(carol)}")

    assert response.status_code == 400 and "not valid" in response.content.decode()
    assert list(Consent.objects.values_list("id", flat=True)) == before
    assert consent.has_consent(carol, Purpose.NEWS)


def test_other_methods_are_refused(carol):
    assert Client().put(_path(carol)).status_code == 405
    assert consent.has_consent(carol, Purpose.NEWS)
