"""Issue 17: the interface in the reader's language.

C51: the browser's Accept-Language is honoured, and nothing about it is recorded. C57: a logged-out reader's
pick is kept in a declared first-party cookie, set only when they pick; an account's preference is kept on the
server and comes first. C12: the policy is shown in the reader's language when a translation exists, marked
as a translation whose English original prevails. C118: the notices and mail reach people in their language.
"""

import pytest
from django.core import mail as outbox
from django.test import Client
from django.utils import translation

from candor.accounts import mail
from candor.accounts.models import User
from candor.governance import queries
from candor.governance.models import PolicyTranslation
from candor.privacy.cookies import DECLARED_NAMES, REGISTRY
from candor.privacy.models import PrivateEvent
from tests.steps import save

COOKIE = "candor_language"


@pytest.fixture(autouse=True)
def main_page(request):
    if "db" in request.fixturenames or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("db")
        save(Client(REMOTE_ADDR="192.0.2.9"), "Main_Page", "Welcome to the wiki.", summary="start")


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.mark.django_db
def test_accept_language_french_gives_the_french_interface_and_lang_fr(reader):
    """C51."""
    html = _html(reader.get("/wiki/Main_Page", HTTP_ACCEPT_LANGUAGE="fr-CH, fr;q=0.9, en;q=0.5"))

    assert '<html lang="fr" dir="ltr">' in html
    assert "Modifications récentes" in html and "Politique de confidentialité" in html
    assert ">Modifier</a>" in html and ">Historique</a>" in html
    assert "Recent changes" not in html


@pytest.mark.django_db
def test_no_accept_language_is_english(reader):
    """The site default: the test client, like many robots, sends no Accept-Language."""
    html = _html(reader.get("/wiki/Main_Page"))

    assert '<html lang="en" dir="ltr">' in html and "Recent changes" in html


@pytest.mark.django_db
def test_the_footer_picker_sets_the_declared_cookie_and_the_next_request_is_german(reader):
    """C57, C55: reading sets no cookie; picking sets `candor_language`, declared with a purpose and a
    lifetime; the next page is German even though the browser asks for French."""
    page = reader.get("/wiki/Main_Page", HTTP_ACCEPT_LANGUAGE="fr")
    assert not page.cookies, "reading must set no cookie"
    assert 'action="/language"' in page.content.decode()

    picked = reader.post(
        "/language", {"language": "de", "next": "/wiki/Main_Page"}, HTTP_ACCEPT_LANGUAGE="fr"
    )

    assert picked.status_code == 302 and picked["Location"] == "/wiki/Main_Page"
    cookie = picked.cookies[COOKIE]
    assert cookie.value == "de" and int(cookie["max-age"]) == 365 * 24 * 3600
    assert COOKIE in DECLARED_NAMES
    declared = next(c for c in REGISTRY if c.name == COOKIE)
    assert declared.purpose and declared.lifetime.days == 365
    html = _html(reader.get("/wiki/Main_Page", HTTP_ACCEPT_LANGUAGE="fr"))
    assert '<html lang="de" dir="ltr">' in html and "Letzte Änderungen" in html


@pytest.mark.django_db
def test_the_picker_refuses_unknown_languages_and_foreign_addresses(reader):
    """C57: only a shipped language is stored, and the picker redirects only within the site."""
    response = reader.post("/language", {"language": "xx", "next": "https://elsewhere.example/"})

    assert response.status_code == 302 and response["Location"] == "/"
    assert COOKIE not in response.cookies


@pytest.mark.django_db
def test_the_account_preference_beats_the_cookie_and_the_header(editor, editor_account):
    """C57: the server-side preference comes first, then the cookie, then Accept-Language; saving it records
    no private event (the choice is kept nowhere else)."""
    events_before = PrivateEvent.objects.count()
    saved = editor.post("/accounts/preferences", {"form": "language", "language": "es"})
    assert saved.status_code == 302
    assert User.objects.get(pk=editor_account.pk).language == "es"
    assert PrivateEvent.objects.count() == events_before

    editor.cookies[COOKIE] = "de"
    html = _html(editor.get("/wiki/Main_Page", HTTP_ACCEPT_LANGUAGE="fr"))

    assert '<html lang="es" dir="ltr">' in html and "Cambios recientes" in html
    preferences = _html(editor.get("/accounts/preferences"))
    assert 'value="es" selected' in preferences


