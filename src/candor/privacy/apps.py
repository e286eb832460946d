from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "candor.privacy"
    label = "privacy"
    verbose_name = "Privacy engine"

    def ready(self) -> None:
        from django.conf import settings

        from candor.privacy import checks  # noqa: F401 - registers the data-map system checks
        from candor.privacy.register import validate_retention_settings

        validate_retention_settings(settings.CANDOR_RETENTION_DAYS)
