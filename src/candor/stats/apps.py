from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "candor.stats"
    label = "stats"
    verbose_name = "Statistics"
