"""C13: the policy's summary says that it is not part of the policy. C14: the pages the policy refers to
(FAQ, glossary, cookie list, retention guidelines, subpoena FAQ, access policy) exist on the installation,
and no link from the policy or from them is broken."""

import re

from django.test import Client

from tests.steps import save

COMPANIONS = [
    "/privacy/faq",
    "/privacy/glossary",
    "/privacy/cookies",
    "/privacy/data",
    "/privacy/legal-demands",
    "/privacy/access-policy",
]
DISCLAIMER = "this summary is not a part of the privacy policy and is not a legal document"


def _internal_links(html: str) -> set[str]:
    return {link.split("#", 1)[0] for link in re.findall(r'href="(/[^"]*)"', html) if link.split("#", 1)[0]}


def test_the_summary_carries_its_disclaimer(reader):
    text = re.sub(r"<[^>]+>", " ", reader.get("/privacy").content.decode())
    summary = text.lower().split("summary", 1)[1].split("introduction", 1)[0]

    assert DISCLAIMER in " ".join(summary.split())


def test_the_policy_links_every_companion_page_and_no_link_is_broken(reader):
    save(reader, "Main Page", "Welcome.")  # every installation has one: the navigation links it
    policy = reader.get("/privacy").content.decode()
    assert set(COMPANIONS) <= _internal_links(policy)

    links = _internal_links(policy)
    for page in COMPANIONS:
        response = reader.get(page)
        assert response.status_code == 200, page
        links |= _internal_links(response.content.decode())
    for link in sorted(links):
        response = Client().get(link)
        moved_to_login = response.status_code == 302 and response["Location"].startswith("/accounts/login")
        assert response.status_code == 200 or moved_to_login, f"{link} answers {response.status_code}"


def test_the_access_policy_that_privileged_users_accept_is_public(reader):
    from candor.privacy.roles import ACCESS_POLICY_TEXT, ACCESS_POLICY_VERSION

    page = reader.get("/privacy/access-policy").content.decode()

    assert f"version {ACCESS_POLICY_VERSION}" in page
    assert " ".join(ACCESS_POLICY_TEXT.split()[:12]) in " ".join(page.split())
