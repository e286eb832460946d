"""Differentially private releases of the totals, computed in-process with OpenDP (C47, C94).

A release is one query over one period (a day of page views, a month of editors), answered for every key
of a keyset fixed before the data is read: pages that exist when the release is made, and countries of the
fixed ISO list (privacy/countries.py), with activity levels for editors. A key that was counted but is not
in the keyset (a page deleted since) never appears; a key in the keyset that was never counted is answered
too, with noise around zero, so that which keys occur reveals nothing.

The mechanism is OpenDP's discrete Gaussian (`make_gaussian` on integer vectors, its secure sampler in the
library's native code, never Python's `random`), calibrated to zero-concentrated DP: one unit (a browser's
day, or an editor's month) changes at most `keys_per_unit` cells by at most `per_key_bound` each, so the
L2 sensitivity is `per_key_bound * sqrt(keys_per_unit)`, and OpenDP finds the noise scale σ that spends at
most ρ. The bound is enforced where the counts are made (stats/counting.py: the cookie's ten pages a day;
privacy/aggregates.py: one cell per editor). Cells whose noisy value is below the threshold are then left
out (post-processing, which costs no privacy; C47's small-cell suppression).

The vector is noised in chunks on a thread pool: each cell gets independent noise from the same
measurement, so this is the same distribution as one call, and the ρ charged is the one OpenDP computes
for the whole vector's sensitivity.

The same definition (query, keyset, bound, ρ, threshold) runs on Tumult Analytics over Spark with
`engine=SPARK` (stats/releases_spark.py, the optional extra `candor[spark]`): only the noisy totals come
from the engine; the keyset, the suppression and the output are this module's, whichever engine ran.
"""

import csv
import importlib.util
import io
import math
import os
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date

import numpy as np
import opendp.prelude as dp
import polars as pl
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from candor.privacy.countries import COUNTRIES, UNKNOWN
from candor.stats.models import Activity, Dataset

dp.enable_features("contrib")  # make_gaussian is in OpenDP's "contrib" set (vetted, not yet proven)

OPENDP, SPARK = "opendp", "spark"
MECHANISMS = {
    OPENDP: "OpenDP discrete Gaussian (make_gaussian), zero-concentrated DP",
    SPARK: "Tumult Analytics on Spark: discrete Gaussian (groupby count under RhoZCDP), zero-concentrated DP",
}
RELEASE_COUNTRIES: tuple[str, ...] = (*COUNTRIES, UNKNOWN)
NOISE_CHUNK = 65_536


@dataclass(frozen=True)
class Query:
    name: str
    dataset: str
    by: tuple[str, ...]  # the key columns, in the CSV's order
    period: str  # "day" or "month"
    description: str
    keys_per_unit: int
    per_key_bound: int
    threshold: int
    bound_on: str  # the key column the bound counts: a unit adds to at most keys_per_unit of its values


QUERIES = {
    query.name: query
    for query in (
        Query(
            "page_day", Dataset.PAGE_VIEWS, ("page",), "day", gettext_noop("Page views per page and day"),
            keys_per_unit=10, per_key_bound=1, threshold=90, bound_on="page",
        ),
        Query(
            "country_page_day", Dataset.PAGE_VIEWS, ("country", "page"), "day",
            gettext_noop("Page views per country, page and day"),
            keys_per_unit=10, per_key_bound=1, threshold=90, bound_on="page",
        ),
        Query(
            "country_activity_month", Dataset.GEOEDITORS, ("country", "activity"), "month",
            gettext_noop("Editors per country, activity level and month"),
            keys_per_unit=1, per_key_bound=1, threshold=10, bound_on="country",
        ),
    )
}  # fmt: skip

DEFAULT_RHO = 0.015  # Wikimedia's daily page views per country: zCDP, rho = 0.015


@dataclass(frozen=True)
class Parameters:
    rho: float
    threshold: int
    keys_per_unit: int
    per_key_bound: int

    @property
    def sensitivity(self) -> float:
        """The L2 distance between the totals with and without one unit."""
        return self.per_key_bound * math.sqrt(self.keys_per_unit)


@dataclass(frozen=True)
class Computed:
    header: tuple[str, ...]
    rows: list[tuple]  # the published cells: keys then the noisy value
    keys: int
    noise_scale: float
    rho: float  # what OpenDP says the measurement spends
    seconds: float

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.header)
        writer.writerows(self.rows)
        return out.getvalue()


