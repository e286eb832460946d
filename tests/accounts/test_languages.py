"""Issue 17: the interface in the reader's language.

C51: the browser's Accept-Language is honoured, and nothing about it is recorded. C57: a logged-out reader's
pick is kept in a declared first-party cookie, set only when they pick; an account's preference is kept on the
server and comes first. C12: the policy is shown in the reader's language when a translation exists, marked
as a translation whose English original prevails. C118: the notices and mail reach people in their language.
"""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.core import mail as outbox
from django.test import Client
from django.utils import translation

from candor.accounts import mail
from candor.accounts.actions import do_block, do_grant_role
from candor.accounts.models import User
from candor.governance import queries
from candor.governance.models import PolicyTranslation
from candor.privacy.cookies import DECLARED_NAMES, REGISTRY
from candor.privacy.models import PrivateEvent
from candor.privacy.roles import Role
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
@pytest.mark.ip_attribution
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


# --- The whole interface, page by page (issue 17: accounts, privacy, wiki, public logs) ---------------------

# Interface words and sentences of each page in English. None may be left in a translated page's <header>,
# <main> and <footer> (page content, user names, code and the language picker's own names set aside).
ENGLISH_EVERYWHERE = [
    "Recent changes",
    "Public logs",
    "Privacy policy",
    "Cookie statement",
    "What we collect",
    "Log in",
    "Create account",
    "Search Candor",
    "Not logged in",
    "Change language",
    "Disclaimers",
    "Language",
]
ENGLISH_ON = {
    "/accounts/signup": [
        "Create an account",
        "All you need is a username",
        "Your username will be public",
        "Username",
        "Password",
        "Email address",
        "Already have an account",
        "By creating an account",
    ],
    "/accounts/login": ["Forgot your password", "No account", "a username and a password are all it takes"],
    "/accounts/preferences": [
        "Everything on this page is private",
        "Mail I agree to receive",
        "Notice version",
        "Save what I receive",
        "Mail from other users",
        "Change password",
        "Time zone",
        "Save language",
        "Occasional email",
        "News and updates by email",
        "Administrative mail",
        "Let other users email me",
        "Save email address",
        "Current password",
        "New password",
    ],
    "/wiki/Main_Page?action=history": [
        "revision history",
        "Edit",
        "History",
        "When",
        "Size",
        "Summary",
        "By",
        "new page",
    ],
    "/wiki/Special:RecentChanges": ["When", "Size", "Summary", "By", "new page", "cur", "prev"],
    "/wiki/Special:Search?q=Nowhere+to+be+found": [
        "No page matches",
        "Search terms",
        "does not exist",
        "Create it",
    ],
    "/wiki/Special:Log": [
        "Logs",
        "all",
        "When",
        "What",
        "User creation log",
        "User rights log",
        "Block log",
        "Deletion log",
        "was created",
        "blocked",
        "granted",
        "The operator",
        "Upload log",
        "to",
    ],
    "/privacy/cookies": [
        "Why",
        "When it is set",
        "How long it lasts",
        "Whose",
        "Keeps you logged in",
        "first-party",
        "days",
        "Local storage",
        "In the last",
        "with Do Not Track",
        "requests",
    ],
}
# One real translation on each page, as a reader of the language would expect to see it.
TRANSLATED = {
    "/accounts/signup": {
        "fr": "Créer un compte",
        "de": "Benutzerkonto anlegen",
        "es": "Crear una cuenta",
        "ar": "إنشاء حساب",
    },
    "/accounts/login": {
        "fr": "Mot de passe oublié",
        "de": "Passwort vergessen",
        "es": "¿Has olvidado tu contraseña?",
        "ar": "نسيت كلمة المرور",
    },
    "/accounts/preferences": {
        "fr": "Courriels que j’accepte de recevoir",
        "de": "E-Mails, die ich erhalten möchte",
        "es": "Correos que acepto recibir",
        "ar": "الرسائل التي أوافق على تلقيها",
    },
    "/wiki/Main_Page?action=history": {
        "fr": "Main Page : historique des versions",
        "de": "Main Page: Versionsgeschichte",
        "es": "Main Page: historial de revisiones",
        "ar": "Main Page: تاريخ المراجعات",
    },
    "/wiki/Special:RecentChanges": {
        "fr": "Modifications récentes",
        "de": "Letzte Änderungen",
        "es": "Cambios recientes",
        "ar": "أحدث التغييرات",
    },
    "/wiki/Special:Search?q=Nowhere+to+be+found": {
        "fr": "Aucune page ne correspond à « Nowhere to be found ».",
        "de": "Keine Seite entspricht „Nowhere to be found“.",
        "es": "Ninguna página coincide con «Nowhere to be found».",
        "ar": "لا توجد صفحة تطابق «Nowhere to be found».",
    },
    "/wiki/Special:Log": {
        "fr": "Carol</a> a bloqué <a",
        "de": "Carol</a> sperrte <a",
        "es": "Carol</a> bloqueó a <a",
        "ar": "Carol</a> منع <a",
    },
    "/privacy/cookies": {
        "fr": "Déclaration relative aux cookies",
        "de": "Cookie-Erklärung",
        "es": "Declaración de cookies",
        "ar": "بيان ملفات تعريف الارتباط",
    },
}
SKIPPED = {"article", "code", "option", "textarea", "script", "style", "title"}


