"""C68, C70: an email address is unverified until its owner follows the one-time link mailed to it; nothing
but that mail goes to it before; changing it starts again; removing it works. C70, C101: no mail Candor can
send carries a password, a password field or a form, nor a link to another site."""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail as outbox
from django.template.loader import render_to_string
from django.test import Client

from candor.accounts import mail
from candor.accounts.models import User
from candor.notify import mail as notify_mail
from candor.privacy import clock
from tests.steps import PASSWORD

LINK = re.compile(r"http://\S+")


def _link_in(message) -> str:
    found = LINK.findall(message.body)
    assert len(found) == 1, message.body
    return found[0].removeprefix("http://127.0.0.1:8000")


def _user(name: str) -> User:
    return User.objects.get(username=name)


@pytest.fixture
def committed(db, jobs, django_capture_on_commit_callbacks):
    """Wraps what a request does: it commits, then the mail jobs it queued run (as the worker would)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def editor_account(make_account, committed):
    """Alice signs up with an address; her verification mail is in the outbox."""
    with committed():
        return make_account("Alice", email="alice-canary@example.org")


def test_signup_with_an_email_mails_a_link_and_the_address_is_unverified_until_it_is_followed(committed):
    client = Client()
    with committed():
        client.post(
            "/accounts/signup", {"username": "Carol", "password": PASSWORD, "email": "carol@example.org"}
        )

    assert [m.to for m in outbox.outbox] == [["carol@example.org"]]
    assert PASSWORD not in outbox.outbox[0].body and "<form" not in outbox.outbox[0].body
    assert mail.verified_email(_user("Carol")) is None
    response = Client().get(_link_in(outbox.outbox[0]))

    assert response.status_code == 200 and "confirmed" in response.content.decode()
    assert _user("Carol").email_verified_at is not None
    assert mail.verified_email(_user("Carol")) == "carol@example.org"


def test_signup_without_an_email_sends_nothing(committed):
    with committed():
        Client().post("/accounts/signup", {"username": "Dan", "password": PASSWORD})

    assert outbox.outbox == []


def test_the_link_works_once(make_account, committed):
    with committed():
        make_account("Carol", email="carol@example.org")
    link = _link_in(outbox.outbox[0])

    first, second = Client().get(link), Client().get(link)

    assert first.status_code == 200
    assert second.status_code == 400 and "cannot be used again" in second.content.decode()


def test_an_expired_link_is_refused_with_a_clear_message(make_account, committed):
    with clock.frozen_at(datetime(2026, 3, 1, 12, 0, tzinfo=UTC)), committed():
        make_account("Carol", email="carol@example.org")
    link = _link_in(outbox.outbox[0])

    with clock.frozen_at(datetime(2026, 3, 2, 12, 1, tzinfo=UTC)):
        response = Client().get(link)

    assert response.status_code == 400 and "has expired" in response.content.decode()
    assert _user("Carol").email_verified_at is None


def test_a_tampered_or_missing_token_is_refused(db):
    assert Client().get("/accounts/verify-email").status_code == 400
    assert Client().get("/accounts/verify-email?token=forged").status_code == 400


def test_changing_the_email_resets_verification_and_mails_the_new_address(editor, committed):
    editor.get(_link_in(outbox.outbox[0]))
    assert mail.verified_email(_user("Alice")) == "alice-canary@example.org"
    old_link = _link_in(outbox.outbox[0])

    with committed():
        editor.post("/accounts/preferences", {"form": "email", "email": "alice-new@example.org"})

    assert mail.verified_email(_user("Alice")) is None
    assert outbox.outbox[-1].to == ["alice-new@example.org"]
    assert "Not confirmed yet" in editor.get("/accounts/preferences").content.decode()
    assert Client().get(old_link).status_code == 400
    assert Client().get(_link_in(outbox.outbox[-1])).status_code == 200
    assert mail.verified_email(_user("Alice")) == "alice-new@example.org"


def test_a_link_for_a_replaced_address_does_not_verify_the_new_one(editor):
    first_link = _link_in(outbox.outbox[0])
    editor.post("/accounts/preferences", {"form": "email", "email": "alice-new@example.org"})

    response = Client().get(first_link)

    assert response.status_code == 400 and "no longer on the account" in response.content.decode()
    assert _user("Alice").email_verified_at is None


def test_the_email_can_be_removed(editor, committed):
    editor.get(_link_in(outbox.outbox[0]))
    sent = len(outbox.outbox)

    with committed():
        editor.post("/accounts/preferences", {"form": "email", "email": ""})

    user = _user("Alice")
    assert user.email is None and user.email_verified_at is None
    assert mail.verified_email(user) is None
    assert len(outbox.outbox) == sent


def _every_mail_template() -> list[str]:
    """Every template under an `email/` folder of any template directory: a template added later is checked
    without anyone listing it (C101's static test over the template directory)."""
    names = set()
    for directory in [Path(folder) for folder in settings.TEMPLATES[0]["DIRS"]] + [
        Path(config.path) / "templates" for config in apps.get_app_configs()
    ]:
        names.update(
            str(path.relative_to(directory)) for path in directory.glob("**/email/*.txt") if path.is_file()
        )
    return sorted(names - {"email/never_asks.txt"})


def test_every_email_template_is_free_of_passwords_forms_and_foreign_links(make_account, settings):
    """C70, C101, C103: rendered with sample data, no template asks for or carries a password, or has a
    form, and each ends by saying Candor never asks for a password by email and where to report one."""
    settings.CANDOR_PRIVACY_CONTACT = "report-phishing@example.org"
    user = make_account("Carol", PASSWORD, email="carol@example.org")
    samples = {
        "username": user.username,
        "link": "http://127.0.0.1:8000/x?token=t",
        "site": "http://127.0.0.1:8000",
        "hours": 24,
        "minutes": 60,
    }
    templates = _every_mail_template()

    assert (
        set(mail.EMAIL_TEMPLATES) | set(notify_mail.EMAIL_TEMPLATES) <= set(templates) and len(templates) >= 8
    )
    for template in templates:
        text = render_to_string(template, samples).lower()
        assert PASSWORD not in text
        assert "<form" not in text and "<input" not in text and 'type="password"' not in text
        assert not re.search(r"(reply|send|enter|type)\b[^.]*\byour (current |old )?password", text), template
        assert all(link.startswith("http://127.0.0.1:8000/") for link in LINK.findall(text)), template
        assert "never asks for your password by email" in text, template
        assert "forward it to\nreport-phishing@example.org" in text, template


def test_the_verification_link_lasts_a_day(make_account, committed):
    start = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    with clock.frozen_at(start), committed():
        make_account("Carol", email="carol@example.org")
    with clock.frozen_at(start + timedelta(hours=23)):
        assert Client().get(_link_in(outbox.outbox[0])).status_code == 200


def test_a_verification_queued_for_an_address_since_replaced_is_not_sent(
    make_account, jobs, django_capture_on_commit_callbacks
):
    """C68: each job mails the address it was queued for, only if it is still the account's, unconfirmed."""
    with django_capture_on_commit_callbacks(
        execute=False
    ) as queued:  # signup, then a change, before any job ran
        carol = make_account("Carol", email="carol@example.org")
        User.objects.filter(pk=carol.pk).update(email="carol-new@example.org")
    for job in queued:
        job()

    assert outbox.outbox == []