def engine_available(engine: str) -> bool:
    """Whether `engine` can run here: OpenDP always; Spark with the optional extra and a Java runtime."""
    if engine == OPENDP:
        return True
    if engine != SPARK or not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        return False
    try:
        return importlib.util.find_spec("tmlt.analytics") is not None
    except ModuleNotFoundError:  # not even the tmlt namespace
        return False


def _measurement(scale: float) -> dp.Measurement:
    space = dp.vector_domain(dp.atom_domain(T="i64")), dp.l2_distance(T=float)
    return dp.m.make_gaussian(*space, scale=scale)


def calibrate(parameters: Parameters, engine: str = OPENDP) -> tuple[float, float]:
    """The noise scale σ that `engine` adds for ρ, and the ρ it spends. OpenDP: the smallest σ whose
    measurement spends at most ρ. Tumult spends the whole budget it is given, with σ² = Δ² / 2ρ
    (releases_spark.py checks Tumult's own noise against this before anything is published)."""
    if engine == SPARK:
        return parameters.sensitivity / math.sqrt(2 * parameters.rho), parameters.rho
    scale = dp.binary_search_param(_measurement, d_in=parameters.sensitivity, d_out=parameters.rho, T=float)
    return scale, _measurement(scale).map(parameters.sensitivity)


def noise(values, scale: float) -> np.ndarray:
    """`values` (a sequence of integers), each with independent discrete Gaussian noise of scale σ from
    OpenDP's sampler, as an array. The chunks run on threads: OpenDP's native code releases the GIL."""
    values = np.array(values, dtype=np.int64)  # a writable copy: OpenDP refuses read-only arrays
    if not len(values):
        return values
    measurement = _measurement(scale)
    chunks = [values[start : start + NOISE_CHUNK] for start in range(0, len(values), NOISE_CHUNK)]
    workers = min(len(chunks), os.cpu_count() or 1)
    if workers == 1:
        return np.concatenate([np.asarray(measurement(chunk), dtype=np.int64) for chunk in chunks])
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return np.concatenate([np.asarray(noisy, dtype=np.int64) for noisy in pool.map(measurement, chunks)])


def keyset(query: Query, pages: list[str]) -> pl.DataFrame:
    """Every key the release answers, fixed before any count is read."""
    columns = {
        "page": pl.DataFrame({"page": sorted(pages)}, schema={"page": pl.String}),
        "country": pl.DataFrame({"country": list(RELEASE_COUNTRIES)}, schema={"country": pl.String}),
        "activity": pl.DataFrame({"activity": list(Activity.values)}, schema={"activity": pl.String}),
    }
    frames = [columns[name] for name in query.by]
    keys = frames[0]
    for frame in frames[1:]:
        keys = keys.join(frame, how="cross")
    return keys


def compute(
    query: Query, parameters: Parameters, keys: pl.DataFrame, counts: pl.DataFrame, engine: str = OPENDP
) -> Computed:
    """Answer `query` for every key of `keys` from `counts` (the key columns and "value"), noised by
    `engine` and thresholded. Counts of keys outside the keyset never reach the output."""
    started = time.perf_counter()
    scale, rho = calibrate(parameters, engine)
    by = list(query.by)
    if engine == SPARK:
        from candor.stats import releases_spark  # the optional extra: pyspark and Tumult Analytics

        noisy = releases_spark.noisy_counts(query, parameters, keys, counts, scale)
    else:
        totals = counts.group_by(by).agg(pl.col("value").sum()) if len(counts) else None
        if totals is None:
            joined = keys.with_columns(pl.lit(0, dtype=pl.Int64).alias("value"))
        else:
            joined = keys.join(totals, on=by, how="left").with_columns(
                pl.col("value").fill_null(0).cast(pl.Int64)
            )
        noisy = noise(joined["value"].to_numpy(), scale)
    released = keys.with_columns(pl.Series("value", noisy, dtype=pl.Int64)).filter(
        pl.col("value") >= parameters.threshold
    )
    header = (*by, "views" if query.dataset == Dataset.PAGE_VIEWS else "editors")
    return Computed(
        header=header,
        rows=released.rows(),
        keys=len(keys),
        noise_scale=scale,
        rho=rho,
        seconds=time.perf_counter() - started,
    )


def period_of(query: Query, start: date) -> tuple[date, date]:
    """The first and last day of the period of `query` that starts on `start`."""
    if query.period == "day":
        return start, start
    if start.day != 1:
        raise ValueError(_("A monthly release starts on the first day of a month."))
    following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start, date.fromordinal(following.toordinal() - 1)
