import json
from datetime import timedelta

from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from candor.privacy import clock, csp, providers, register
from candor.privacy.cookies import LOCAL_STORAGE_KEYS, REGISTRY
from candor.privacy.holds import active_holds_today
from candor.privacy.models import BrowserSignalCount

MAX_REPORT_BYTES = 16 * 1024
SIGNAL_TOTAL_DAYS = 30


def _logged_out_signature() -> dict:
    """How this wiki signs an edit made without an account (issue 18): the address, as the 2018 policy says,
    or a temporary account, as the operator may choose (CANDOR_LOGGED_OUT_ATTRIBUTION)."""
    return {
        "temporary_accounts": settings.CANDOR_LOGGED_OUT_ATTRIBUTION == "temporary_account",
        "temporary_account_days": settings.CANDOR_TEMPORARY_ACCOUNT_DAYS,
    }


def cookie_statement(request: HttpRequest) -> HttpResponse:
    since = clock.now().date() - timedelta(days=SIGNAL_TOTAL_DAYS)
    totals = dict(
        BrowserSignalCount.objects.filter(day__gte=since)
        .values_list("signal")
        .annotate(total=Sum("requests"))
        .values_list("signal", "total")
    )
    context = {
        "cookies": REGISTRY,
        "local_storage_keys": LOCAL_STORAGE_KEYS,
        "dnt_total": totals.get("dnt", 0),
        "gpc_total": totals.get("gpc", 0),
        "signal_days": SIGNAL_TOTAL_DAYS,
        **_logged_out_signature(),
    }
    return render(request, "privacy/cookies.html", context)


def _basis(table: register.Table, name: str) -> str:
    basis = table.basis_of(name)
    return register.BASIS_WORDS[basis] if basis else ""


def data_we_collect(request: HttpRequest) -> HttpResponse:
    """/privacy/data: what is collected, why, who sees it, how long it is kept, from the data map (C18)."""
    sections = []
    for point, heading in register.COLLECTION_POINTS.items():
        rows = [
            (table, name, field, register.VISIBILITY_WORDS[field.visibility], _basis(table, name))
            for table in register.tables()
            if table.collected_when == point
            for name, field in table.fields.items()
            if not field.category.startswith("system")
        ]
        system_fields = sum(
            1
            for table in register.tables()
            if table.collected_when == point
            for field in table.fields.values()
            if field.category.startswith("system")
        )
        sections.append({"point": point, "heading": heading, "rows": rows, "system_fields": system_fields})
    context = {"sections": sections, "providers": providers.registry(), **_logged_out_signature()}
    return render(request, "privacy/data.html", context)


def legal_holds(request: HttpRequest) -> HttpResponse:
    """The active legal holds (C81): the kind of record, the days, the dates; no reason, no account."""
    descriptions = {table.model: table.description for table in register.tables()}
    holds = [
        {
            "description": descriptions.get(hold.model, hold.model),
            "records_from": hold.records_from,
            "records_to": hold.records_to,
            "starts_on": hold.starts_on,
            "ends_on": hold.ends_on,
            "one_account": hold.actor_id is not None,
        }
        for hold in active_holds_today()
    ]
    return render(request, "privacy/holds.html", {"holds": holds})


@csrf_exempt
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    if len(request.body) > MAX_REPORT_BYTES:
        return HttpResponse("The report is too large.", status=413, content_type="text/plain")
    try:
        payload = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return HttpResponse("The report is not JSON.", status=400, content_type="text/plain")
    if not csp.record_reports(payload):
        return HttpResponse("No CSP report found.", status=400, content_type="text/plain")
    return HttpResponse(status=204)
