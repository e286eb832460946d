"""Every write to surveys (C29, C72, C73, C74): publishing, the invitations, an answer.

A survey cannot exist without a statement of how its answers are used (C72). Invitations go through
`notify.tasks.queue_consented_mails`, which asks about consent to Purpose.SURVEYS and a confirmed address
when it sends (C74). An anonymous response stores no link to its author: only `surveys.anonymous_key`, which
stops a second answer without saying whose the first was. Empty answers are not stored (C73).
"""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from candor.accounts.models import User
from candor.notify.mail import in_their_languages
from candor.notify.models import Answer, Question, Response, Survey
from candor.notify.surveys import SurveyRefused, anonymous_key, has_answered, parse_questions
from candor.notify.tasks import queue_consented_mails
from candor.privacy import clock
from candor.privacy.consent import Purpose


def do_publish_survey(title: str, statement: str, ends_on: datetime.date, questions: str) -> Survey:
    """Create the survey and queue its invitations; refused without a statement of use (C72)."""
    title, statement = title.strip(), statement.strip()
    if not title:
        raise SurveyRefused(_("Give the survey a title."))
    if not statement:
        raise SurveyRefused(_("Say how the answers will be used before asking for them."))
    if ends_on < clock.now().date():
        raise SurveyRefused(_("The end date is in the past."))
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

    def invitation() -> tuple[str, str]:
        subject = _("Survey: %(title)s") % {"title": survey.title}
        body = _(
            "You are invited to answer a survey, %(title)s, until %(until)s.\n"
            "Every question is optional, and you may answer anonymously.\n\n"
            "How the answers will be used: %(statement)s"
        ) % {
            "title": survey.title,
            "until": date_format(survey.ends_on, "DATE_FORMAT"),
            "statement": survey.statement,
        }
        return subject, f"{body}\n\n{settings.CANDOR_SITE_URL}/notify/surveys/answer?id={survey.pk}"

    active = User.objects.filter(is_active=True).only("id", "language").iterator()
    messages = list(in_their_languages(active, invitation))
    queue_consented_mails(Purpose.SURVEYS, messages)
    return len(messages)


def do_answer(user: User, survey: Survey, values: dict[int, str], *, anonymous: bool) -> Response:
    """Store one response; empty answers are not stored (every question is optional, C73)."""
    if not survey.is_open(clock.now().date()):
        raise SurveyRefused(_("This survey has ended."))
    if has_answered(user, survey):
        raise SurveyRefused(_("You have already answered this survey."))
    questions = {question.pk: question for question in survey.questions.all()}
    answers = []
    for question_id, value in values.items():
        question, value = questions.get(question_id), value.strip()
        if question is None or not value:
            continue
        if question.options and value not in question.options:
            raise SurveyRefused(
                _("Choose one of the answers offered to “%(question)s”.") % {"question": question.prompt}
            )
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
        raise SurveyRefused(_("You have already answered this survey.")) from clash
    return response
