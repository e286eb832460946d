from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "candor.governance"
    label = "governance"
