"""C29, C72, C73, C74: an administrator or steward publishes a survey that says how its answers are used;
invitations are mailed only to people who consented to surveys and confirmed their address; every question
is optional and says whether its answers are public or private; an anonymous answer links nobody and cannot
be given twice; private answers are seen only by administrators and stewards; answers expire."""

import datetime

import pytest
from django.core import mail as outbox
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from huey import SqliteHuey

from candor.accounts.actions import do_accept_access_policy, do_grant_role
from candor.notify import tasks
from candor.notify.models import Answer, Response, Survey
from candor.privacy import audit, clock, consent, retention
from candor.privacy.capture import RequestMeta
from candor.privacy.consent import Purpose
from candor.privacy.roles import Role

META = RequestMeta.from_address("198.51.100.31")
STATEMENT = (
    "Used to plan next year's features; seen by the product team; kept one year; anonymous by default."
)
QUESTIONS = (
    "private: How old are you? | under 18 | 18 to 40 | over 40\n"
    "public: What should we build next?\n"
    "private: Anything else you want to tell us?"
)
PRIVATE_CANARY = "private-answer-canary-5521"
REASON = "Planning the accessibility work the survey asked about"


def _in_a_month() -> str:
    return (clock.now().date() + datetime.timedelta(days=30)).isoformat()


def _form(**changes) -> dict:
    form = {
        "title": "Features survey",
        "statement": STATEMENT,
        "ends_on": _in_a_month(),
        "questions": QUESTIONS,
    }
    return form | changes


@pytest.fixture
def administrator(make_account) -> Client:
    client = Client()
    account = make_account("Ada")
    do_grant_role(target=account, role=Role.ADMINISTRATOR, reason="Elected by the community")
    client.force_login(account)
    return client


@pytest.fixture
def steward(make_account) -> Client:
    """A steward sees nonpublic data, so has accepted the policy and passed a second factor."""
    client = Client()
    account = make_account("Stella")
    do_grant_role(target=account, role=Role.STEWARD, reason="Appointed steward")
    do_accept_access_policy(account)
    client.force_login(account)
    client.get("/accounts/second-factor")
    device = TOTPDevice.objects.get(user=account)
    client.post("/accounts/second-factor", {"code": f"{totp(device.bin_key):06d}"})
    return client


@pytest.fixture
def survey(administrator) -> Survey:
    response = administrator.post("/notify/surveys/new", _form())
    assert response.status_code == 303
    return Survey.objects.get()


@pytest.fixture
def queue(tmp_path, monkeypatch):
    instance = SqliteHuey("candor-test-surveys", filename=str(tmp_path / "jobs.sqlite3"))
    bound = instance.task()(tasks.deliver_consented_mail.call_local)
    monkeypatch.setattr(tasks, "deliver_consented_mail", bound)
    yield instance
    instance.flush()


def test_only_administrators_and_stewards_can_publish(administrator, steward, editor, outsider):
    assert editor.get("/notify/surveys/new").status_code == 404
    assert outsider.post("/notify/surveys/new", _form()).status_code == 404
    assert administrator.get("/notify/surveys/new").status_code == 200
    assert steward.post("/notify/surveys/new", _form()).status_code == 303
    assert Survey.objects.count() == 1


def test_a_survey_without_a_statement_of_use_is_refused(administrator):
    """C72."""
    response = administrator.post("/notify/surveys/new", _form(statement="   "))

    assert response.status_code == 400
    assert not Survey.objects.exists()


def test_the_statement_of_use_is_shown_above_the_submit_button(survey, editor):
    """C72."""
    page = editor.get(f"/notify/surveys/answer?id={survey.pk}").content.decode()

    assert STATEMENT.replace("'", "&#x27;") in page
    assert page.index(STATEMENT.replace("'", "&#x27;")) < page.index('type="submit">Send my answers')


def test_every_question_is_labelled_public_or_private(survey, editor):
    """C29."""
    page = editor.get(f"/notify/surveys/answer?id={survey.pk}").content.decode()

    assert page.count("(private: seen only by administrators and stewards)") == 2
    assert page.count("(public: shown to everyone logged in") == 1


def test_answering_with_every_question_left_empty_is_accepted(survey, editor):
    """C29, C73: every question is optional."""
    response = editor.post(f"/notify/surveys/answer?id={survey.pk}", {"identity": "account"})

    assert response.status_code == 303
    assert Response.objects.filter(survey=survey).count() == 1
    assert not Answer.objects.exists()


def test_the_survey_can_be_skipped_and_the_site_still_works(survey, editor):
    """C73: nothing is gated on answering."""
    listing = editor.get("/notify/surveys")
    assert f"/notify/surveys/answer?id={survey.pk}" in listing.content.decode()
    for path in ("/wiki/Main_Page", "/accounts/preferences", "/notify/"):
        assert editor.get(path).status_code in (200, 404)
    assert not Response.objects.exists()


def test_an_anonymous_answer_has_no_link_to_its_author_and_cannot_be_repeated(survey, editor):
    question = survey.questions.get(position=2)
    answer = {f"q{question.pk}": "Offline reading"}  # no choice sent: anonymous, the protective default

    assert editor.post(f"/notify/surveys/answer?id={survey.pk}", answer).status_code == 303
    repeated = editor.post(f"/notify/surveys/answer?id={survey.pk}", answer | {"identity": "account"})

    assert repeated.status_code == 400
    (stored,) = Response.objects.filter(survey=survey)
    assert stored.user_id is None
    assert stored.anonymous_key and "Alice" not in stored.anonymous_key
    assert Answer.objects.get().text == "Offline reading"


def test_the_answer_form_offers_anonymity_ticked_by_default(survey, editor):
    page = editor.get(f"/notify/surveys/answer?id={survey.pk}").content.decode()

    assert 'value="anonymous" checked> Answer anonymously' in page


