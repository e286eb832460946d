"""C47, C94: releases answer a fixed keyset with OpenDP's noise, suppress cells under the threshold, hold no
address, username or user agent, and spend a per-period privacy budget that refuses what would exceed it."""

import csv
import io
import math
import re

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from candor.privacy import clock
from candor.publiclog.titles import parse
from candor.stats import actions, counting, releases
from candor.stats.models import PrivacyBudget, Release
from tests.stats.conftest import DAY, NEXT_DAY, browser
from tests.steps import save

IPV4 = re.compile(r"\b\d{1,3}(\.\d{1,3}){3}\b")
IPV6 = re.compile(r"\b[0-9a-fA-F]{0,4}(:[0-9a-fA-F]{0,4}){2,7}\b")


def _rows(release: Release) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(release.output)))


def _publish(query: str, approver, **options) -> Release:
    with clock.frozen_at(NEXT_DAY):
        return actions.do_publish_release(
            query, DAY.date(), approver=approver, reason="Monthly research dataset", **options
        )


def test_a_release_from_a_thousand_requests_and_edits_has_no_address_username_or_small_cell(
    make_page, make_account, steward_account, counting_on
):
    """C47, C94: 1,000 synthetic requests (readers from many addresses, with user agents, some logged in)
    and edits by accounts and by logged-out editors: the release has no cell matching an IPv4 or IPv6
    address, no username, no user agent, and no published cell under the threshold."""
    names = ["Popular", "Quiet", "Talk:Popular", "Project:Help desk"]
    for name in names:
        make_page(name)
    editors = [make_account(f"Reader{number}") for number in range(5)]
    with clock.frozen_at(DAY):
        for number, editor in enumerate(editors):  # edits by accounts, and by logged-out editors
            logged_in = Client(REMOTE_ADDR=f"81.2.69.{210 + number}")
            logged_in.force_login(editor)
            assert save(logged_in, "Popular", f"Edit {number}").status_code == 303
            assert (
                save(Client(REMOTE_ADDR=f"2a02:c7f::e{number}"), "Quiet", f"Edit {number}").status_code == 303
            )
        requests = 0
        addresses = [f"81.2.69.{number}" for number in range(200)] + [
            f"2a02:c7f::{number:x}" for number in range(50)
        ]
        for number, address in enumerate(addresses):
            reader = browser(address)
            reader.defaults["HTTP_USER_AGENT"] = f"CanaryAgent/{number}"
            if number % 25 == 0:
                reader.force_login(editors[number % len(editors)])
            for name in ["Popular", "Popular", "Quiet", "Talk:Popular"]:
                reader.get(parse(name).url)
                requests += 1
    counting.flush()
    assert requests == 1_000

    release = _publish("country_page_day", steward_account)

    assert release.status == Release.Status.PUBLISHED
    text = release.output
    assert IPV4.search(text) is None and IPV6.search(text) is None
    assert all(editor.username not in text for editor in editors)
    assert "CanaryAgent" not in text
    rows = _rows(release)
    assert all(int(row["views"]) >= release.threshold for row in rows)
    assert {row["country"] for row in rows} <= set(releases.RELEASE_COUNTRIES)
    assert {row["page"] for row in rows} <= set(names)
    assert release.keys == len(names) * len(releases.RELEASE_COUNTRIES)


def test_busy_cells_are_published_near_their_count_and_small_ones_suppressed(make_page, steward_account):
    make_page("Popular")
    make_page("Quiet")
    counting.add_counts([(DAY.date(), "Popular", "GB", 10_000), (DAY.date(), "Quiet", "GB", 3)])

    release = _publish("country_page_day", steward_account)

    published = {(row["page"], row["country"]): int(row["views"]) for row in _rows(release)}
    assert abs(published[("Popular", "GB")] - 10_000) < 6 * release.noise_scale
    assert ("Quiet", "GB") not in published
    assert release.cells == len(published)


def test_a_key_outside_the_keyset_never_appears(make_page, steward_account):
    """Keys come from pages that exist and the fixed country list, never from the counts: a page deleted
    since it was counted, a user page, or a country code not on the list is never released."""
    make_page("Popular")
    counting.add_counts(
        [
            (DAY.date(), "Popular", "GB", 5_000),
            (DAY.date(), "Gone page", "GB", 50_000),
            (DAY.date(), "User:Alice", "GB", 50_000),
            (DAY.date(), "Popular", "EU", 50_000),
        ]
    )

    release = _publish("country_page_day", steward_account, threshold=0)
    by_page = _publish("page_day", steward_account, threshold=0)

    keys = {(row["page"], row["country"]) for row in _rows(release)}
    assert {page for page, _ in keys} == {"Popular"}
    assert "EU" not in {country for _, country in keys}
    assert {row["page"] for row in _rows(by_page)} == {"Popular"}


