from django.apps import AppConfig


class WikiConfig(AppConfig):
    name = "candor.wiki"
    label = "wiki"
