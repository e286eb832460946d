"""C92: a service provider (the mail relay, when it is not on this machine) gets personal data only under a
recorded agreement, and only what its work needs; the registry is public on /privacy/data."""

import email
from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client

from candor.governance.actions import do_send_contact_message
from tests.governance.conftest import recipients

# What a mail Candor hands the relay may carry: the address, the subject and the text, and the envelope
# every mail needs (no header with a client's address or browser, nothing about the request).
ENVELOPE_HEADERS = {
    "Content-Type",
    "MIME-Version",
    "Content-Transfer-Encoding",
    "Subject",
    "From",
    "To",
    "Date",
}
ENVELOPE_HEADERS.add("Message-ID")


@pytest.fixture
def relay_elsewhere(settings, smtp_server):
    """The test's SMTP server, reached by a name: for Candor, a relay that may be anywhere."""
    settings.EMAIL_HOST = "localhost"
    settings.CANDOR_MAIL_RELAY_NAME = "Example Mail Ltd"
    return smtp_server


def _mail() -> None:
    EmailMessage("A notice", "Its text.", None, ["carol@example.org"]).send()


def test_a_relay_elsewhere_gets_nothing_until_its_agreement_is_recorded(settings, relay_elsewhere, db):
    settings.CANDOR_MAIL_RELAY_AGREEMENT = None

    with pytest.raises(ImproperlyConfigured, match="no agreement with it is recorded"):
        _mail()
    with pytest.raises(SystemCheckError, match=r"privacy\.E008"):
        call_command("check")
    assert relay_elsewhere.messages == []

    settings.CANDOR_MAIL_RELAY_AGREEMENT = date(2026, 9, 1)
    _mail()
    call_command("check")
    assert recipients(relay_elsewhere) == ["carol@example.org"]


def test_the_registry_is_public_with_what_the_provider_receives_and_its_agreement(settings, db):
    assert "None. Candor's email leaves through a mail relay on its own server" in _data_page()

    settings.EMAIL_HOST, settings.CANDOR_MAIL_RELAY_NAME = "relay.example.org", "Example Mail Ltd"
    settings.CANDOR_MAIL_RELAY_AGREEMENT = date(2026, 9, 1)
    page = _data_page()
    assert "Example Mail Ltd" in page and "Signed 1 September 2026" in page
    assert "Each recipient&#x27;s email address, and each mail&#x27;s subject and text." in page


def _data_page() -> str:
    return Client().get("/privacy/data").content.decode().split('id="service-providers"', 1)[1]


def test_the_relay_receives_the_address_the_subject_and_the_text_and_nothing_of_the_request(
    settings, relay_elsewhere, jobs, django_capture_on_commit_callbacks, db
):
    settings.CANDOR_MAIL_RELAY_AGREEMENT = date(2026, 9, 1)
    settings.CANDOR_PRIVACY_CONTACT = "privacy@candor.example"

    with django_capture_on_commit_callbacks(execute=True):
        do_send_contact_message(reply_to="", message="A question about my data.")

    ((rcpt_tos, content),) = relay_elsewhere.messages
    message = email.message_from_bytes(content)
    assert rcpt_tos == ["privacy@candor.example"]
    assert set(message.keys()) <= ENVELOPE_HEADERS, set(message.keys()) - ENVELOPE_HEADERS
