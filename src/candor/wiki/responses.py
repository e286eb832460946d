"""Error pages that say what went wrong and keep what the person typed."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def bad_request(request: HttpRequest, message: str, *, typed: str = "") -> HttpResponse:
    return render(request, "wiki/bad_request.html", {"message": message, "typed": typed}, status=400)


def not_found(request: HttpRequest, message: str, **context) -> HttpResponse:
    return render(request, "wiki/not_found.html", {"message": message, **context}, status=404)
