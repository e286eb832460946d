"""Notification jobs, run by the huey worker (`candor run_huey`): the fan-out of an edit or of an
administrative notice, and the digests."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from candor.notify import actions
from candor.notify.models import Frequency


@db_task(retries=3, retry_delay=60)
def notify_edit(revision_id: int) -> int:
    return actions.do_notify_edit(revision_id)


@db_task(retries=3, retry_delay=60)
def notify_announcement(announcement_id: int) -> int:
    return actions.do_notify_announcement(announcement_id)


@db_periodic_task(crontab(minute="0", hour="6"))
def daily_digest() -> int:
    return actions.do_send_digests(Frequency.DAILY)


@db_periodic_task(crontab(minute="0", hour="6", day_of_week="1"))
def weekly_digest() -> int:
    return actions.do_send_digests(Frequency.WEEKLY)
