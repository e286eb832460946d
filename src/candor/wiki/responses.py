"""Error pages that say what went wrong and keep what the person typed."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def bad_request(request: HttpRequest, message: str, *, typed: str = "") -> HttpResponse:
    return render(request, "wiki/bad_request.html", {"message": message, "typed": typed}, status=400)


def not_found(request: HttpRequest, message: str, **context) -> HttpResponse:
    return render(request, "wiki/not_found.html", {"message": message, **context}, status=404)


def no_history(request: HttpRequest, title) -> HttpResponse:
    message = _("The page “%(title)s” does not exist, so it has no history.") % {"title": title}
    return not_found(request, message, title=title)


def no_such_user(request: HttpRequest, target: str) -> HttpResponse:
    return not_found(request, _("There is no user called “%(name)s”.") % {"name": target})