class InterfaceText(HTMLParser):
    """The words a reader sees around the content: text and labels inside <header>, <main> and <footer>,
    without the page's own content (<article>), code, the picker's language names or what was typed."""

    def __init__(self):
        super().__init__()
        self.open, self.skipping, self.parts = 0, 0, []

    def handle_starttag(self, tag, attrs):
        if tag in {"header", "main", "footer"}:
            self.open += 1
        if tag in SKIPPED:
            self.skipping += 1
        if self.open and not self.skipping:
            self.parts += [value for name, value in attrs if name in {"placeholder", "aria-label"} and value]

    def handle_endtag(self, tag):
        if tag in {"header", "main", "footer"}:
            self.open -= 1
        if tag in SKIPPED:
            self.skipping -= 1

    def handle_data(self, data):
        if self.open and not self.skipping:
            self.parts.append(data)


def _interface_text(html: str) -> str:
    parser = InterfaceText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def _english_left(text: str, phrases: list[str]) -> list[str]:
    return [phrase for phrase in phrases if re.search(rf"\b{re.escape(phrase)}\b", text)]


@pytest.fixture
def a_busy_wiki(make_account):
    """A second revision of the main page (so lists link to "prev" and "cur"); an account creation, a rights
    change by the operator and one by a steward, and a block: each kind of sentence of Special:Log."""
    save(Client(REMOTE_ADDR="192.0.2.9"), "Main_Page", "Welcome to the wiki, again.", summary="again")
    carol, stella = make_account("Carol"), make_account("Stella")
    do_grant_role(target=stella, role=Role.STEWARD, reason="Elected by the community")
    do_grant_role(target=carol, role=Role.ADMINISTRATOR, reason="Elected by the community", performer=stella)
    do_block(performer=carol, target="203.0.113.7", duration=timedelta(days=1), reason="Vandalism on Dock")


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "de", "es", "ar"])
def test_every_page_a_person_uses_is_in_their_language_without_english_left(
    language, reader, editor, a_busy_wiki, make_account
):
    """C51, C118: signup, login, preferences, history, recent changes, search, the public logs and the cookie
    statement, asked for in French, German, Spanish or Arabic, say nothing in English around the content."""
    problems = {}
    for url, phrases in ENGLISH_ON.items():
        client = editor if url == "/accounts/preferences" else reader
        html = _html(client.get(url, HTTP_ACCEPT_LANGUAGE=language))
        assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in html, url
        assert TRANSLATED[url][language] in html, url
        left = _english_left(_interface_text(html), phrases + ENGLISH_EVERYWHERE)
        if url == "/accounts/preferences":  # a logged-in page: the account's links instead of "Log in"
            left = [phrase for phrase in left if phrase != "Language"]
        if left:
            problems[url] = left

    assert not problems, f"English left in {language}: {problems}"


@pytest.mark.django_db
def test_the_same_pages_in_english_hold_every_phrase_the_check_looks_for(reader, editor, a_busy_wiki):
    """The check above can fail: in English, each page shows the phrases it looks for."""
    for url, phrases in ENGLISH_ON.items():
        client = editor if url == "/accounts/preferences" else reader
        text = _interface_text(_html(client.get(url)))
        missing = [phrase for phrase in phrases if phrase not in _english_left(text, phrases)]
        assert not missing, f"{url} in English lacks {missing}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "refusal"),
    [
        ("fr", "Le nom d’utilisateur ou le mot de passe est incorrect."),
        ("de", "Der Benutzername oder das Passwort ist falsch."),
        ("es", "El nombre de usuario o la contraseña no son correctos."),
        ("ar", "اسم المستخدم أو كلمة المرور غير صحيحة."),
    ],
)
def test_a_wrong_password_is_refused_in_the_readers_language(language, refusal, editor_account):
    """C51: a form's error is translated like the rest of the form."""
    browser = Client(enforce_csrf_checks=False)
    response = browser.post(
        "/accounts/login",
        {"username": "Alice", "password": "not her password"},
        HTTP_ACCEPT_LANGUAGE=language,
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert refusal in page and "The username or the password is incorrect." not in page
