"""The public releases and their privacy budget (/stats/releases), and the steward's page to publish one."""

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from candor.privacy import access
from candor.privacy.roles import Role
from candor.stats import actions, releases
from candor.stats.models import PrivacyBudget, Release


def release_list(request: HttpRequest) -> HttpResponse:
    context = {
        "releases": Release.objects.select_related("approved_by").defer("output").order_by("-id")[:500],
        "budgets": PrivacyBudget.objects.order_by("-period_start", "dataset")[:500],
        "queries": releases.QUERIES,
    }
    return render(request, "stats/releases.html", context)


def release_csv(request: HttpRequest, release_id: int) -> HttpResponse:
    release = Release.objects.filter(pk=release_id, status=Release.Status.PUBLISHED).only("output").first()
    if release is None:
        raise Http404(_("There is no such release."))
    response = HttpResponse(release.output, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="candor-release-{release_id}.csv"'
    return response


class PublishForm(forms.Form):
    query = forms.ChoiceField(
        choices=[(name, gettext_lazy(query.description)) for name, query in releases.QUERIES.items()],
        label=gettext_lazy("Query"),
    )
    period_start = forms.DateField(
        label=gettext_lazy("Day (or first day of the month)"), widget=forms.DateInput(attrs={"type": "date"})
    )
    rho = forms.FloatField(
        label=gettext_lazy("ρ (zero-concentrated DP)"), initial=releases.DEFAULT_RHO, min_value=0.0001
    )
    threshold = forms.IntegerField(
        label=gettext_lazy("Threshold (blank: the query's own)"), required=False, min_value=0
    )
    reason = forms.CharField(max_length=500, label=gettext_lazy("Reason (public, on the release)"))


@access.privileged(Role.STEWARD)
def publish(request: HttpRequest) -> HttpResponse:
    form = PublishForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_publish_release(
                data["query"], data["period_start"], approver=request.user, reason=data["reason"],
                rho=data["rho"], threshold=data["threshold"],
            )  # fmt: skip
        except actions.ReleaseRefused as refusal:
            form.add_error(None, str(refusal))
            status = 400
        else:
            return HttpResponseRedirect("/stats/releases")
    return render(request, "stats/publish.html", {"form": form}, status=status)
