"""Surveys (C29, C72, C73, C74): the models and every write to them.

Invariants. A survey cannot exist without a statement of how its answers are used (C72). Every question is
optional and says whether its answers are public or private (C29, C73). An anonymous response stores no
link to its author at all: only a keyed HMAC of (user, survey), which stops a second answer without saying
whose the first was. Invitations go through `queue_consented_mails`, which asks about consent to
Purpose.SURVEYS and a confirmed address when it sends (C74). Responses and their answers are deleted by the
retention purge after SURVEY_ANSWERS. Answers to private questions are read only through
`reveal_private_answers`, which writes the privileged-access log entry first (C88) and shows nothing if it
cannot.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils.crypto import salted_hmac

from candor.accounts.models import User
from candor.accounts.tasks import queue_consented_mails
from candor.privacy import access, audit, clock
from candor.privacy.consent import Purpose

MAX_QUESTIONS = 5
CHOICE_SEPARATOR = "|"
ANONYMOUS_KEY_SALT = "candor.notify.surveys.anonymous"


class Survey(models.Model):
    title = models.CharField(max_length=200)
    statement = models.TextField()  # how the answers are used, shown above the form (C72)
    ends_on = models.DateField()
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.title

    def is_open(self, today: datetime.date) -> bool:
        return today <= self.ends_on


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    prompt = models.CharField(max_length=500)
    choices = models.TextField(blank=True)  # one per line; empty: a free-text question
    public = models.BooleanField(default=False)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.prompt

    @property
    def options(self) -> list[str]:
        return [line for line in self.choices.splitlines() if line]


class Response(models.Model):
    """One person's answers to one survey. `user` is empty for an anonymous response, whose only trace of
    its author is `anonymous_key`, an HMAC nobody can turn back into an account."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+")
    anonymous_key = models.CharField(max_length=64, null=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "user"],
                condition=models.Q(user__isnull=False),
                name="one_response_per_user",
            ),
            models.UniqueConstraint(
                fields=["survey", "anonymous_key"],
                condition=models.Q(anonymous_key__isnull=False),
                name="one_anonymous_response_per_key",
            ),
        ]
        indexes = [models.Index(fields=["created_at"], name="survey_response_created")]

    def __str__(self) -> str:
        return f"response {self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    text = models.TextField()

    def __str__(self) -> str:
        return f"answer {self.pk}"


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
            raise SurveyRefused(f'Start each question with "public:" or "private:" ({line[:60]!r}).')
        prompt, *options = (part.strip() for part in rest.split(CHOICE_SEPARATOR))
        options = [option for option in options if option]
        if not prompt:
            raise SurveyRefused("Each question needs some words.")
        drafts.append(QuestionDraft(prompt, prefix.strip().lower() == "public", tuple(options)))
    if not drafts:
        raise SurveyRefused("Ask at least one question.")
    if len(drafts) > MAX_QUESTIONS:
        raise SurveyRefused(f"Ask at most {MAX_QUESTIONS} questions.")
    return drafts


def do_publish_survey(title: str, statement: str, ends_on: datetime.date, questions: str) -> Survey:
    """Create the survey and queue its invitations; refused without a statement of use (C72)."""
    title, statement = title.strip(), statement.strip()
    if not title:
        raise SurveyRefused("Give the survey a title.")
    if not statement:
        raise SurveyRefused("Say how the answers will be used before asking for them.")
    if ends_on < clock.now().date():
        raise SurveyRefused("The end date is in the past.")
    drafts = parse_questions(questions)
    with transaction.atomic():
        survey = Survey.objects.create(
            title=title, statement=statement, ends_on=ends_on, created_at=clock.now()
        )
        Question.objects.bulk_create(
            Question(
                survey=survey, position=n, prompt=d.prompt, choices="\n".join(d.options), public=d.public
            )
            for n, d in enumerate(drafts, start=1)
        )
        do_invite(survey)
    return survey


def do_invite(survey: Survey) -> int:
    """Queue one invitation per active account once the transaction commits; the number queued. Whether
    each is sent (consent to surveys, a confirmed address) is decided when it is sent (C74)."""
    subject = f"Survey: {survey.title}"
    body = (
        f"You are invited to answer a survey, {survey.title}, until {survey.ends_on:%d %B %Y}.\n"
        "Every question is optional, and you may answer anonymously.\n\n"
        f"How the answers will be used: {survey.statement}\n\n"
        f"{settings.CANDOR_SITE_URL}/notify/surveys/answer?id={survey.pk}"
    )
    active = User.objects.filter(is_active=True).values_list("id", flat=True).iterator()
    messages = [(user_id, subject, body) for user_id in active]
    queue_consented_mails(Purpose.SURVEYS, messages)
    return len(messages)


def anonymous_key(user: User, survey: Survey) -> str:
    return salted_hmac(ANONYMOUS_KEY_SALT, f"{user.pk}:{survey.pk}", algorithm="sha256").hexdigest()


def has_answered(user: User, survey: Survey) -> bool:
    return Response.objects.filter(
        models.Q(user=user) | models.Q(anonymous_key=anonymous_key(user, survey)), survey=survey
    ).exists()


def do_answer(user: User, survey: Survey, values: dict[int, str], *, anonymous: bool) -> Response:
    """Store one response; empty answers are not stored (every question is optional, C73)."""
    if not survey.is_open(clock.now().date()):
        raise SurveyRefused("This survey has ended.")
    if has_answered(user, survey):
        raise SurveyRefused("You have already answered this survey.")
    questions = {question.pk: question for question in survey.questions.all()}
    answers = []
    for question_id, value in values.items():
        question, value = questions.get(question_id), value.strip()
        if question is None or not value:
            continue
        if question.options and value not in question.options:
            raise SurveyRefused(f"Choose one of the answers offered to {question.prompt!r}.")
        answers.append((question, value))
    try:
        with transaction.atomic():
            response = Response.objects.create(
                survey=survey,
                user=None if anonymous else user,
                anonymous_key=anonymous_key(user, survey) if anonymous else None,
                created_at=clock.now(),
            )
            Answer.objects.bulk_create(Answer(response=response, question=q, text=v) for q, v in answers)
    except IntegrityError as clash:  # two submissions at once
        raise SurveyRefused("You have already answered this survey.") from clash
    return response


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
    """Every answer to `survey`, private questions included, for an administrator or steward (C29, C88).

    Checked (a reason of a few words), logged (READ_PRIVATE_ANSWERS, with the number of private answers),
    then read. ValueError: the reason is too short; audit.AuditUnavailable: nothing is shown.
    """
    reason = access.check_reason(reason)
    private = Answer.objects.filter(question__survey=survey, question__public=False)
    audit.append(
        event_type=audit.AccessEventType.READ_PRIVATE_ANSWERS,
        actor=actor,
        target=f"survey:{survey.pk}",
        reason=reason,
        result_count=private.count(),
    )
    return tally(survey, include_private=True)
