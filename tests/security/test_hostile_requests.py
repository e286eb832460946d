"""Requests a vandal or a scanner sends (issue 20 §3; C100): oversized and malformed bodies, Host header
attacks, path traversal through titles and file names, header injection in mail. Each gets a 4xx answer,
never a 500, never a file from the disk, never a mail with a header the sender wrote."""

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from candor.accounts.actions import do_set_accepts_user_email
from candor.governance.models import ContactMessage
from candor.privacy.capture import RequestMeta
from tests.steps import revisions_of, save

META = RequestMeta.from_address("198.51.100.31")


def test_an_edit_larger_than_the_limit_is_refused_without_saving(reader):
    text = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)

    response = save(reader, "Sandbox", text)

    assert 400 <= response.status_code < 500
    assert revisions_of("Sandbox") == []


def test_an_edit_just_over_the_page_limit_is_refused_without_saving(reader):
    response = save(reader, "Sandbox", "x" * (settings.CANDOR_MAX_PAGE_BYTES + 1))

    assert 400 <= response.status_code < 500
    assert revisions_of("Sandbox") == []


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data; boundary=zzz", b"--zzz\r\nContent-Disposition: form-data\r\n\r\nno end"),
        ("multipart/form-data", b"no boundary at all"),
        ("application/x-www-form-urlencoded", b"text=%ff%fe%00&summary=%zz&base=1e999"),
        (
            "application/x-www-form-urlencoded",
            b"&".join([b"a=1"] * 2000),
        ),  # beyond DATA_UPLOAD_MAX_NUMBER_FIELDS
        ("application/json", b'{"text": '),
    ],
)
def test_a_malformed_body_is_never_a_server_error(reader, content_type, body):
    for url in ("/wiki/Sandbox?action=edit", "/accounts/login", "/accounts/signup"):
        response = reader.generic("POST", url, body, content_type=content_type)
        assert response.status_code < 500, (url, response.status_code)


@pytest.mark.parametrize(
    "title",
    ["Sandbox\x00", "Sandbox%00", "a" * 5000, "%ff%fe", "Talk:", "Sand[box]", "Sandbox\r\nSet-Cookie: x=1"],
)
def test_a_hostile_title_is_never_a_server_error(reader, title):
    for action in ("view", "edit", "history", "raw"):
        response = reader.get(f"/wiki/{title}?action={action}")
        assert response.status_code < 500, (title, action, response.status_code)
        assert "x" not in response.cookies


@pytest.mark.parametrize(
    "url",
    [
        "/wiki/../../../etc/passwd?action=raw",
        "/wiki/%2e%2e/%2e%2e/%2e%2e/etc/passwd?action=raw",
        "/wiki/..%2f..%2f..%2fetc%2fpasswd?action=raw",
        "/media/..%2f..%2fsettings.py",
        "/media/%2e%2e",
        "/media/thumb/120/..%2f..%2fsecret_key",
        "/static/../../settings.py",
        "/static/candor/..%2f..%2f..%2fsettings.py",
        "/stats/releases/..%2f1",
        "/yourdata/download?file=../../../etc/passwd",
    ],
)
def test_path_traversal_reaches_no_file(reader, url):
    response = reader.get(url)

    assert response.status_code < 500
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"root:" not in body and b"SECRET_KEY" not in body and b"import " not in body


@pytest.mark.parametrize(
    "host", ["evil.example", "127.0.0.1.evil.example", "localhost:80@evil.example", "[::1"]
)
def test_an_unknown_host_header_is_refused(reader, host):
    """A forged Host never reaches a link Candor builds (password reset, verification mail)."""
    response = reader.get("/accounts/password-reset", HTTP_HOST=host)
    assert response.status_code == 400
    response = reader.post("/accounts/password-reset", {"email": "a@example.org"}, HTTP_HOST=host)
    assert response.status_code in {400, 403}
    assert mail.outbox == []


def test_a_forwarded_host_is_not_believed(reader, settings):
    assert not settings.USE_X_FORWARDED_HOST
    response = reader.get("/accounts/login?next=/wiki/X", HTTP_X_FORWARDED_HOST="evil.example")
    assert b"evil.example" not in response.content


@pytest.fixture
def alice_writes_to_dana(make_confirmed_account):
    alice = make_confirmed_account("Alice", "alice-sender@example.org")
    dana = make_confirmed_account("Dana", "dana-inbox@example.org")
    do_set_accepts_user_email(dana, True, META)
    client = Client(REMOTE_ADDR="198.51.100.32")
    client.force_login(alice)
    mail.outbox.clear()
    return client


@pytest.mark.parametrize(
    "subject", ["Hi\r\nBcc: victim@example.org", "Hi\nBcc: victim@example.org", "Hi\rTo: victim@example.org"]
)
def test_a_subject_cannot_inject_a_mail_header(alice_writes_to_dana, subject):
    response = alice_writes_to_dana.post(
        "/accounts/email-user", {"to": "Dana", "subject": subject, "body": "hello"}, follow=True
    )

    assert response.status_code == 400 and "The subject must be a single line." in response.text
    assert mail.outbox == []


def test_an_api_token_with_non_ascii_characters_is_refused_not_a_server_error(editor):
    """Found by tests/security/test_fuzz.py: comparing a session token with a non-ASCII one raised a
    TypeError, a 500 for any logged-in client that sent one; it is MediaWiki's badtoken error."""
    response = editor.post(
        "/w/api.php",
        {"action": "edit", "title": "Sandbox", "text": "x", "token": "é+\\", "format": "json"},
    )

    assert response.status_code == 200
    assert response.json()["error"]["code"] == "badtoken"
    assert revisions_of("Sandbox") == []


@pytest.mark.parametrize(
    ("reply_to", "message"),
    [
        ("reader@example.org", "a question\x00"),
        ("a" * 300 + "@example.org", "a question"),
        ("reader@example.org\r\nBcc: everyone@example.org", "a question"),
    ],
    ids=["NUL in the message", "address over 254 characters", "header in the address"],
)
def test_a_hostile_contact_message_is_refused_not_a_server_error(reader, reply_to, message):
    """Found by tests/security/test_fuzz.py on PostgreSQL (C123): the privacy contact form stored its
    fields unchecked, and PostgreSQL refused a NUL or an over-long address with a 500. The form says what
    is wrong, and nothing is filed."""
    response = reader.post("/privacy/contact", {"reply_to": reply_to, "message": message})

    assert response.status_code == 400
    assert not ContactMessage.objects.exists()
