from django.apps import AppConfig


class PublicLogConfig(AppConfig):
    name = "candor.publiclog"
    label = "publiclog"
    verbose_name = "Public logs and titles"
