"""Every kind of page links to the privacy policy from its footer, and the link shows the policy."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

POLICY_SENTENCE = "by using wikimedia sites, you consent to this policy"


@pytest.mark.parametrize(
    ("where", "path", "status"),
    [
        ("article", "/wiki/Harbour_Lighthouse", 200),
        ("history", "/wiki/Harbour_Lighthouse?action=history", 200),
        ("edit form", "/wiki/Harbour_Lighthouse?action=edit", 200),
        ("signup", "/accounts/signup", 200),
        ("missing page", "/wiki/No_Such_Lighthouse", 404),
        ("missing address", "/no/such/address", 404),
    ],
)
def test_footer_privacy_policy_link_shows_the_policy(
    page, live_server, editor, write_page, where, path, status
):
    """C03: the privacy policy is linked from the footer of every page, error pages included."""
    write_page("Harbour Lighthouse", "The lighthouse was built in 1874.", by=editor, summary="new page")

    response = page.goto(path)
    assert response.status == status
    page.locator("footer").get_by_role("link", name="Privacy policy").click()

    expect(page).to_have_url(f"{live_server.url}/privacy")
    expect(page.locator("main")).to_contain_text(POLICY_SENTENCE, ignore_case=True)
