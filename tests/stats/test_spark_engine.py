"""C47, C94 (issue 16): the same release definition runs on Tumult Analytics over local Spark
(`candor stats_release --engine spark`), and both engines give results of the same distribution on one
small release: same keyset, same noise scale, same suppression, each recorded with the engine that made it.

Spark needs the extra candor[spark] and Java: without them these tests are skipped on a developer's machine
and fail in CI (CI=true), where .ci/run installs both. One Spark session serves the whole module and is
stopped after it.
"""

import csv
import io
import math
import os

import numpy as np
import pytest
from django.core.management import call_command
from scipy import stats as scipy_stats

from candor.privacy import clock
from candor.stats import actions, counting, releases
from candor.stats.models import GeoEditorsCount, PrivacyBudget, Release
from tests.stats.conftest import DAY, NEXT_DAY

needs_spark = pytest.mark.skipif(
    not releases.engine_available(releases.SPARK) and os.environ.get("CI") != "true",
    reason="Spark needs candor[spark] and a Java runtime (default-jre-headless); CI installs both",
)

BUSY = [f"Busy {number}" for number in range(8)]  # 8 pages × 250 countries: 2,000 cells of the sample
BUSY_VIEWS = 300  # 11.5 σ above the threshold: never suppressed
SIGMA = math.sqrt(10 / (2 * releases.DEFAULT_RHO))  # ten pages a browser a day, ρ = 0.015: 18.26


@pytest.fixture(scope="module")
def spark():
    """The process's Spark session (stats/releases_spark.py), on 127.0.0.1, stopped after the module."""
    from candor.stats import releases_spark

    session = releases_spark.spark()
    yield session
    session.stop()


def _cells(release: Release) -> dict[tuple[str, str], int]:
    return {
        (row["page"], row["country"]): int(row["views"])
        for row in csv.DictReader(io.StringIO(release.output))
    }


@needs_spark
def test_both_engines_give_the_same_distribution_on_one_release(spark, make_page, steward_account, capsys):
    """One day of page views (2,000 busy cells at 300 views, a quiet page never read, and counts of a
    deleted page, a user page and a code not on the country list) released once by OpenDP through the
    action and once by Tumult on Spark through the command. Both answer exactly the keyset with the same
    σ (within 0.1%) and suppress under the threshold of 90. Their noise on the 2,000 busy cells: each
    mean within 2 of 0 (standard error 0.41), each standard deviation within 8% of σ (standard error
    1.6%), and a two-sample Kolmogorov-Smirnov test does not tell them apart (p > 0.001)."""
    for name in [*BUSY, "Quiet"]:
        make_page(name)
    day = DAY.date()
    counting.add_counts(
        [(day, page, country, BUSY_VIEWS) for page in BUSY for country in releases.RELEASE_COUNTRIES]
        + [(day, "Gone page", "GB", 5_000), (day, "User:Alice", "GB", 5_000), (day, "Busy 0", "EU", 5_000)]
    )

    with clock.frozen_at(NEXT_DAY):
        by_opendp = actions.do_publish_release(
            "country_page_day", day, approver=steward_account, reason="Both engines", engine="opendp"
        )
        call_command(
            "stats_release", "country_page_day", day.isoformat(), "--approved-by", "Stella",
            "--reason", "Both engines", "--engine", "spark",
        )  # fmt: skip
    by_spark = Release.objects.get(engine="spark")

    assert "on spark" in capsys.readouterr().out
    assert by_opendp.engine == "opendp" and by_opendp.mechanism.startswith("OpenDP")
    assert by_spark.mechanism.startswith("Tumult Analytics on Spark")
    assert by_spark.status == Release.Status.PUBLISHED
    assert by_spark.noise_scale == pytest.approx(SIGMA, rel=1e-9)
    assert by_opendp.noise_scale == pytest.approx(SIGMA, rel=1e-3)
    assert by_spark.rho == pytest.approx(0.015) and 0.0149 < by_opendp.rho <= 0.015
    assert PrivacyBudget.objects.get().spent == pytest.approx(by_opendp.rho + by_spark.rho)

    keys = len(BUSY + ["Quiet"]) * len(releases.RELEASE_COUNTRIES)
    samples = {}
    for release in (by_opendp, by_spark):
        cells = _cells(release)
        assert release.keys == keys and release.cells == len(cells)
        assert {page for page, _ in cells} <= {*BUSY, "Quiet"}  # never the deleted page or the user page
        assert {country for _, country in cells} <= set(releases.RELEASE_COUNTRIES)  # never "EU"
        assert min(cells.values()) >= release.threshold == 90
        assert sum(page == "Quiet" for page, _ in cells) <= 1  # 250 cells at 0: 4.9 σ below the threshold
        noise = np.array(
            [cells[(page, country)] - BUSY_VIEWS for page in BUSY for country in releases.RELEASE_COUNTRIES]
        )
        assert abs(noise.mean()) < 2.0, release.engine
        assert noise.std() == pytest.approx(release.noise_scale, rel=0.08), release.engine
        assert len(np.unique(noise)) > 50, release.engine  # noise, not a constant
        samples[release.engine] = noise

    assert scipy_stats.ks_2samp(samples["opendp"], samples["spark"]).pvalue > 0.001


@needs_spark
def test_the_editors_release_runs_on_spark_with_one_cell_an_editor(spark, steward_account):
    """The monthly editors' release on Spark: an editor is in one cell, so Tumult's noise is σ = 1/√(2ρ)
    (checked against Tumult's own before publishing), the keyset is every country × activity level, and
    the cells under the threshold of 10 are left out."""
    month = NEXT_DAY.date().replace(month=10, day=1)
    GeoEditorsCount.objects.bulk_create(
        [
            GeoEditorsCount(month=month, country="GB", activity="1-4", editors=400, edits=900),
            GeoEditorsCount(month=month, country="FR", activity="100+", editors=2, edits=300),
        ]
    )

    with clock.frozen_at(NEXT_DAY):
        release = actions.do_publish_release(
            "country_activity_month", month, approver=steward_account, reason="Editors", engine="spark"
        )

    cells = {
        (row["country"], row["activity"]): int(row["editors"])
        for row in csv.DictReader(io.StringIO(release.output))
    }
    assert release.engine == "spark" and release.noise_scale == pytest.approx(1 / math.sqrt(0.03))
    assert release.keys == len(releases.RELEASE_COUNTRIES) * 3
    assert abs(cells[("GB", "1-4")] - 400) < 6 * release.noise_scale
    assert min(cells.values()) >= release.threshold == 10


def test_without_java_or_the_extra_the_spark_engine_is_refused_and_nothing_is_spent(
    make_page, steward_account, monkeypatch, tmp_path
):
    """An operator who asks for Spark where it cannot run is told so before the budget is touched."""
    make_page("Popular")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("JAVA_HOME", raising=False)

    with clock.frozen_at(NEXT_DAY), pytest.raises(actions.ReleaseRefused, match="cannot run here"):
        actions.do_publish_release(
            "page_day", DAY.date(), approver=steward_account, reason="No Java", engine="spark"
        )

    assert not PrivacyBudget.objects.exists() and not Release.objects.exists()
