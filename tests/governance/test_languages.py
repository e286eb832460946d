"""Issue 17 (C12, C51, C57, C118): the governance pages in the reader's language, right to left in Arabic;
dates written as each language writes them; the site notices in each reader's language from one shared
memo; the precedence of the English original stated in the reader's language and quoted in English; the
legal notice mailed in its recipient's language, and the confirmation of the announce list in the language of
the page it was asked from."""

from datetime import timedelta
from email import message_from_bytes
from email import policy as email_policy

import pytest

from candor.accounts.models import User
from candor.governance import actions, queries
from candor.governance.models import Assessment, PolicyTranslation
from candor.privacy import clock
from tests.governance.conftest import DAY_0

# Per language: the html element, the report's title, one sentence of its text, the empty table's row.
TRANSPARENCY = {
    "fr": (
        '<html lang="fr" dir="ltr">',
        "<h1>Rapport de transparence</h1>",
        "Aucun nom, compte ni émetteur n’est publié.",
        "Aucune demande légale n’a été reçue.",
    ),
    "de": (
        '<html lang="de" dir="ltr">',
        "<h1>Transparenzbericht</h1>",
        "Es werden keine Namen, Benutzerkonten oder Antragsteller veröffentlicht.",
        "Es ist keine rechtliche Anforderung eingegangen.",
    ),
    "es": (
        '<html lang="es" dir="ltr">',
        "<h1>Informe de transparencia</h1>",
        "No se publica ningún nombre, cuenta ni emisor.",
        "No se ha recibido ningún requerimiento legal.",
    ),
    "ar": (
        '<html lang="ar" dir="rtl">',
        "<h1>تقرير الشفافية</h1>",
        "لا تُنشر أي أسماء أو حسابات أو جهات مصدِرة.",
        "لم يرد أي طلب قانوني.",
    ),
}


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.mark.parametrize("language", TRANSPARENCY)
def test_the_transparency_report_is_in_the_browsers_language(reader, language):
    """C51: Accept-Language picks the interface; Arabic is right to left."""
    html = _html(reader.get("/privacy/transparency", HTTP_ACCEPT_LANGUAGE=language))

    for expected in TRANSPARENCY[language]:
        assert expected in html
    assert "No names, accounts or issuers are published." not in html


def test_the_policy_page_writes_its_dates_as_each_language_does(reader):
    """Version 1's approval (C115), in French and German words and date order; English stays as it was."""
    french = _html(reader.get("/privacy", HTTP_ACCEPT_LANGUAGE="fr"))
    german = _html(reader.get("/privacy", HTTP_ACCEPT_LANGUAGE="de"))
    english = _html(reader.get("/privacy"))

    assert "Cette page est protégée" in french
    assert "Cette version a été approuvée par Katherine Maher le 17 mai 2018" in french
    assert "est entrée en vigueur le 24 mai 2018" in french
    assert "Diese Version wurde am 17. Mai 2018 von Katherine Maher genehmigt" in german
    assert "This version was approved by Katherine Maher on May 17, 2018" in english


def test_a_translated_policy_says_in_the_readers_language_that_the_english_original_prevails(reader):
    """C12: the French text for a French reader, the precedence note in French with a link to the English
    original, and the policy's own sentence quoted in English; an English reader asking for the French text
    reads the note in English, once."""
    PolicyTranslation.objects.create(
        version=queries.policy_in_force(), language="fr", text="# Politique\n\nNous gardons peu.\n"
    )

    french = _html(reader.get("/privacy", HTTP_ACCEPT_LANGUAGE="fr"))
    english = _html(reader.get("/privacy?lang=fr"))

    assert "Nous gardons peu." in french and '<article class="content" lang="fr">' in french
    assert "Ceci est une traduction." in french and "la version originale en anglais prévaut" in french
    assert '<a href="/privacy?lang=en">lire l’original en anglais</a>' in french
    assert '<span lang="en">In the event of any differences in meaning' in french
    assert "Nous gardons peu." in english and "This is a translation." in english
    assert '<span lang="en">' not in english


