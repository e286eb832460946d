"""Candor without its privacy layer: for measuring what the layer costs, never for serving anyone.

The benchmark serves the same wiki twice, with `candor.settings` and with this module, and compares them
(bench/privacy_layer.py). Switched off here:

- `candor.privacy.middleware.RequestMetaMiddleware`'s counting of Do Not Track and Global Privacy Control
  (browser_signals.note), and the middleware itself;
- `candor.privacy.middleware.FirstPartyOnlyMiddleware`: the undeclared-cookie filter and the
  Content-Security-Policy and Permissions-Policy headers;
- the private event of each save (`candor.privacy.capture.record`, called by `do_save_revision`: no
  setting reaches it, so it is replaced by a no-op once the apps are loaded): no sealing, no INSERT.

What stays: the views read `request.candor_meta`, and a logged-out edit is publicly attributed to the
address in it, so `BenchRequestMetaMiddleware` below still sets it, exactly as the real middleware does
(`RequestMeta.of(request)`), and nothing else.
"""

from candor.settings import *  # noqa: F403 - the production settings, less the privacy layer
from candor.settings import MIDDLEWARE as _PRODUCTION_MIDDLEWARE

_PRIVACY_LAYER = "candor.privacy.middleware."
_REQUEST_META = _PRIVACY_LAYER + "RequestMetaMiddleware"

# The bench's middleware takes the place of RequestMetaMiddleware; the other privacy middleware goes.
MIDDLEWARE = [
    f"{__name__}.BenchRequestMetaMiddleware" if name == _REQUEST_META else name
    for name in _PRODUCTION_MIDDLEWARE
    if name == _REQUEST_META or not name.startswith(_PRIVACY_LAYER)
]


def _no_private_event(*args, **kwargs) -> None:
    """Stands in for candor.privacy.capture.record: nothing sealed, nothing written."""


class BenchRequestMetaMiddleware:
    """`request.candor_meta`, which the views need, and nothing else of the privacy layer."""

    def __init__(self, get_response):
        # Middleware is loaded once the apps are ready, when capture (which imports models) can be
        # imported. do_save_revision calls `capture.record` through the module, so this reaches it.
        from candor.privacy import capture

        capture.record = _no_private_event
        self.request_meta = capture.RequestMeta
        self.get_response = get_response

    def __call__(self, request):
        request.candor_meta = self.request_meta.of(request)
        return self.get_response(request)
