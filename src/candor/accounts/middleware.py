import zoneinfo

from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers


class TimeZoneMiddleware:
    """Show times in a logged-in user's chosen zone (a private preference); UTC for everyone else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.time_zone != "UTC":
            timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
        else:
            timezone.deactivate()
        return self.get_response(request)


class LanguageMiddleware:
    """The interface's language (C51, C57): the account's preference, else the footer picker's declared
    cookie, else the browser's Accept-Language, else settings.LANGUAGE_CODE.

    The choice is used for this response only: it is written nowhere (no event, no log line), and no cookie
    is set here: only the footer picker's view sets one, when someone picks.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = ""
        if user is not None and user.is_authenticated:
            language = user.language
        if not language or not translation.check_for_language(language):
            # The declared cookie first, then Accept-Language, then LANGUAGE_CODE.
            language = translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        translation.deactivate()
        return response
