"""The API's addresses: MediaWiki's Action API at /w/api.php, Candor's JSON API under /api/."""

urlpatterns: list = []
