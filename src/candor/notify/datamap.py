"""The notify app's fields: watchlists, notifications and their settings are the owner's usage data (C50)."""

from candor.privacy.register import (
    UNTIL_CHANGED,
    Erasure,
    Expiry,
    Export,
    Field,
    Retention,
    Table,
    Visibility,
    days,
    not_personal,
)

NOTIFICATIONS = days(90, key="notifications")
OWN_DATA_TEMPLATES = ("notify/inbox.html", "notify/watchlist.html", "notify/settings.html")


def _own(purpose: str, retention: Retention, category: str = "user.behavior") -> Field:
    return Field(category, Visibility.OWNER, purpose, retention, Export.INCLUDE, Erasure.DELETE)


DATAMAP = (
    Table(
        model="notify.Watch",
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
        description="A notification (a change to a page you watch, a mention, a message on your talk page)",
        collected_when="use",
        fields={
            "id": not_personal("Identifies the notification.", NOTIFICATIONS, Visibility.OWNER),
            "user": _own("Who is notified. Nobody else can see it.", NOTIFICATIONS),
            # The kind alone (an edit, a mention) is a label, not data about anyone; the row is private.
            "kind": not_personal("Why you are notified.", NOTIFICATIONS, Visibility.OWNER),
            "page": _own("The page the notification is about.", NOTIFICATIONS),
            "revision": _own("The edit the notification is about.", NOTIFICATIONS),
            "created_at": _own("When it was made; it is deleted after the window.", NOTIFICATIONS),
            "read_at": _own("When you saw it, to show you what is new.", NOTIFICATIONS),
            "mailed_at": _own("When it went by email, so that no digest repeats it.", NOTIFICATIONS),
        },
        expiry=Expiry("created_at", NOTIFICATIONS),
    ),
    Table(
        model="notify.NotificationSettings",
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
)