def test_the_site_notice_is_in_each_readers_language(reader, administrator):
    """C84: the notice of an ownership transfer is on every page; the notices are kept once per process for
    every reader, and each page says them in its reader's language."""
    transfer_on = clock.now().date() + timedelta(days=40)
    actions.do_announce_transfer(
        administrator.user, description="The Example Trust takes over Candor.", transfer_on=transfer_on
    )

    german = _html(reader.get("/privacy/faq", HTTP_ACCEPT_LANGUAGE="de"))
    english = _html(reader.get("/privacy/faq"))

    assert f"Hinweis: Personenbezogene Informationen können am {transfer_on:%Y-%m-%d} an neue" in german
    assert f"a different privacy policy on {transfer_on:%Y-%m-%d}." in english


def test_a_refusal_is_in_the_readers_language(reader):
    """An action's refusal, shown on the page, in Spanish for a Spanish reader."""
    response = reader.post("/privacy/announcements", {"email": "not an address"}, HTTP_ACCEPT_LANGUAGE="es")

    assert response.status_code == 400
    assert (
        "Escribe una dirección de correo electrónico, como nombre@example.org." in response.content.decode()
    )


def _mails(inbox):
    return [message_from_bytes(content, policy=email_policy.default) for _, content in inbox.messages]


def _subject(mail) -> str:
    return " ".join(str(mail["Subject"]).split())  # unfolded, as a mail client shows it


def test_the_legal_notice_to_a_french_account_is_french(carol, legal_officer, smtp_server):
    """C79, C118, C57: Carol's account asks for French; the legal officer reads English. The notice is in
    French, its date in French words; the officer's page, read in Arabic, counts one account in Arabic."""
    User.objects.filter(pk=carol.pk).update(language="fr")
    demand = actions.do_record_demand(
        legal_officer.user, kind="subpoena", issuer="District Court of Example",
        jurisdiction="Example County", accounts=["Carol"], addresses="", fields=["accounts.User.email"],
        deadline=None,
    )  # fmt: skip
    actions.do_assess_demand(
        legal_officer.user, demand, assessment=Assessment.VALID, reasons="Served properly and specific enough"
    )
    with clock.frozen_at(DAY_0):
        actions.do_send_legal_notice(legal_officer.user, demand)

    (notice,) = _mails(smtp_server)
    body = notice.get_content()
    assert _subject(notice) == "Une demande légale d’informations concernant votre compte Candor"
    assert "Candor a reçu une demande légale d’informations concernant votre compte." in body
    assert "Type de demande : Citation à comparaître" in body
    assert "Nous ne divulguerons rien avant le 11 mars 2027 (00:00 UTC)" in body
    assert "legal counsel" not in body and "March" not in body
    page = _html(legal_officer.client.get(f"/governance/legal?demand={demand.pk}", HTTP_ACCEPT_LANGUAGE="ar"))
    assert (
        '<html lang="ar" dir="rtl">' in page
        and "<dd>أُرسل في 2027-03-01 12:00 بالتوقيت العالمي إلى حساب واحد</dd>" in page
    )


def test_the_announce_list_confirms_in_the_language_it_was_asked_in(
    reader, jobs, smtp_server, django_capture_on_commit_callbacks
):
    """C125, C118: a subscriber has no account, so the confirmation goes in the language of the page the
    address was given on; the language is kept nowhere."""
    with django_capture_on_commit_callbacks(execute=True):
        response = reader.post(
            "/privacy/announcements", {"email": "ines@example.org"}, HTTP_ACCEPT_LANGUAGE="de"
        )
    assert response.status_code == 302

    (confirmation,) = _mails(smtp_server)
    assert _subject(confirmation) == "Bestätigen Sie Ihr Abonnement der Candor-Ankündigungen"
    assert "innerhalb von 24 Stunden diesen Link" in confirmation.get_content()
