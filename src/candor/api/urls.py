"""The API's addresses: MediaWiki's Action API at /w/api.php, Candor's JSON API under /api/."""

from django.urls import path

from candor.api import action
from candor.api.v1.endpoints import api as json_api
from candor.api.v1.endpoints import no_such_endpoint

urlpatterns: list = [
    path("w/api.php", action.api_php, name="api-php"),
    path("api/", json_api.urls),  # Candor's JSON API: /api/v1/... and /api/openapi.json
    path("api/<path:unknown>", no_such_endpoint),
]
