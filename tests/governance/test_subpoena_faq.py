"""C83: the legal notice recommends legal counsel and links to the subpoena FAQ, a public page that explains
what Candor does with a legal demand; the policy links to it too."""

from django.test import Client

from candor.governance import actions
from candor.privacy import clock
from tests.governance.conftest import bodies
from tests.governance.test_legal_demands import assess, day, record

FAQ = "/privacy/legal-demands"


def test_carols_notice_advises_counsel_and_links_the_faq_she_can_read_without_an_account(
    carol, legal_officer, smtp_server, settings
):
    demand = assess(legal_officer, record(legal_officer, carol))
    with clock.frozen_at(day(0)):
        actions.do_send_legal_notice(legal_officer.user, demand)

    (body,) = bodies(smtp_server)
    assert "legal counsel" in body
    assert f"{settings.CANDOR_SITE_URL}{FAQ}" in body

    response = Client().get(FAQ)
    assert response.status_code == 200
    assert not response.cookies
    page = response.content.decode()
    explained = (
        "ten calendar days",
        "legal restraint",
        "life or limb",
        "object",
        "limit any legal objections",
    )
    for words in (*explained, "legal counsel", "/privacy/transparency"):
        assert words in page, words


def test_the_policy_links_the_faq(reader):
    assert f'href="{FAQ}"' in reader.get("/privacy").content.decode()
