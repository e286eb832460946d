"""Page-view counting on every response, when the wiki counts them (stats/counting.py)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from candor.stats import counting


class PageViewCountingMiddleware:
    """Inside FirstPartyOnlyMiddleware (which sees its cookie) and after RequestMetaMiddleware (whose
    address it reads once, for the country)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.CANDOR_STATS_COUNT_PAGE_VIEWS:
            counting.count(request, response)
        return response
