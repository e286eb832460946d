"""Issue 17 (C51, C57, C118): Special:Upload, its refusals and the File: page in the reader's language.

C51: the browser's Accept-Language picks the interface of Special:Upload, with lang and dir; C57: the
account's preference comes first; C118: the warning about what an upload publishes reaches people in their
language.
"""

import io

import pytest
from django.test import Client

from candor.accounts.models import User
from tests.media.conftest import png

# Per language: the page title, a sentence of the warning (C36, C43) and the submit button.
UPLOAD_PAGE = {
    "fr": ("Importer un fichier", "Ce que vous importez est public et permanent.", ">Importer</button>"),
    "de": ("Datei hochladen", "Was Sie hochladen, ist öffentlich und dauerhaft.", ">Hochladen</button>"),
    "es": ("Subir un archivo", "Lo que subes es público y permanente.", ">Subir</button>"),
    "ar": ("رفع ملف", "ما ترفعه علني ودائم.", ">رفع</button>"),
}


def _upload(client: Client, name: str, data: bytes, **headers):
    form = {"name": name, "comment": "", "file": io.BytesIO(data)}
    return client.post("/wiki/Special:Upload", form, **headers)


@pytest.mark.parametrize("language", UPLOAD_PAGE)
def test_special_upload_is_in_the_browsers_language(editor, language):
    """C51, C118: title, warning, labels and button translated; Arabic right to left."""
    title, warning, button = UPLOAD_PAGE[language]
    response = editor.get("/wiki/Special:Upload", HTTP_ACCEPT_LANGUAGE=language)

    html = response.content.decode()
    direction = "rtl" if language == "ar" else "ltr"
    assert response.status_code == 200 and response["Content-Language"] == language
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert f"<title>{title}" in html and f"<h1>{title}</h1>" in html
    assert warning in html and button in html
    assert "public and permanent" not in html and "Upload a file" not in html


def test_a_logged_out_reader_is_asked_to_log_in_in_spanish(reader):
    html = reader.get("/wiki/Special:Upload", HTTP_ACCEPT_LANGUAGE="es").content.decode()

    assert '<a href="/accounts/login?next=/wiki/Special:Upload">acceder</a> para subir un archivo' in html


def test_a_refusal_is_in_the_uploaders_language(editor, editor_account):
    """C57: the account's preference (German) beats the browser's French; the refusal of a file holding
    markup comes back in German, and nothing is stored."""
    User.objects.filter(pk=editor_account.pk).update(language="de")

    response = _upload(
        editor, "Harbour.jpg", b"<html><script>alert(1)</script></html>", HTTP_ACCEPT_LANGUAGE="fr"
    )

    html = response.content.decode()
    assert response.status_code == 400 and '<html lang="de"' in html
    assert "Diese Datei enthält HTML, SVG oder XML, worin Skripte stecken können" in html
    assert "which can carry script" not in html


def test_the_file_page_is_in_french_around_an_untranslated_description(editor, reader):
    """C51: the interface of the File: page is French; the uploader's description stays as written."""
    assert _upload(editor, "Green.png", png(), HTTP_ACCEPT_LANGUAGE="en").status_code == 302

    html = reader.get("/wiki/File:Green.png", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert '<html lang="fr" dir="ltr">' in html
    assert "<h2>Historique du fichier</h2>" in html and "<h2>Utilisation du fichier</h2>" in html
    assert "Ce fichier ne contient aucune métadonnée : Candor les a supprimées lors de l’import." in html
    assert "40 × 30 pixels" in html and "Importé par <a href=" in html
    assert "File history" not in html and "Uploaded by" not in html
