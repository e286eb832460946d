"""Issue 17 (C51, C57, C118): the notification pages in the reader's language, and notify's mail in the
recipient's: a watchlist mail to a German-speaking account is German while one to an English account stays
English, through a real SMTP relay on 127.0.0.1; a survey invitation and a message from another user too."""

from datetime import date
from email import message_from_bytes, policy

import pytest
from django.core import mail as outbox
from django.test import Client

from candor.accounts.actions import do_set_accepts_user_email
from candor.accounts.models import User
from candor.notify import actions
from candor.notify.models import Frequency
from candor.privacy import clock, consent
from candor.privacy.capture import RequestMeta
from candor.privacy.consent import Purpose
from tests.steps import save

META = RequestMeta.from_address("198.51.100.31")
# Per language: the watchlist's title, the settings' legend and the "Never" frequency.
PAGES = {
    "fr": ("Liste de suivi", "M’envoyer un courriel pour les notifications", "Jamais"),
    "de": ("Beobachtungsliste", "Mich per E-Mail über Benachrichtigungen informieren", "Nie"),
    "es": ("Lista de seguimiento", "Enviarme correos sobre las notificaciones", "Nunca"),
    "ar": ("قائمة المراقبة", "راسلني بشأن الإخطارات", "أبدًا"),
}


def _mails(inbox) -> dict[str, tuple[str, str]]:
    """The relay's messages by recipient: the decoded subject and text, with plain line ends."""
    found = {}
    for recipients, raw in inbox.messages:
        message = message_from_bytes(raw, policy=policy.default)
        mail = (str(message["Subject"]), message.get_content().replace("\r\n", "\n"))
        found.update((address, mail) for address in recipients)
    return found


def _speaker(make_confirmed_account, name: str, language: str) -> User:
    """An account with a confirmed address and `language` as its preference. Made before `smtp_server`
    (listed first), since confirming the address reads the test outbox."""
    user = make_confirmed_account(name, f"{name.lower()}@example.org")
    User.objects.filter(pk=user.pk).update(language=language)
    user.refresh_from_db()
    return user


@pytest.fixture
def dieter(make_confirmed_account) -> User:
    return _speaker(make_confirmed_account, "Dieter", "de")


@pytest.fixture
def lucia(make_confirmed_account) -> User:
    return _speaker(make_confirmed_account, "Lucia", "es")


@pytest.fixture
def camille(make_confirmed_account) -> User:
    """Camille reads French and lets other users email her."""
    user = _speaker(make_confirmed_account, "Camille", "fr")
    do_set_accepts_user_email(user, True, META)
    return user


@pytest.fixture
def alicia(make_confirmed_account) -> User:
    """Alicia has no language preference: English."""
    return make_confirmed_account("Alicia", "alicia@example.org")


