from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "candor.privacy"
    label = "privacy"
    verbose_name = "Privacy engine"

    def ready(self) -> None:
        from candor.privacy import checks  # noqa: F401 - registers the data-map system checks
