from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from candor.governance.models import PolicyVersion
from candor.governance.queries import policy_in_force
from candor.wiki.markup import render as render_markup


def privacy_policy(request: HttpRequest) -> HttpResponse:
    policy = policy_in_force()
    if policy is None:
        raise Http404("No privacy policy is in force.")
    context = {
        "policy": policy,
        "html": render_markup(policy.text),
        "versions": PolicyVersion.objects.only("number", "language", "approved_on", "effective_on"),
    }
    return render(request, "governance/policy.html", context)