@pytest.mark.parametrize("language", PAGES)
def test_the_watchlist_and_settings_are_in_the_browsers_language(watcher, language):
    """C51: the owner's pages, their tabs and the frequency choices, with lang and dir."""
    title, legend, never = PAGES[language]
    direction = "rtl" if language == "ar" else "ltr"

    watchlist = watcher.get("/notify/watchlist", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    settings_page = watcher.get("/notify/settings", HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert f'<html lang="{language}" dir="{direction}">' in watchlist
    assert f"<h1>{title}</h1>" in watchlist and "Only you can see" not in watchlist
    assert (
        f"<legend>{legend}</legend>" in settings_page
        and f'value="never" checked> {never}</label>' in settings_page
    )
    assert "Email me about notifications" not in settings_page


def test_the_watch_button_is_german(watcher, editor):
    save(editor, "Harbour", "The harbour.")

    html = watcher.get("/wiki/Harbour", HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert '<button type="submit">Beobachten</button>' in html and ">Watch</button>" not in html


def test_a_watchlist_mail_is_german_for_a_german_account_and_english_for_an_english_one(
    dieter, watcher_account, editor, jobs, smtp_server, django_capture_on_commit_callbacks
):
    """C118, C57: each watcher's mail in their own language, whoever edited and in whatever language."""
    save(editor, "Harbour", "The harbour.")
    for person in (watcher_account, dieter):
        client = Client()
        client.force_login(person)
        client.post("/notify/watch", {"title": "Harbour"})
        form = {"switches": "1", "on": ["watched_page_edited:web", "watched_page_edited:email"]}
        assert client.post("/notify/settings", form | {"frequency": "immediately"}).status_code == 302
        consent.do_grant_consent(person, Purpose.WATCHLIST_EMAIL, META)

    with django_capture_on_commit_callbacks(execute=True):
        save(editor, "Harbour", "The harbour, rebuilt.", HTTP_ACCEPT_LANGUAGE="fr")

    mails = _mails(smtp_server)
    (german_subject, german), (english_subject, english) = (
        mails["dieter@example.org"],
        mails["wendy@example.org"],
    )
    assert german_subject == "Die Seite Harbour wurde bearbeitet"
    assert german.startswith(
        "Hallo Dieter,\n\nEine Seite auf Ihrer Beobachtungsliste wurde bearbeitet: Harbour\n"
    )
    assert "Sie erhalten diese E-Mail, weil Sie" in german and "was edited" not in german
    assert english_subject == "Harbour was edited"
    assert english.startswith("Hello Wendy,\n\nA page on your watchlist was edited: Harbour\n")


def test_a_survey_invitation_goes_out_in_each_persons_language(
    lucia, watcher_account, jobs, smtp_server, django_capture_on_commit_callbacks
):
    """C118: one invitation text per language, the date as the language writes it."""
    for person in (watcher_account, lucia):
        consent.do_grant_consent(person, Purpose.SURVEYS, META)

    with clock.frozen_at(clock.now().replace(year=2026, month=3, day=2)):
        with django_capture_on_commit_callbacks(execute=True):
            actions.do_publish_survey(
                "Tools", "Only totals are published.", date(2026, 3, 20), "public: Which?"
            )

    mails = _mails(smtp_server)
    (spanish_subject, spanish), (english_subject, english) = (
        mails["lucia@example.org"],
        mails["wendy@example.org"],
    )
    assert spanish_subject == "Encuesta: Tools"
    assert "Te invitamos a responder una encuesta, Tools, hasta el 20 de marzo de 2026." in spanish
    assert "Cómo se usarán las respuestas: Only totals are published." in spanish
    assert english_subject == "Survey: Tools"
    assert "You are invited to answer a survey, Tools, until March 20, 2026." in english


def test_a_message_from_another_user_reaches_a_french_recipient_in_french(camille, alicia, smtp_server):
    """C118, C57: the frame of the message is in the recipient's language, not the sender's; the sender's
    own page stays in theirs."""
    sender = Client()
    sender.force_login(alicia)

    sent = sender.post(
        "/accounts/email-user", {"to": "Camille", "subject": "Hi", "body": "See you."}, follow=True
    )

    assert "Your message was sent." in sent.content.decode()
    _subject, text = _mails(smtp_server)["camille@example.org"]
    assert "Bonjour Camille,\n\nAlicia vous a écrit via Candor :" in text
    assert "Alicia n’a pas choisi de montrer son adresse." in text and "See you." in text
    assert "wrote to you through Candor" not in text


def test_a_weekly_digest_to_an_arabic_account_is_arabic(
    watcher, watcher_account, editor, jobs, django_capture_on_commit_callbacks
):
    """C118, C57: the digest is written in the watcher's language when the periodic job runs."""
    User.objects.filter(pk=watcher_account.pk).update(language="ar")
    save(editor, "Harbour", "The harbour.")
    watcher.post("/notify/watch", {"title": "Harbour"})
    form = {
        "switches": "1",
        "on": ["watched_page_edited:web", "watched_page_edited:email"],
        "frequency": "weekly",
    }
    watcher.post("/notify/settings", form)
    consent.do_grant_consent(watcher_account, Purpose.WATCHLIST_EMAIL, META)
    with django_capture_on_commit_callbacks(execute=True):
        save(editor, "Harbour", "The harbour, rebuilt.")

    with django_capture_on_commit_callbacks(execute=True):
        assert actions.do_send_digests(Frequency.WEEKLY) == 1

    (message,) = outbox.outbox
    assert message.subject == "ملخصك الأسبوعي من Candor"
    assert message.body.startswith("مرحبًا Wendy،\n\nعُدّلت صفحة في قائمة مراقبتك: Harbour\n")
