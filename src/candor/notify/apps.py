from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "candor.notify"
    label = "notify"

    def ready(self):
        from candor.notify.actions import queue_edit_notifications
        from candor.wiki.actions import add_after_save

        # One job per saved edit, queued on commit; the fan-out runs in the worker.
        add_after_save(queue_edit_notifications)
