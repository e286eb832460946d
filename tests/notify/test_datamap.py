"""C50, C104: notifications are kept at most 90 days: the retention purge, run with the clock moved, deletes
a notification once it is older than that and keeps a younger one."""

from datetime import UTC, datetime, timedelta

from candor.notify.models import Notification
from candor.privacy import clock, retention
from tests.steps import save

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_the_purge_deletes_notifications_after_ninety_days(
    editor, watcher, watcher_account, jobs, django_capture_on_commit_callbacks
):
    def edit(text: str) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            save(editor, "Harbour", text)

    with clock.frozen_at(START):
        edit("The harbour.")
        watcher.post("/notify/watch", {"title": "Harbour"})
        edit("The harbour, rebuilt.")
    with clock.frozen_at(START + timedelta(days=60)):
        edit("The harbour, rebuilt again.")
    first, second = Notification.objects.filter(user=watcher_account).order_by("created_at")

    with clock.frozen_at(START + timedelta(days=89)):
        retention.purge()
    assert Notification.objects.filter(user=watcher_account).count() == 2

    with clock.frozen_at(START + timedelta(days=91)):
        retention.purge()
    assert list(Notification.objects.filter(user=watcher_account)) == [second]
    assert not Notification.objects.filter(pk=first.pk).exists()
