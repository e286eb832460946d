"""Every kind of page links to the privacy policy from its footer, and the link shows the policy."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POLICY_SENTENCE = "by using wikimedia sites, you consent to this policy"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        pytest.param("/wiki/Harbour_Lighthouse", 200, id="article"),
        pytest.param("/wiki/Harbour_Lighthouse?action=history", 200, id="history"),
        pytest.param("/wiki/Harbour_Lighthouse?action=edit", 200, id="edit-form"),
        pytest.param("/accounts/signup", 200, id="signup"),
        pytest.param("/accounts/login", 200, id="login"),
        pytest.param("/wiki/No_Such_Lighthouse", 404, id="missing-page"),
        pytest.param("/no/such/address", 404, id="404"),
    ],
)
def test_footer_privacy_policy_link_shows_the_policy(
    page, live_server, privacy_policy, editor_account, write_page, path, status
):
    """C03: the privacy policy is linked from the footer of every page, error pages included."""
    write_page(
        "Harbour Lighthouse", "The lighthouse was built in 1874.", by=editor_account, summary="new page"
    )

    response = page.goto(path)
    assert response.status == status
    page.locator("footer").get_by_role("link", name="Privacy policy").click()

    expect(page).to_have_url(f"{live_server.url}/privacy")
    expect(page.locator("main")).to_contain_text(POLICY_SENTENCE, ignore_case=True)
