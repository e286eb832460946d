"""C50: notifications expire after the declared window (the retention purge removes them)."""

from datetime import timedelta

from candor.notify.datamap import DATAMAP


def test_notifications_are_kept_at_most_ninety_days():
    (notifications,) = [table for table in DATAMAP if table.model == "notify.Notification"]
    assert notifications.expiry.timestamp == "created_at"
    assert notifications.expiry.retention.window == timedelta(days=90)
