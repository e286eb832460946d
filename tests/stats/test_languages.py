"""Issue 17 (C51, C57, C118): the statistics pages in the reader's language. The interface is translated; what
a release holds (its mechanism, its key set, its reason and the CSV's column names) is data, and stays as
it was published."""

import pytest
from django.test import Client

from candor.privacy import clock
from candor.stats import actions, counting
from tests.stats.conftest import DAY, NEXT_DAY
from tests.stats.test_publish_page import FORM, _pass_second_factor

# Per language: the page title, the start of the explanation, and the empty ledger's sentence.
RELEASES_PAGE = {
    "fr": (
        "Statistiques publiées",
        "Candor ne publie la façon dont ses pages",
        "Rien n’a encore été dépensé.",
    ),
    "de": (
        "Veröffentlichte Statistiken",
        "Candor veröffentlicht, wie seine Seiten",
        "Noch nichts verbraucht.",
    ),
    "es": ("Estadísticas publicadas", "Candor solo publica cómo se leen", "Todavía no se ha gastado nada."),
    "ar": ("الإصدارات الإحصائية", "لا ينشر Candor كيفية قراءة صفحاته", "لم يُستهلك شيء بعد."),
}


@pytest.fixture
def published(make_page, steward_account):
    """One page-view release of DAY, approved by Stella."""
    make_page("Popular")
    counting.add_counts([(DAY.date(), "Popular", "GB", 2_000)])
    with clock.frozen_at(NEXT_DAY):
        return actions.do_publish_release(
            "page_day", DAY.date(), approver=steward_account, reason="Daily release"
        )


@pytest.mark.django_db
@pytest.mark.parametrize("language", RELEASES_PAGE)
def test_the_releases_page_is_in_the_browsers_language(language):
    """C51: /stats/releases in French, German, Spanish and Arabic, with lang and dir."""
    title, explanation, nothing_spent = RELEASES_PAGE[language]
    response = Client().get("/stats/releases", HTTP_ACCEPT_LANGUAGE=language)

    html = response.content.decode()
    direction = "rtl" if language == "ar" else "ltr"
    assert response.status_code == 200 and response["Content-Language"] == language
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert f"<h1>{title}</h1>" in html and explanation in html and nothing_spent in html
    assert "Statistics releases" not in html and "Nothing spent yet." not in html


def test_a_release_is_shown_in_german_and_its_data_stays_as_published(published):
    """C51: headings, the contribution bound's plural and the ledger's dataset are German; the mechanism,
    the reason and the CSV's column names are the release's own."""
    reader = Client()
    html = reader.get("/stats/releases", HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert "<th>Abfrage</th>" in html and "<th>Genehmigt von</th>" in html
    assert "10 Zellen × 1" in html and "<td>Seitenaufrufe</td>" in html
    assert published.mechanism in html and "Daily release" in html
    csv = reader.get(f"/stats/releases/{published.pk}", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert csv.splitlines()[0] == "page,views"
    missing = reader.get("/stats/releases/999999", HTTP_ACCEPT_LANGUAGE="de")
    assert missing.status_code == 404 and "Diese Veröffentlichung gibt es nicht." in missing.content.decode()


def test_the_publish_page_and_its_refusal_are_in_the_stewards_spanish(published, steward_account):
    """C57, C118: the steward's preference is Spanish; the form's labels and the refusal of a release over
    the period's budget are Spanish."""
    steward_account.language = "es"
    steward_account.save(update_fields=["language"])
    steward = Client(REMOTE_ADDR="192.0.2.71")
    steward.force_login(steward_account)
    _pass_second_factor(steward, steward_account)

    with clock.frozen_at(NEXT_DAY):
        form = steward.get("/stats/publish").content.decode()
        refused = steward.post("/stats/publish", FORM | {"rho": "0.03"})

    assert "<h1>Publicar estadísticas</h1>" in form and "Día (o primer día del mes)" in form
    assert "Visitas por página y día" in form
    html = refused.content.decode()
    assert refused.status_code == 400 and '<html lang="es"' in html
    assert "Rechazada: esta publicación gastaría ρ=" in html and "Refused" not in html
