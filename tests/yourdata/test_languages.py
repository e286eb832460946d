"""Issue 17 (C51, C57, C118): the your-data pages in the reader's language, right to left in Arabic; the
privileged-access log stays in English whatever language the person or the steward reads."""

import pytest

from candor.accounts.models import User
from candor.privacy.audit import AccessEventType, AccessLogEntry
from candor.yourdata.models import DataRequest, Kind
from tests.steps import PASSWORD, save
from tests.yourdata.conftest import logged_in

# Per language: the html element, the page title, a button, and a sentence with the configured 28 days.
YOUR_DATA = {
    "fr": (
        '<html lang="fr" dir="ltr">',
        "<h1>Vos données</h1>",
        "Demander une copie de mes données",
        "Chaque demande reçoit une réponse en 28 jours au plus",
    ),
    "de": (
        '<html lang="de" dir="ltr">',
        "<h1>Ihre Daten</h1>",
        "Eine Kopie meiner Daten anfordern",
        "Jeder Antrag wird innerhalb von höchstens 28 Tagen beantwortet",
    ),
    "es": (
        '<html lang="es" dir="ltr">',
        "<h1>Tus datos</h1>",
        "Pedir una copia de mis datos",
        "Cada solicitud se responde en 28 días como máximo",
    ),
    "ar": (
        '<html lang="ar" dir="rtl">',
        "<h1>بياناتك</h1>",
        "اطلب نسخة من بياناتي",
        "يُجاب عن كل طلب خلال 28 يومًا على الأكثر",
    ),
}


@pytest.mark.parametrize("language", YOUR_DATA)
def test_the_your_data_page_is_in_the_browsers_language(make_account, settings, language):
    """C51: Accept-Language picks the interface; Arabic is right to left, with its own plural of 28 days."""
    settings.CANDOR_REQUEST_DUE_DAYS = 28
    client = logged_in(make_account("Camille"))

    html = client.get("/yourdata/", HTTP_ACCEPT_LANGUAGE=language).content.decode()

    for expected in YOUR_DATA[language]:
        assert expected in html
    assert "Request a copy of my data" not in html and "Your requests" not in html


def test_no_accept_language_keeps_the_your_data_page_english(make_account):
    html = logged_in(make_account("Dana")).get("/yourdata/").content.decode()

    assert '<html lang="en" dir="ltr">' in html and "Request a copy of my data" in html


def test_a_request_in_french_a_decision_in_german_and_a_log_in_english(make_account, steward):
    """C57: Camille's account asks for French, Stella's for German; each reads the request in their own
    language, and the privileged-access log records every move in English (logs are not translated)."""
    camille = make_account("Camille")
    User.objects.filter(pk=camille.pk).update(language="fr")
    stella = User.objects.get(username="Stella")
    User.objects.filter(pk=stella.pk).update(language="de")
    client = logged_in(User.objects.get(pk=camille.pk))
    save(client, "User:Camille", "Bonjour.", summary="page")
    save(client, "User:Camille/Notes", "Notes.", summary="notes")

    wrong = client.post("/yourdata/delete-user-page", {"password": "not it"}, follow=True).content.decode()
    asked = client.post("/yourdata/delete-user-page", {"password": PASSWORD}, follow=True).content.decode()

    assert "Ce n’est pas votre mot de passe." in wrong
    assert "Votre demande a été transmise aux stewards." in asked
    assert "Suppression de vos pages utilisateur" in asked and "Identité confirmée" in asked
    request = DataRequest.objects.get(kind=Kind.PAGE_DELETION)
    queue = steward.get("/yourdata/queue").content.decode()
    assert (
        "Anträge zu personenbezogenen Daten" in queue and "Genehmigen: Löschung Ihrer Benutzerseiten" in queue
    )
    decided = steward.post("/yourdata/queue", {"request": request.pk, "decision": "approve"}, follow=True)
    assert "2 Benutzerseiten gelöscht; das Lösch-Logbuch zeigt es." in decided.content.decode()
    moves = AccessLogEntry.objects.filter(
        event_type=AccessEventType.SUBJECT_REQUEST, target=f"user:{camille.pk}"
    ).values_list("reason", flat=True)
    assert list(moves) == [
        f"Deletion of your user pages (request {request.pk}): {state}"
        for state in ("received", "identity confirmed", "in progress", "completed")
    ]
