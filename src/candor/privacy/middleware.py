"""The privacy layer every response passes through (DESIGN.md, privacy engine points 2 and 5)."""

import logging

from django.http import HttpRequest, HttpResponse

from candor.privacy import browser_signals, csp
from candor.privacy.capture import RequestMeta
from candor.privacy.cookies import DECLARED_NAMES

logger = logging.getLogger(__name__)

# Location only for Candor itself (and today nothing asks for it); no camera, microphone or ad topics.
PERMISSIONS_POLICY = "geolocation=(self), camera=(), microphone=(), payment=(), usb=(), browsing-topics=()"


class RequestMetaMiddleware:
    """Hold the request's address, user agent and X-Forwarded-For for this request only (capture.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.candor_meta = RequestMeta.of(request)
        browser_signals.note(request)
        return self.get_response(request)


class FirstPartyOnlyMiddleware:
    """Security headers on every response, and no cookie that the registry does not declare (C53, C55).

    It sits outside the session, CSRF and messages middleware, so it sees every cookie they set.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        for name in [name for name in response.cookies if name not in DECLARED_NAMES]:
            del response.cookies[name]
            logger.error(
                "Dropped undeclared cookie %r on %s; declare it in privacy/cookies.py", name, request.path
            )
        response.headers.setdefault("Content-Security-Policy", csp.POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
