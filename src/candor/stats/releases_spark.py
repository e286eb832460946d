"""The releases' noisy totals on Tumult Analytics over Spark: `--engine spark` (the optional extra
`candor[spark]`: pyspark and Tumult Analytics; a Java runtime).

The release definition is stats/releases.py's, unchanged: the keyset fixed before the data is read (a
Tumult `KeySet` of exactly the keys OpenDP answers), the contribution bound, ρ (a `RhoZCDPBudget`), and
the threshold and the output, applied by releases.py to what this module returns. Tumult sees one row per
counted view (or per editor), rebuilt inside Spark from Candor's totals, and the protected change states
the bound the counting enforced: a unit (a browser's day, an editor's month) adds at most `keys_per_unit`
values of `query.bound_on` (pages, for page views), at most `per_key_bound` rows each
(`AddMaxRowsInMaxGroups`). Tumult then adds its own discrete Gaussian (tmlt.core's sampler) with
σ² = Δ² / 2ρ, the noise OpenDP adds for the same ρ; the noise is checked against the σ recorded on the
release before any value is returned.

Spark runs on `CANDOR_STATS_SPARK_MASTER` (local[*] by default: this machine, every port on 127.0.0.1, no
web UI). A cluster master takes its network settings from the operator's Spark configuration
(docs/statistics.md, section 5).
"""

import atexit
import math
import os
import shutil
import sys
import tempfile
import threading

import polars as pl
from django.conf import settings
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F  # noqa: N812 (Spark's own spelling)
from tmlt.analytics import AddMaxRowsInMaxGroups, KeySet, QueryBuilder, RhoZCDPBudget, Session

from candor.stats.releases import Parameters, Query

SOURCE = "counted"
_lock = threading.Lock()


def spark() -> SparkSession:
    """This process's Spark session, started on first use and kept until the process exits."""
    with _lock:
        active = SparkSession.getActiveSession()
        if active is not None:
            return active
        master = settings.CANDOR_STATS_SPARK_MASTER
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers run this Python, with Tumult
        builder = (
            SparkSession.builder.master(master)
            .appName("candor-stats")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .config("spark.sql.warehouse.dir", _warehouse())  # Tumult's temporary tables
        )
        if master.startswith("local"):
            os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"  # the driver, its block manager and workers
            builder = (
                builder.config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", str(2 * (os.cpu_count() or 1)))
            )
        session = builder.getOrCreate()
        session.sparkContext.setLogLevel("ERROR")
        return session


def _warehouse() -> str:
    path = tempfile.mkdtemp(prefix="candor-spark-")
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def noisy_counts(
    query: Query, parameters: Parameters, keys: pl.DataFrame, counts: pl.DataFrame, scale: float
) -> pl.Series:
    """Tumult's noisy count for every key of `keys`, in the order of `keys`, from `counts` (the key
    columns and "value"). `scale` is the σ recorded on the release: Tumult's must be the same."""
    session = spark()
    by = list(query.by)
    key_schema = ", ".join(f"{column} string" for column in by)
    totals = session.createDataFrame(
        counts.select(*by, "value").to_pandas(), schema=f"{key_schema}, value long"
    )
    budget = RhoZCDPBudget(parameters.rho)
    tumult = Session.from_dataframe(
        privacy_budget=budget,
        source_id=SOURCE,
        dataframe=_one_row_per_count(totals, by),
        protected_change=AddMaxRowsInMaxGroups(
            grouping_column=query.bound_on,
            max_groups=parameters.keys_per_unit,
            max_rows_per_group=parameters.per_key_bound,
        ),
    )
    keyset = KeySet.from_dataframe(session.createDataFrame(keys.select(by).to_pandas(), schema=key_schema))
    count = QueryBuilder(SOURCE).groupby(keyset).count()
    (noise,) = tumult._noise_info(count, budget)  # private, but documented; the extra pins 0.21
    if not math.isclose(math.sqrt(noise["noise_parameter"]), scale, rel_tol=1e-9):
        raise RuntimeError(f"Tumult would add noise of σ² = {noise['noise_parameter']}, not σ = {scale}.")
    answered = pl.from_pandas(tumult.evaluate(count, budget).toPandas())
    noisy = keys.select(by).join(answered, on=by, how="left", maintain_order="left")["count"]
    if noisy.null_count():
        raise RuntimeError("Tumult left keys of the keyset unanswered.")
    return noisy


def _one_row_per_count(totals: DataFrame, by: list[str]) -> DataFrame:
    """The rows the totals stand for: a total of n becomes n rows of its key, inside Spark."""
    one = F.explode(F.array_repeat(F.lit(1), F.col("value").cast("int"))).alias("one")
    return totals.where(F.col("value") > 0).select(*by, one).drop("one")
