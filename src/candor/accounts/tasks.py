"""Mail jobs, run by the huey worker (`candor run_huey`): a slow or failing relay never delays a request."""

from django.db import transaction
from huey.contrib.djhuey import db_task

from candor.accounts import mail


@db_task(retries=3, retry_delay=60)
def deliver_consented_mail(user_id: int, purpose: str, subject: str, body: str) -> bool:
    """Consent and the confirmed address are checked now, when the mail goes, not when it was queued."""
    return mail.send_consented(user_id, purpose, subject, body)


def queue_consented_mail(user, purpose: str, subject: str, body: str) -> None:
    """Queue one consented mail once the current transaction commits (nothing is queued for a rollback)."""
    user_id = user.pk
    transaction.on_commit(lambda: deliver_consented_mail(user_id, str(purpose), subject, body))
