"""The server-error page, and the outages it may really be (issue 20 §2).

Django hands every exception that escapes a view or a middleware to `handler500`. When the database cannot
be reached (stopped, restarting, a connection cut), or the day's key cannot be written (privacy/keystore.py),
the person is told so with a 503 and Retry-After, on a page that reads no table, rather than given the
generic 500: nothing they did caused it, and it passes. Every write is one transaction, so a request that
ends here wrote nothing. The language comes from the request alone (the picker's cookie, Accept-Language):
an account's preference lives in the database that may be away.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils import translation
from django.views import defaults

from candor.privacy.keystore import KeyStoreUnavailable

RETRY_AFTER_SECONDS = 30


def server_error(request: HttpRequest) -> HttpResponse:
    error = sys.exc_info()[1]
    if not isinstance(error, OperationalError | InterfaceError | KeyStoreUnavailable):
        return defaults.server_error(request)
    with translation.override(translation.get_language_from_request(request)):
        body = loader.render_to_string("503.html", {"keys": isinstance(error, KeyStoreUnavailable)})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
