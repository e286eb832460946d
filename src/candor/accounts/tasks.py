"""Account mail jobs, run by the huey worker (`candor run_huey`): a slow or failing relay never delays a
request, and the request's answer cannot depend on whether a mail was sent (C102: nothing tells whether an
account exists). Each job is queued once the transaction that asked for it commits (nothing for a
rollback), and decides when it runs whether its mail may still go. A relay that is down fails the job,
which huey retries. Consented mail is notify's (notify/tasks.py)."""

from django.db import transaction
from huey.contrib.djhuey import db_task

from candor.accounts import mail

RETRIES, RETRY_DELAY_SECONDS = 3, 60


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY_SECONDS)
def deliver_verification(user_id: int, address: str) -> bool:
    return mail.send_verification(user_id, address)


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY_SECONDS)
def deliver_password_reset(user_id: int) -> bool:
    return mail.send_password_reset(user_id)


def queue_verification(user) -> None:
    """The link to confirm the account's current address (C68)."""
    user_id, address = user.pk, user.email
    transaction.on_commit(lambda: deliver_verification(user_id, address))


def queue_password_reset(user) -> None:
    """A one-time reset link to the account's confirmed address (C102)."""
    user_id = user.pk
    transaction.on_commit(lambda: deliver_password_reset(user_id))
