import zoneinfo

from django.utils import timezone


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
