"""Every write of the statistics app: the monthly editors' totals, and the releases with their budget."""

from datetime import UTC, date, datetime, time

import polars as pl
from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext as _

from candor.privacy import aggregates, clock
from candor.privacy.datamap import REQUEST_METADATA
from candor.privacy.roles import Role, RoleAssignment
from candor.publiclog.titles import Namespace
from candor.stats import releases
from candor.stats.models import Activity, Dataset, GeoEditorsCount, PageViewCount, PrivacyBudget, Release
from candor.wiki.models import Page

ACTIVITY_LEVELS = (
    (Activity.FEW.value, 1, 4),
    (Activity.ACTIVE.value, 5, 99),
    (Activity.VERY_ACTIVE.value, 100, None),
)
BUDGET_SLACK = 1e-12  # floating-point sums of rho


class ReleaseRefused(ValueError):
    """The release is not allowed as asked (over budget, a period not over, no approver); nothing spent."""


def _month_after(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def do_record_geoeditors(month: date) -> list[GeoEditorsCount]:
    """Count the editors of `month` per country and activity level from the sealed edit events, and keep
    only those totals (C107). Only while every event of the month is inside its retention window, and
    only once the month is over; a second run replaces the month's totals with the same ones."""
    if month.day != 1:
        raise ValueError("Give the first day of the month.")
    since = datetime.combine(month, time.min, tzinfo=UTC)
    until = datetime.combine(_month_after(month), time.min, tzinfo=UTC)
    now = clock.now()
    if until > now:
        raise ValueError(f"{month:%Y-%m} is not over yet.")
    if since < now - REQUEST_METADATA.window:
        raise ValueError(
            f"The edit events of {month:%Y-%m} have partly left their retention window: its editors can no "
            "longer be counted."
        )
    totals, _unreadable = aggregates.editors_by_country(since, until, ACTIVITY_LEVELS)
    with transaction.atomic():
        GeoEditorsCount.objects.filter(month=month).delete()
        return GeoEditorsCount.objects.bulk_create(
            GeoEditorsCount(
                month=month, country=total.country, activity=total.activity, editors=total.editors,
                edits=total.edits,
            )
            for total in totals
        )  # fmt: skip


def _live_pages() -> list[str]:
    """The pages a release answers for: every live page but user pages, which are not counted."""
    pages = Page.objects.live().exclude(namespace__in=[Namespace.USER, Namespace.USER_TALK])
    return [page.title_object.display for page in pages.only("namespace", "title")]


def _counts(query: releases.Query, start: date, end: date) -> pl.DataFrame:
    """The period's totals with the query's key columns and "value"; fetched as plain tuples, since a
    day of page views can be a million rows and the ORM's per-row work would cost more than the noise."""
    if query.dataset == Dataset.PAGE_VIEWS:
        rows = PageViewCount.objects.filter(day__gte=start, day__lte=end).values_list(
            "page", "country", "views"
        )
        schema = {"page": pl.String, "country": pl.String, "value": pl.Int64}
    else:
        rows = GeoEditorsCount.objects.filter(month=start).values_list("country", "activity", "editors")
        schema = {"country": pl.String, "activity": pl.String, "value": pl.Int64}
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    return pl.DataFrame(fetched, schema=schema, orient="row")


def do_publish_release(
    query_name: str,
    period_start: date,
    *,
    approver,
    reason: str,
    rho: float | None = None,
    threshold: int | None = None,
    engine: str | None = None,
) -> Release:
    """Charge the period's budget, then compute and publish the release (stats/releases.py) on `engine`
    (CANDOR_STATS_ENGINE unless given: opendp, or spark).

    ReleaseRefused: not allowed as asked, and nothing is spent. The budget is charged and committed before
    anything is computed, so an error while computing leaves the budget spent and publishes nothing."""
    query = releases.QUERIES.get(query_name)
    if query is None:
        raise ReleaseRefused(
            _("There is no query “%(query)s”; choose among %(queries)s.")
            % {"query": query_name, "queries": ", ".join(releases.QUERIES)}
        )
    reason = " ".join(reason.split())
    if not reason:
        raise ReleaseRefused(_("Say why this release is made."))
    if not RoleAssignment.objects.filter(user=approver, role=Role.STEWARD).exists():
        raise ReleaseRefused(_("A release is approved by a steward."))
    try:
        start, end = releases.period_of(query, period_start)
    except ValueError as exc:
        raise ReleaseRefused(str(exc)) from None
    if end >= clock.now().astimezone(UTC).date():
        raise ReleaseRefused(_("The period ends on %(end)s: release it once it is over.") % {"end": end})
    parameters = releases.Parameters(
        rho=releases.DEFAULT_RHO if rho is None else rho,
        threshold=query.threshold if threshold is None else threshold,
        keys_per_unit=query.keys_per_unit,
        per_key_bound=query.per_key_bound,
    )
    if not 0 < parameters.rho <= settings.CANDOR_STATS_BUDGETS[query.dataset]:
        raise ReleaseRefused(_("ρ must be positive and within the period's budget."))
    if parameters.threshold < 0:
        raise ReleaseRefused(_("The threshold cannot be negative."))
    engine = engine or settings.CANDOR_STATS_ENGINE
    if not releases.engine_available(engine):
        raise ReleaseRefused(
            _("The engine “%(engine)s” cannot run here (spark needs candor[spark] and Java).")
            % {"engine": engine}
        )
    scale, spent = releases.calibrate(parameters, engine)
    pages = _live_pages() if "page" in query.by else []
    keys = releases.keyset(query, pages)
    keyset_words = _describe_keyset(query, len(pages))
    with transaction.atomic():
        budget, _created = PrivacyBudget.objects.get_or_create(
            dataset=query.dataset, period_start=start,
            defaults={"rho": settings.CANDOR_STATS_BUDGETS[query.dataset]},
        )  # fmt: skip
        budget = PrivacyBudget.objects.select_for_update().get(pk=budget.pk)
        if budget.spent + spent > budget.rho + BUDGET_SLACK:
            raise ReleaseRefused(
                _(
                    "Refused: this release would spend ρ=%(spent)s of the %(dataset)s budget of %(start)s, "
                    "of which %(already)s of %(budget)s is already spent."
                )
                % {
                    "spent": f"{spent:.4f}", "dataset": query.dataset, "start": start,
                    "already": f"{budget.spent:.4f}", "budget": f"{budget.rho:.4f}",
                }
            )  # fmt: skip
        budget.spent += spent
        budget.save(update_fields=["spent"])
        release = Release.objects.create(
            dataset=query.dataset, query=query.name, period_start=start, period_end=end,
            engine=engine, mechanism=releases.MECHANISMS[engine], rho=spent, noise_scale=scale,
            keys_per_unit=parameters.keys_per_unit, per_key_bound=parameters.per_key_bound,
            threshold=parameters.threshold, keyset=keyset_words, keys=len(keys), approved_by=approver,
            reason=reason, budget=budget, created_at=clock.now(),
        )  # fmt: skip
    try:
        computed = releases.compute(query, parameters, keys, _counts(query, start, end), engine)
    except Exception:
        Release.objects.filter(pk=release.pk).update(status=Release.Status.FAILED)
        raise
    Release.objects.filter(pk=release.pk).update(
        status=Release.Status.PUBLISHED, published_at=clock.now(), output=computed.csv(),
        cells=len(computed.rows), seconds=computed.seconds,
    )  # fmt: skip
    release.refresh_from_db()
    return release


def _describe_keyset(query: releases.Query, pages: int) -> str:
    parts = {
        "page": f"the {pages:,} pages that existed when the release was made",
        "country": f"the {len(releases.RELEASE_COUNTRIES)} codes of ISO 3166-1 and ZZ (unknown)",
        "activity": "the activity levels " + ", ".join(Activity.values),
    }
    return " × ".join(parts[name] for name in query.by)
