"""Survey pages (C29, C72, C73). Publishing and the private answers are for administrators and stewards
(404 for anyone else); the list, the form and the public results are for anyone logged in. The public
results never name anyone, except beside an answer to a public question given without "anonymously"."""

import datetime

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from candor.notify import actions, surveys
from candor.notify.models import Survey
from candor.notify.surveys import SurveyRefused
from candor.privacy import access, audit, clock
from candor.privacy.pages import private_page
from candor.privacy.roles import Role


def _survey(request: HttpRequest) -> Survey:
    survey_id = request.GET.get("id", "")
    survey = Survey.objects.filter(pk=int(survey_id)).first() if survey_id.isdigit() else None
    if survey is None:
        raise Http404
    return survey


@access.privileged(Role.ADMINISTRATOR, Role.STEWARD)
def new_survey(request: HttpRequest) -> HttpResponse:
    error, fields = None, {}
    if request.method == "POST":
        fields = {name: request.POST.get(name, "") for name in ("title", "statement", "ends_on", "questions")}
        try:
            ends_on = datetime.date.fromisoformat(fields["ends_on"])
        except ValueError:
            error = _("Give the end date as YYYY-MM-DD.")
        else:
            try:
                survey = actions.do_publish_survey(
                    fields["title"], fields["statement"], ends_on, fields["questions"]
                )
            except SurveyRefused as refusal:
                error = str(refusal)
            else:
                return HttpResponseRedirect(f"/notify/surveys/answer?id={survey.pk}", status=303)
    context = {"error": error, "fields": fields, "max_questions": surveys.MAX_QUESTIONS}
    return render(request, "notify/survey_new.html", context, status=400 if error else 200)


@private_page
def survey_list(request: HttpRequest) -> HttpResponse:
    today = clock.now().date()
    open_surveys = Survey.objects.filter(ends_on__gte=today).order_by("ends_on", "id")
    return render(request, "notify/survey_list.html", {"surveys": open_surveys})


@private_page
@require_http_methods(["GET", "HEAD", "POST"])
def answer_survey(request: HttpRequest) -> HttpResponse:
    survey = _survey(request)
    questions = list(survey.questions.all())
    error = None
    if request.method == "POST":
        values = {question.pk: request.POST.get(f"q{question.pk}", "") for question in questions}
        # Anonymous unless the person chose otherwise: a form sent without the choice links nobody.
        anonymous = request.POST.get("identity") != "account"
        try:
            actions.do_answer(request.user, survey, values, anonymous=anonymous)
        except SurveyRefused as refusal:
            error = str(refusal)
        else:
            return HttpResponseRedirect(f"/notify/surveys/results?id={survey.pk}", status=303)
    context = {
        "survey": survey,
        "questions": questions,
        "error": error,
        "answered": surveys.has_answered(request.user, survey),
        "open": survey.is_open(clock.now().date()),
    }
    return render(request, "notify/survey_answer.html", context, status=400 if error else 200)


@private_page
def survey_results(request: HttpRequest) -> HttpResponse:
    survey = _survey(request)
    context = {"survey": survey, "results": surveys.tally(survey, include_private=False)}
    return render(request, "notify/survey_results.html", context)


@access.privileged(Role.ADMINISTRATOR, Role.STEWARD)
@require_http_methods(["GET", "HEAD", "POST"])
def private_results(request: HttpRequest) -> HttpResponse:
    """Every answer, private questions included, once a reason is given: the reading goes on the
    privileged-access log first (C88). Without an id: the surveys to choose from."""
    if "id" not in request.GET:
        return render(request, "notify/survey_private.html", {"surveys": Survey.objects.order_by("-id")})
    survey = _survey(request)
    context = {"survey": survey, "results": None, "error": None, "reason": request.POST.get("reason", "")}
    status = 200
    if request.method == "POST":
        try:
            context["results"] = surveys.reveal_private_answers(
                request.user, survey, reason=context["reason"]
            )
        except ValueError as refusal:
            context["error"], status = str(refusal), 400
        except audit.AuditUnavailable:
            context["error"] = _(
                "The privileged-access log cannot be written, so nothing is shown. Try later."
            )
            status = 503
    return render(request, "notify/survey_private.html", context, status=status)