@pytest.mark.django_db
def test_an_empty_preference_falls_back_to_the_browser(editor, editor_account):
    """C57: "as my browser asks"."""
    editor.post("/accounts/preferences", {"form": "language", "language": ""})

    assert '<html lang="fr"' in _html(editor.get("/wiki/Main_Page", HTTP_ACCEPT_LANGUAGE="fr"))


@pytest.mark.django_db
def test_an_arabic_page_is_right_to_left_and_the_ip_warning_is_arabic(reader):
    """C51, C36: dir="rtl" from the active language, and the logged-out editor's address warning in Arabic."""
    html = _html(reader.get("/wiki/Sandbox?action=edit", HTTP_ACCEPT_LANGUAGE="ar"))

    assert '<html lang="ar" dir="rtl">' in html
    assert "أنت غير مسجّل الدخول." in html and "عنوان IP" in html


@pytest.mark.django_db
def test_the_choice_is_sent_back_with_vary(reader):
    """A shared cache must not give one reader's language to another."""
    response = reader.get("/wiki/Main_Page", HTTP_ACCEPT_LANGUAGE="fr")

    assert "Accept-Language" in response["Vary"] and "Cookie" in response["Vary"]
    assert response["Content-Language"] == "fr"


@pytest.mark.django_db
def test_page_content_and_history_are_not_translated(reader):
    """Page content stays as written; only the interface around it changes."""
    save(reader, "Sandbox", "Hello from the sandbox.", summary="first words")
    html = _html(reader.get("/wiki/Sandbox?action=history", HTTP_ACCEPT_LANGUAGE="fr"))

    assert "first words" in html and "Historique de Sandbox" in html


@pytest.mark.django_db
def test_a_french_accounts_mail_is_french(make_account, jobs, django_capture_on_commit_callbacks):
    """C118, C57: mail goes out in the recipient's language."""
    account = make_account("Camille")
    User.objects.filter(pk=account.pk).update(language="fr", email="camille@example.org")

    assert mail.send_verification(account.pk, "camille@example.org")

    message = outbox.outbox[-1]
    assert message.subject == "Confirmez votre adresse électronique sur Candor"
    assert "Bonjour Camille" in message.body and "ne vous demande jamais votre mot de passe" in message.body
    assert "Hello" not in message.body


@pytest.mark.django_db
def test_an_english_accounts_mail_stays_english_whatever_the_request(make_account, jobs):
    """The mail's language is the recipient's, not that of whoever's request queued it."""
    account = make_account("Dana")
    User.objects.filter(pk=account.pk).update(email="dana@example.org")
    with translation.override("de"):
        assert mail.send_verification(account.pk, "dana@example.org")

    assert outbox.outbox[-1].subject == "Confirm your email address on Candor"


@pytest.mark.django_db
def test_the_policy_page_shows_the_translation_in_the_readers_language(reader):
    """C12: the version in force in French for a French reader, marked, the English original prevailing; a
    reader whose language has no translation gets the English original."""
    policy = queries.policy_in_force()
    if policy is None:
        pytest.skip("no policy in force in this database")
    PolicyTranslation.objects.create(version=policy, language="fr", text="# Politique\n\nNous gardons peu.\n")

    french = _html(reader.get("/privacy", HTTP_ACCEPT_LANGUAGE="fr"))
    german = _html(reader.get("/privacy", HTTP_ACCEPT_LANGUAGE="de"))

    assert "Nous gardons peu." in french and "the original English version takes precedence" in french
    assert "Nous gardons peu." not in german and 'id="translation-note"' not in german
    assert "Nous gardons peu." not in _html(reader.get("/privacy?lang=en", HTTP_ACCEPT_LANGUAGE="fr"))


@pytest.mark.django_db
def test_every_shipped_language_is_offered_in_the_footer():
    """C51: the picker lists each language of settings.LANGUAGES under its own name."""
    html = Client().get("/wiki/Special:RecentChanges").content.decode()

    for code, name in (("fr", "Français"), ("de", "Deutsch"), ("es", "Español"), ("ar", "العربية")):
        assert f'<option value="{code}" lang="{code}">{name}</option>' in html
