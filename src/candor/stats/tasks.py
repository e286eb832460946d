"""Scheduled: the previous month's editors per country, counted early in the month, well inside the
retention window of the events they come from (C107); and this process's pending page-view counts."""

from datetime import UTC, date

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from candor.privacy import clock
from candor.stats import actions


@db_periodic_task(crontab(day="2", hour="1", minute="15"))
@lock_task("stats-geoeditors")
def record_last_month_geoeditors() -> None:
    today = clock.now().astimezone(UTC).date()
    last_month = date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)
    actions.do_record_geoeditors(last_month)
