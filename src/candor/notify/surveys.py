"""Surveys (C29, C72, C73, C74): the reads (the questions parsed, whether someone answered, the tally) and the
one door to private answers. The models are in notify/models.py, the writes in notify/actions.py.

Invariants. Every question is optional and says whether its answers are public or private (C29, C73). An
anonymous response stores no link to its author at all: only `anonymous_key`, a keyed HMAC of (user,
survey), which stops a second answer without saying whose the first was. Responses and their answers are
deleted by the retention purge after SURVEY_ANSWERS. Answers to private questions are read only through
`reveal_private_answers`, which goes through privacy.access.reveal: the privileged-access log entry is
written first (C88) and nothing is shown if it cannot be.
"""

from collections import Counter
from dataclasses import dataclass

from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext, ngettext

from candor.accounts.models import User
from candor.notify.models import Answer, Response, Survey
from candor.privacy import access, audit

MAX_QUESTIONS = 5
CHOICE_SEPARATOR = "|"
ANONYMOUS_KEY_SALT = "candor.notify.surveys.anonymous"


class SurveyRefused(ValueError):
    pass


@dataclass(frozen=True)
class QuestionDraft:
    prompt: str
    public: bool
    options: tuple[str, ...] = ()


def parse_questions(text: str) -> list[QuestionDraft]:
    """One question a line, "public: ..." or "private: ...". A line with "|" is a single-choice question:
    the prompt, then the choices. A line with neither prefix is refused rather than guessed."""
    drafts = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        prefix, _, rest = line.partition(":")
        if prefix.strip().lower() not in {"public", "private"} or not rest.strip():
            raise SurveyRefused(
                gettext("Start each question with “public:” or “private:” (%(line)s).") % {"line": line[:60]}
            )
        prompt, *options = (part.strip() for part in rest.split(CHOICE_SEPARATOR))
        options = [option for option in options if option]
        if not prompt:
            raise SurveyRefused(gettext("Each question needs some words."))
        drafts.append(QuestionDraft(prompt, prefix.strip().lower() == "public", tuple(options)))
    if not drafts:
        raise SurveyRefused(gettext("Ask at least one question."))
    if len(drafts) > MAX_QUESTIONS:
        raise SurveyRefused(
            ngettext("Ask at most %(most)d question.", "Ask at most %(most)d questions.", MAX_QUESTIONS)
            % {"most": MAX_QUESTIONS}
        )
    return drafts


def anonymous_key(user: User, survey: Survey) -> str:
    return salted_hmac(ANONYMOUS_KEY_SALT, f"{user.pk}:{survey.pk}", algorithm="sha256").hexdigest()


def has_answered(user: User, survey: Survey) -> bool:
    return Response.objects.filter(
        models.Q(user=user) | models.Q(anonymous_key=anonymous_key(user, survey)), survey=survey
    ).exists()


def tally(survey: Survey, *, include_private: bool) -> list[dict]:
    """Per question: its counts (single choice) or its texts, each with the name it may carry. Private
    questions are `hidden` unless `include_private`, which only `reveal_private_answers` passes."""
    questions = list(survey.questions.all())
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


def reveal_private_answers(actor, survey: Survey, *, reason: str) -> list[dict]:
    """Every answer to `survey`, private questions included, for an administrator or steward (C29, C88),
    through privacy.access.reveal: checked (a reason of a few words), logged (READ_PRIVATE_ANSWERS, with the
    number of private answers), then read. ValueError: the reason is too short; audit.AuditUnavailable:
    nothing is shown.
    """
    private = Answer.objects.filter(question__survey=survey, question__public=False)
    return access.reveal(
        actor,
        event_type=audit.AccessEventType.READ_PRIVATE_ANSWERS,
        target=f"survey:{survey.pk}",
        reason=reason,
        result_count=private.count(),
        read=lambda: tally(survey, include_private=True),
    )
