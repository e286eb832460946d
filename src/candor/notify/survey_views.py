"""Survey pages (C29, C72, C73). Publishing and the private answers are for administrators and stewards
(404 for anyone else); the list, the form and the public results are for anyone logged in. The public
results never name anyone, except beside an answer to a public question given without "anonymously"."""

import datetime
from collections import Counter

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from candor.notify import surveys
from candor.notify.surveys import Answer, Question, Survey, SurveyRefused
from candor.privacy import access, clock
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
            error = "Give the end date as YYYY-MM-DD."
        else:
            try:
                survey = surveys.do_publish_survey(
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
            surveys.do_answer(request.user, survey, values, anonymous=anonymous)
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


def _results(survey: Survey, questions: list[Question], *, include_private: bool) -> list[dict]:
    """Per question: its counts (single choice) or its texts, each with the name it may carry."""
    shown = [question for question in questions if include_private or question.public]
    rows = (
        Answer.objects.filter(question__in=shown)
        .order_by("response__created_at", "id")
        .values_list("question_id", "text", "response__user__username")
    )
    by_question: dict[int, list[tuple[str, str]]] = {question.pk: [] for question in shown}
    for question_id, value, username in rows:
        by_question[question_id].append((value, username or ""))
    results = []
    for question in questions:
        if question.pk not in by_question:
            results.append({"prompt": question.prompt, "public": False, "hidden": True})
            continue
        answered = by_question[question.pk]
        counts = Counter(value for value, _ in answered)
        results.append(
            {
                "prompt": question.prompt,
                "public": question.public,
                "hidden": False,
                "counts": [(option, counts[option]) for option in question.options],
                "texts": [] if question.options else answered,
            }
        )
    return results


@private_page
def survey_results(request: HttpRequest) -> HttpResponse:
    survey = _survey(request)
    questions = list(survey.questions.all())
    context = {"survey": survey, "results": _results(survey, questions, include_private=False)}
    return render(request, "notify/survey_results.html", context)


@access.privileged(Role.ADMINISTRATOR, Role.STEWARD)
def private_results(request: HttpRequest) -> HttpResponse:
    """Every answer, private questions included. Without an id: the surveys to choose from."""
    if "id" not in request.GET:
        return render(request, "notify/survey_private.html", {"surveys": Survey.objects.order_by("-id")})
    survey = _survey(request)
    questions = list(survey.questions.all())
    context = {"survey": survey, "results": _results(survey, questions, include_private=True)}
    return render(request, "notify/survey_private.html", context)
