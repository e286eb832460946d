"""Notification and consented-mail jobs, run by the huey worker (`candor run_huey`): the fan-out of an edit
or of an administrative notice, the digests, and the delivery of consented mail (C68, C69, C74).

Consented mail is queued once the transaction that asked for it commits (nothing for a rollback), in chunks
of CHUNK recipients, one job each: a fan-out to thousands costs a few queue writes. Each job decides when it
runs whether each mail may still go (consent, a confirmed address); a chunk queues again only what the relay
did not take, so that nobody gets a mail twice."""

import logging
from collections.abc import Iterable
from functools import partial
from itertools import islice

from django.db import transaction
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from candor.notify import mail
from candor.notify.models import Frequency

RETRIES, RETRY_DELAY_SECONDS = 3, 60
CHUNK = 500  # consented mails per delivery job

logger = logging.getLogger(__name__)


@db_task(retries=3, retry_delay=60)
def notify_edit(revision_id: int) -> int:
    from candor.notify import actions  # actions queue these jobs

    return actions.do_notify_edit(revision_id)


@db_task(retries=3, retry_delay=60)
def notify_announcement(announcement_id: int) -> int:
    from candor.notify import actions

    return actions.do_notify_announcement(announcement_id)


@db_periodic_task(crontab(minute="0", hour="6"))
def daily_digest() -> int:
    from candor.notify import actions

    return actions.do_send_digests(Frequency.DAILY)


@db_periodic_task(crontab(minute="0", hour="6", day_of_week="1"))
def weekly_digest() -> int:
    from candor.notify import actions

    return actions.do_send_digests(Frequency.WEEKLY)


# Huey names a job by its function's module and name. This one moved here from accounts/tasks.py, and keeps
# the name it had there, so that jobs queued before a deploy (and the retries they scheduled a minute ahead)
# still run, on a worker of either version: no consented mail in flight is lost.
@db_task(name="deliver_consented_mail", __module__="candor.accounts.tasks")
def deliver_consented_mail(
    purpose: str, messages: list[tuple[int, str, str]], attempts_left: int = RETRIES
) -> int:
    """One chunk of consented mail (user id, subject, body); consent and the confirmed address are checked
    now, when each mail goes, not when it was queued. The number sent. What the relay did not take is queued
    again a minute later, up to RETRIES times; a mail it took is never sent twice."""
    sent, unsent = mail.send_consented_each(purpose, messages)
    if unsent and attempts_left > 0:
        deliver_consented_mail.schedule((purpose, unsent, attempts_left - 1), delay=RETRY_DELAY_SECONDS)
    elif unsent:
        logger.warning("%d consented mails not delivered after %d attempts", len(unsent), RETRIES + 1)
    return sent


def queue_consented_mails(purpose: str, messages: Iterable[tuple[int, str, str]]) -> int:
    """Queue consented mail (user id, subject, body), one job per CHUNK messages, once the current
    transaction commits; the number of jobs. A fan-out to thousands costs a few queue writes, not one each."""
    purpose, messages, jobs = str(purpose), iter(messages), 0
    while chunk := list(islice(messages, CHUNK)):
        transaction.on_commit(partial(deliver_consented_mail, purpose, chunk))
        jobs += 1
    return jobs


def queue_consented_mail(user, purpose: str, subject: str, body: str) -> None:
    """Queue one consented mail once the current transaction commits."""
    queue_consented_mails(purpose, [(user.pk, subject, body)])
