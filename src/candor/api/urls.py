"""The API's addresses: MediaWiki's Action API at /w/api.php, Candor's JSON API under /api/."""

from django.urls import path

from candor.api import action

urlpatterns: list = [
    path("w/api.php", action.api_php, name="api-php"),
]
