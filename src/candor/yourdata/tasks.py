"""Jobs of the yourdata app, run by the huey worker (`candor run_huey`)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from candor.yourdata import actions


@db_task(retries=3, retry_delay=60)
def build_export(request_id: int) -> None:
    actions.do_build_export(request_id)


@db_task(retries=3, retry_delay=60)
def erase(request_id: int) -> None:
    actions.do_erase(request_id)


@db_periodic_task(crontab(minute="35"))
def remove_expired_exports() -> int:
    return actions.do_remove_expired_exports()
