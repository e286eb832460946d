from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "candor.privacy"
    label = "privacy"
    verbose_name = "Privacy engine"
