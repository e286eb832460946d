"""Mail jobs, run by the huey worker (`candor run_huey`): a slow or failing relay never delays a request,
and the request's answer cannot depend on whether a mail was sent (C102: nothing tells whether an account
exists). Each job is queued once the transaction that asked for it commits (nothing for a rollback), and
decides when it runs whether its mail may still go. A relay that is down fails a verification or reset job,
which huey retries; consented mail goes in chunks of CHUNK recipients, and a chunk queues again only what
the relay did not take, so that nobody gets a mail twice."""

import logging
from collections.abc import Iterable
from functools import partial
from itertools import islice

from django.db import transaction
from huey.contrib.djhuey import db_task

from candor.accounts import mail

RETRIES, RETRY_DELAY_SECONDS = 3, 60
CHUNK = 500  # consented mails per delivery job

logger = logging.getLogger(__name__)


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY_SECONDS)
def deliver_verification(user_id: int, address: str) -> bool:
    return mail.send_verification(user_id, address)


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY_SECONDS)
def deliver_password_reset(user_id: int) -> bool:
    return mail.send_password_reset(user_id)


@db_task()
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


def queue_verification(user) -> None:
    """The link to confirm the account's current address (C68)."""
    user_id, address = user.pk, user.email
    transaction.on_commit(lambda: deliver_verification(user_id, address))


def queue_password_reset(user) -> None:
    """A one-time reset link to the account's confirmed address (C102)."""
    user_id = user.pk
    transaction.on_commit(lambda: deliver_password_reset(user_id))


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