def test_the_noise_spread_matches_the_configured_scale():
    """A fixed large sample: 100,000 cells of zero, noised by OpenDP's discrete Gaussian at the scale that
    spends Wikimedia's ρ = 0.015 for ten views a browser (σ = √(10 / 0.03) ≈ 18.26). The sample's standard
    deviation is within 2% of σ (its own standard error is 0.22%) and its mean within 0.5 of zero (standard
    error 0.06); 68.3% of the cells fall within one σ, ±1.5 points (standard error 0.15)."""
    parameters = releases.Parameters(rho=0.015, threshold=90, keys_per_unit=10, per_key_bound=1)
    scale, rho = releases.calibrate(parameters)
    sample = releases.noise([0] * 100_000, scale)

    assert scale == pytest.approx(math.sqrt(10 / 0.03), rel=1e-3)
    assert rho <= 0.015
    assert float(np.std(sample)) == pytest.approx(scale, rel=0.02)
    assert abs(float(np.mean(sample))) < 0.5
    within = float(np.mean(np.abs(sample) <= scale))
    assert within == pytest.approx(0.683, abs=0.015)
    assert len(np.unique(sample)) > 100  # noise, not a constant


def test_the_budget_refuses_the_release_that_would_exceed_it(make_page, steward_account):
    """The day's budget (ρ = 0.03) covers two releases at ρ = 0.015; the third is refused and spends
    nothing. The ledger is public on /stats/releases."""
    make_page("Popular")
    _publish("page_day", steward_account)
    _publish("country_page_day", steward_account)

    with pytest.raises(actions.ReleaseRefused, match="Refused"):
        _publish("page_day", steward_account)

    budget = PrivacyBudget.objects.get(dataset="pageviews", period_start=DAY.date())
    assert budget.spent == pytest.approx(0.03)
    assert Release.objects.count() == 2


def test_the_budget_is_per_period_and_dataset(make_page, steward_account):
    make_page("Popular")
    _publish("page_day", steward_account, rho=0.03)
    with clock.frozen_at(NEXT_DAY.replace(day=4)):
        other_day = actions.do_publish_release(
            "page_day", NEXT_DAY.date(), approver=steward_account, reason="The next day"
        )

    assert other_day.status == Release.Status.PUBLISHED


def test_a_period_not_over_and_an_approver_without_the_steward_role_are_refused(make_page, make_account):
    make_page("Popular")
    outsider = make_account("Olive")
    with pytest.raises(actions.ReleaseRefused, match="steward"):
        _publish("page_day", outsider)
    assert not PrivacyBudget.objects.exists()


def test_the_period_must_be_over(steward_account):
    with clock.frozen_at(DAY), pytest.raises(actions.ReleaseRefused, match="once it is over"):
        actions.do_publish_release("page_day", DAY.date(), approver=steward_account, reason="Too early today")


def test_a_failed_computation_keeps_the_budget_spent_and_publishes_nothing(
    make_page, steward_account, monkeypatch
):
    make_page("Popular")

    def broken(*args, **kwargs):
        raise RuntimeError("the computation failed")

    monkeypatch.setattr(releases, "compute", broken)
    with pytest.raises(RuntimeError):
        _publish("page_day", steward_account)

    release = Release.objects.get()
    assert release.status == Release.Status.FAILED and release.output == ""
    assert PrivacyBudget.objects.get().spent == pytest.approx(release.rho)


def test_the_command_publishes_a_release(make_page, steward_account, capsys):
    make_page("Popular")
    counting.add_counts([(DAY.date(), "Popular", "GB", 1_000)])
    with clock.frozen_at(NEXT_DAY):
        call_command(
            "stats_release", "page_day", DAY.date().isoformat(), "--approved-by", "Stella", "--reason",
            "Daily page views",
        )  # fmt: skip

    assert "Published release" in capsys.readouterr().out
    release = Release.objects.get()
    assert release.approved_by == steward_account and release.reason == "Daily page views"


def test_the_command_refuses_what_the_action_refuses(make_page, make_account):
    make_account("Olive")
    with clock.frozen_at(NEXT_DAY), pytest.raises(CommandError, match="steward"):
        call_command(
            "stats_release", "page_day", DAY.date().isoformat(), "--approved-by", "Olive", "--reason", "x"
        )


def test_releases_and_the_ledger_are_public(make_page, steward_account, reader):
    make_page("Popular")
    counting.add_counts([(DAY.date(), "Popular", "GB", 1_000)])
    release = _publish("page_day", steward_account)

    listing = reader.get("/stats/releases")
    output = reader.get(f"/stats/releases/{release.pk}")

    assert listing.status_code == 200
    html = listing.content.decode()
    assert "Privacy budget ledger" in html and "0.0150" in html and "Stella" in html
    assert output.status_code == 200 and output["Content-Type"].startswith("text/csv")
    assert output.content.decode().startswith("page,views\n")
    assert reader.get("/stats/releases/999").status_code == 404
