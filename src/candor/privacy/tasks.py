"""Scheduled jobs of the privacy engine, run by the huey worker (`candor run_huey`)."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from candor.privacy import retention
from candor.privacy.locks import JobRunning

logger = logging.getLogger(__name__)


def run_purge(*, short_only: bool) -> None:
    try:
        report = retention.purge(short_only=short_only)
    except JobRunning:
        logger.info("Retention purge skipped: another run holds the lease.")
        return
    logger.info("Retention purge finished: %s", report.counts)


@db_periodic_task(crontab(minute="20", hour="3"))
def daily_purge() -> None:
    """Every window, once a day."""
    run_purge(short_only=False)


@db_periodic_task(crontab(minute="5"))
def hourly_purge() -> None:
    """The short windows (failed logins, ended sessions), every hour."""
    run_purge(short_only=True)
