"""Every notify write, one module per workflow: watchlists and notifications (`notifications`), "email this
user" (`email_user`), surveys (`surveys`). The names are re-exported here, so callers write
`notify.actions.do_watch`. Constants that tests change (`notifications.BATCH`) are not re-exported: patch
them in their own module."""

from candor.notify.actions.email_user import (
    CONFIRM_YOURS_FIRST,
    DAILY_LIMIT,
    NOT_EMAILABLE,
    NOT_SENT,
    EmailRefused,
    do_email_user,
)
from candor.notify.actions.notifications import (
    do_mark_read,
    do_notify_announcement,
    do_notify_edit,
    do_send_digests,
    do_set_frequency,
    do_set_switches,
    do_unwatch,
    do_watch,
    hidden_kinds,
    queue_edit_notifications,
    recipients,
    switches,
)
from candor.notify.actions.surveys import do_answer, do_invite, do_publish_survey

__all__ = [
    "CONFIRM_YOURS_FIRST",
    "DAILY_LIMIT",
    "NOT_EMAILABLE",
    "NOT_SENT",
    "EmailRefused",
    "do_answer",
    "do_email_user",
    "do_invite",
    "do_mark_read",
    "do_notify_announcement",
    "do_notify_edit",
    "do_publish_survey",
    "do_send_digests",
    "do_set_frequency",
    "do_set_switches",
    "do_unwatch",
    "do_watch",
    "hidden_kinds",
    "queue_edit_notifications",
    "recipients",
    "switches",
]
