from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from candor.privacy.cookies import REGISTRY


def cookie_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/cookies.html", {"cookies": REGISTRY})
