from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "candor.notify"
    label = "notify"
