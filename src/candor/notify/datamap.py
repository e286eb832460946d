"""The notify app's fields: watchlists, notifications and their settings are the owner's usage data (C50)."""

from candor.privacy.register import (
    UNTIL_CHANGED,
    Erasure,
    Expiry,
    Export,
    Field,
    LegalBasis,
    Retention,
    Table,
    Visibility,
    days,
    not_personal,
)

NOTIFICATIONS = days(90, key="notifications")
SURVEY_ANSWERS = days(365, key="survey_answers")
OWN_DATA_TEMPLATES = ("notify/inbox.html", "notify/watchlist.html", "notify/settings.html")
PRIVILEGED_TEMPLATES = ("notify/survey_private.html",)


def _own(purpose: str, retention: Retention, category: str = "user.behavior") -> Field:
    return Field(category, Visibility.OWNER, purpose, retention, Export.INCLUDE, Erasure.DELETE)


DATAMAP = (
    Table(
        model="notify.Watch",
        basis=LegalBasis.CONTRACT,
        subject="user",
        description="A page on your watchlist",
        collected_when="use",
        fields={
            "id": not_personal("Identifies the entry.", UNTIL_CHANGED, Visibility.OWNER),
            "user": _own("Whose watchlist it is. Nobody else can see it.", UNTIL_CHANGED),
            "page": _own("The page you follow, to tell you when it changes.", UNTIL_CHANGED),
            "created_at": _own("When you started watching it.", UNTIL_CHANGED),
        },
    ),
    Table(
        model="notify.Notification",
        basis=LegalBasis.CONTRACT,
        subject="user",
        description="A notification (a change to a page you watch, a mention, a message on your talk page, "
        "an administrative notice)",
        collected_when="use",
        fields={
            "id": not_personal("Identifies the notification.", NOTIFICATIONS, Visibility.OWNER),
            "user": _own("Who is notified. Nobody else can see it.", NOTIFICATIONS),
            # The kind alone (an edit, a mention) is a label, not data about anyone; the row is private.
            "kind": not_personal("Why you are notified.", NOTIFICATIONS, Visibility.OWNER),
            "page": _own("The page the notification is about.", NOTIFICATIONS),
            "revision": _own("The edit the notification is about.", NOTIFICATIONS),
            "announcement": _own(
                "The administrative notice (a policy change, an ownership transfer) it is about.",
                NOTIFICATIONS,
            ),
            "created_at": _own("When it was made; it is deleted after the window.", NOTIFICATIONS),
            "read_at": _own("When you saw it, to show you what is new.", NOTIFICATIONS),
            "mailed_at": _own("When it went by email, so that no digest repeats it.", NOTIFICATIONS),
        },
        expiry=Expiry("created_at", NOTIFICATIONS),
    ),
    Table(
        model="notify.NotificationSettings",
        basis=LegalBasis.CONSENT,
        subject="user",
        description="How often notifications come by email",
        collected_when="use",
        fields={
            "id": not_personal("Identifies the row.", UNTIL_CHANGED, Visibility.OWNER),
            "user": _own("Whose setting it is.", UNTIL_CHANGED, "user.account.settings"),
            "frequency": _own(
                "Never (the default), immediately, a daily or a weekly digest.",
                UNTIL_CHANGED,
                "user.account.settings",
            ),
        },
    ),
    Table(
        model="notify.NotificationSwitch",
        basis=LegalBasis.CONSENT,
        subject="user",
        description="Which kinds of notification you get on the site and by email",
        collected_when="use",
        fields={
            "id": not_personal("Identifies the row.", UNTIL_CHANGED, Visibility.OWNER),
            "user": _own("Whose choice it is.", UNTIL_CHANGED, "user.account.settings"),
            "kind": _own("The kind of notification.", UNTIL_CHANGED, "user.account.settings"),
            "channel": _own("On the site or by email.", UNTIL_CHANGED, "user.account.settings"),
            "enabled": _own(
                "On or off. Without a choice: on for the site, off for email.",
                UNTIL_CHANGED,
                "user.account.settings",
            ),
        },
    ),
    Table(
        model="notify.Survey",
        basis=LegalBasis.LEGITIMATE_INTEREST,
        description="A survey an administrator or steward published",
        collected_when="messages",
        fields={
            "id": not_personal("Identifies the survey."),
            "title": not_personal("What the survey is called.", UNTIL_CHANGED),
            "statement": not_personal("How its answers are used, shown above the form.", UNTIL_CHANGED),
            "ends_on": not_personal("The last day it can be answered.", UNTIL_CHANGED),
            "created_at": not_personal("When it was published.", UNTIL_CHANGED),
        },
    ),
    Table(
        model="notify.Question",
        basis=LegalBasis.LEGITIMATE_INTEREST,
        description="A question of a survey; each says whether its answers are public or private",
        collected_when="messages",
        fields={
            "id": not_personal("Identifies the question."),
            "survey": not_personal("The survey it belongs to."),
            "position": not_personal("Its place in the survey."),
            "prompt": not_personal("The question asked.", UNTIL_CHANGED),
            "choices": not_personal("The answers offered, if it is a single-choice question.", UNTIL_CHANGED),
            "public": not_personal("Whether its answers are shown to everyone logged in.", UNTIL_CHANGED),
        },
    ),
    Table(
        model="notify.Response",
        basis=LegalBasis.CONSENT,
        subject="user",
        description="Your answers to a survey (optional; anonymous unless you choose otherwise)",
        collected_when="messages",
        fields={
            "id": not_personal("Identifies the response.", SURVEY_ANSWERS, Visibility.PRIVATE),
            "survey": not_personal("The survey answered.", SURVEY_ANSWERS, Visibility.PRIVATE),
            "user": Field(
                "user.account",
                Visibility.PRIVATE,
                "Who answered, only if you chose to link your answers to your account; empty when you "
                "answer anonymously. Shown beside your answers to public questions only.",
                SURVEY_ANSWERS,
                Export.INCLUDE,
                Erasure.DELETE,
            ),
            "anonymous_key": Field(
                "user.unique_id.pseudonymous",
                Visibility.SECRET,
                "A keyed fingerprint of you and the survey, so that an anonymous answer cannot be given "
                "twice; it cannot be turned back into your account.",
                SURVEY_ANSWERS,
                Export.OMIT,
                Erasure.DELETE,
            ),
            "created_at": Field(
                "user.behavior",
                Visibility.PRIVATE,
                "When the survey was answered; the answers are deleted after the window.",
                SURVEY_ANSWERS,
                Export.INCLUDE,
                Erasure.DELETE,
            ),
        },
        expiry=Expiry("created_at", SURVEY_ANSWERS),
    ),
    Table(
        model="notify.Answer",
        basis=LegalBasis.CONSENT,
        subject="response__user",
        description="An answer to one survey question (deleted with its response)",
        collected_when="messages",
        fields={
            "id": not_personal("Identifies the answer.", SURVEY_ANSWERS, Visibility.PRIVATE),
            "response": not_personal("The response it belongs to.", SURVEY_ANSWERS, Visibility.PRIVATE),
            "question": not_personal("The question answered.", SURVEY_ANSWERS, Visibility.PRIVATE),
            # Private by default: an answer to a public question is shown to logged-in users on the
            # results page, without a name unless it was linked to the account.
            "text": Field(
                "user.content.private",
                Visibility.PRIVATE,
                "Your answer. Answers to private questions are seen only by administrators and stewards.",
                SURVEY_ANSWERS,
                Export.INCLUDE,
                Erasure.DELETE,
            ),
        },
    ),
)