def test_a_named_answer_cannot_be_repeated_either(survey, editor):
    url = f"/notify/surveys/answer?id={survey.pk}"
    assert editor.post(url, {"identity": "account"}).status_code == 303
    assert editor.post(url, {}).status_code == 400
    assert Response.objects.count() == 1


def test_private_answers_are_seen_only_by_administrators_and_stewards(
    survey, editor, outsider, administrator
):
    private, public = survey.questions.get(position=3), survey.questions.get(position=2)
    editor.post(
        f"/notify/surveys/answer?id={survey.pk}",
        {f"q{private.pk}": PRIVATE_CANARY, f"q{public.pk}": "Better search", "identity": "account"},
    )

    for client in (outsider, editor):
        page = client.get(f"/notify/surveys/results?id={survey.pk}").content.decode()
        assert PRIVATE_CANARY not in page
        assert "Better search — Alice" in page  # public question, answered with her name
    assert outsider.get(f"/notify/surveys/private?id={survey.pk}").status_code == 404
    assert outsider.post(f"/notify/surveys/private?id={survey.pk}", {"reason": REASON}).status_code == 404
    page = administrator.post(f"/notify/surveys/private?id={survey.pk}", {"reason": REASON})
    assert PRIVATE_CANARY in page.content.decode()


def _answered_privately(survey, editor) -> None:
    private = survey.questions.get(position=3)
    editor.post(f"/notify/surveys/answer?id={survey.pk}", {f"q{private.pk}": PRIVATE_CANARY})


def test_reading_private_answers_is_on_the_privileged_access_log_with_its_reason(
    survey, editor, administrator
):
    """C29, C88: the reading is logged first, naming who read which survey, why, and how many answers."""
    _answered_privately(survey, editor)
    before = administrator.get(f"/notify/surveys/private?id={survey.pk}")
    assert before.status_code == 200 and PRIVATE_CANARY not in before.content.decode()
    assert not audit.AccessLogEntry.objects.exists()

    page = administrator.post(f"/notify/surveys/private?id={survey.pk}", {"reason": REASON})

    assert page.status_code == 200 and PRIVATE_CANARY in page.content.decode()
    entry = audit.AccessLogEntry.objects.get()
    assert entry.event_type == audit.AccessEventType.READ_PRIVATE_ANSWERS
    assert (entry.actor.username, entry.target, entry.reason) == ("Ada", f"survey:{survey.pk}", REASON)
    assert entry.result_count == 1
    assert PRIVATE_CANARY not in entry.reason + entry.target


def test_without_a_reason_no_private_answer_is_shown(survey, editor, administrator):
    _answered_privately(survey, editor)

    page = administrator.post(f"/notify/surveys/private?id={survey.pk}", {"reason": "curious"})

    assert page.status_code == 400 and PRIVATE_CANARY not in page.content.decode()
    assert not audit.AccessLogEntry.objects.exists()


def test_when_the_log_cannot_be_written_no_private_answer_is_shown(
    survey, editor, administrator, monkeypatch
):
    """C88, fail closed."""
    _answered_privately(survey, editor)

    def broken(**kwargs):
        raise audit.AuditUnavailable("disk full")

    monkeypatch.setattr(audit, "append", broken)
    page = administrator.post(f"/notify/surveys/private?id={survey.pk}", {"reason": REASON})

    assert page.status_code == 503 and PRIVATE_CANARY not in page.content.decode()


def test_an_anonymous_answer_to_a_public_question_carries_no_name(survey, editor, outsider):
    public = survey.questions.get(position=2)
    editor.post(f"/notify/surveys/answer?id={survey.pk}", {f"q{public.pk}": "Dark mode"})

    page = outsider.get(f"/notify/surveys/results?id={survey.pk}").content.decode()
    assert "Dark mode" in page
    assert "Alice" not in page


def test_a_choice_outside_those_offered_is_refused(survey, editor):
    choice = survey.questions.get(position=1)
    response = editor.post(f"/notify/surveys/answer?id={survey.pk}", {f"q{choice.pk}": "150"})

    assert response.status_code == 400
    assert not Response.objects.exists()


def test_invitations_are_mailed_only_to_consenting_confirmed_users(
    make_account, make_confirmed_account, administrator, queue, django_capture_on_commit_callbacks
):
    """C74: surveys by email are opt-in, and need a confirmed address."""
    carol = make_confirmed_account("Carol", "carol@example.org")  # consents, confirmed
    consent.do_grant_consent(carol, Purpose.SURVEYS, META)
    make_confirmed_account("Dave", "dave@example.org")  # confirmed, never consented
    erin = make_account("Erin", email="erin@example.org")  # consents, never confirmed
    consent.do_grant_consent(erin, Purpose.SURVEYS, META)
    outbox.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert administrator.post("/notify/surveys/new", _form()).status_code == 303
    while queue.pending_count():
        queue.execute(queue.dequeue())

    assert [message.to for message in outbox.outbox] == [["carol@example.org"]]
    assert STATEMENT in outbox.outbox[0].body


def test_answers_are_deleted_by_the_retention_purge_after_a_year(survey, editor):
    editor.post(f"/notify/surveys/answer?id={survey.pk}", {f"q{survey.questions.get(position=2).pk}": "x"})

    with clock.frozen_at(clock.now() + datetime.timedelta(days=366)):
        retention.purge()

    assert not Response.objects.exists()
    assert not Answer.objects.exists()
    assert Survey.objects.exists()


def test_an_unknown_survey_is_missing(editor):
    assert editor.get("/notify/surveys/answer?id=999").status_code == 404
    assert editor.get("/notify/surveys/results").status_code == 404
