"""C94: a steward publishes a release from a privileged page behind the access gate; nobody else can tell
that the page exists."""

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from candor.privacy import clock
from candor.stats import counting
from candor.stats.models import Release
from tests.stats.conftest import DAY, NEXT_DAY


def _pass_second_factor(client: Client, user) -> None:
    client.get("/accounts/second-factor")
    device = TOTPDevice.objects.get(user=user)
    assert client.post("/accounts/second-factor", {"code": f"{totp(device.bin_key):06d}"}).status_code == 302


@pytest.fixture
def steward(steward_account) -> Client:
    """Stella: steward, access policy accepted, second factor passed in this session."""
    client = Client(REMOTE_ADDR="192.0.2.71")
    client.force_login(steward_account)
    _pass_second_factor(client, steward_account)
    return client


FORM = {
    "query": "page_day",
    "period_start": DAY.date().isoformat(),
    "rho": "0.015",
    "reason": "Daily release",
}


def test_a_steward_publishes_a_release_from_the_privileged_page(steward, make_page):
    make_page("Popular")
    counting.add_counts([(DAY.date(), "Popular", "GB", 2_000)])
    with clock.frozen_at(NEXT_DAY):
        form = steward.get("/stats/publish")
        published = steward.post("/stats/publish", FORM)

    assert form.status_code == 200 and "noindex" in form.content.decode()
    assert published.status_code == 302 and published["Location"] == "/stats/releases"
    release = Release.objects.get()
    assert release.status == Release.Status.PUBLISHED and release.approved_by.username == "Stella"


def test_the_page_says_why_a_release_is_refused(steward, make_page):
    make_page("Popular")
    with clock.frozen_at(NEXT_DAY):
        steward.post("/stats/publish", FORM | {"rho": "0.03"})
        refused = steward.post("/stats/publish", FORM)

    assert refused.status_code == 400 and "Refused" in refused.content.decode()
    assert Release.objects.count() == 1


def test_nobody_else_can_tell_the_page_exists(reader, outsider, steward_account):
    """Logged out, it asks for a login like every private page; logged in without the role, a 404."""
    assert reader.get("/stats/publish")["Location"].startswith("/accounts/login")
    assert outsider.get("/stats/publish").status_code == 404
    assert outsider.post("/stats/publish", FORM).status_code == 404
    assert not Release.objects.exists()


def test_a_steward_without_the_second_factor_is_told_so(steward_account):
    client = Client()
    client.force_login(steward_account)

    response = client.get("/stats/publish")

    assert response.status_code == 403 and "second factor" in response.content.decode()
