"""Huey finds a queued job by the name it was queued under: jobs in flight across a deploy need it kept."""

from huey.contrib.djhuey import HUEY

from candor.notify import tasks


def test_consented_mail_keeps_the_job_name_it_had_in_accounts():
    """C68, C69, C74: a chunk queued before consented mail moved from accounts to notify, or a retry it
    scheduled, still names candor.accounts.tasks.deliver_consented_mail; a worker of either version runs
    it."""
    name = HUEY._registry.task_to_string(tasks.deliver_consented_mail.task_class)

    assert name == "candor.accounts.tasks.deliver_consented_mail"
    assert HUEY._registry.string_to_task(name) is tasks.deliver_consented_mail.task_class
