"""What a shared front cache (Varnish, ATS, a CDN) may keep, and for how long (issue 19 §2; C20, C34, C99).

Views that show only public content to anyone mark their response with `shared_cache` (page views, histories,
old revisions, diffs). `FrontCacheMiddleware`, outside everything that can set a cookie, then decides:

- `public, s-maxage=N, max-age=0, must-revalidate` only when the view marked the response, the request is a
  GET or HEAD without any `Cookie` header, nobody is logged in, the status is 200 and the response sets no
  cookie. The browser itself revalidates (max-age=0); only the shared cache keeps the copy, for N seconds.
- `private, no-store` for everything else that has not chosen a policy of its own (media's immutable files,
  the API's): a page rendered for a logged-in person, a CheckUser, or anyone carrying a cookie (a session,
  the language picker's cookie) never enters a shared cache.

An edit does not purge: N is short (settings.CANDOR_FRONT_CACHE_SECONDS, 60 by default), so a saved page,
a deleted revision or an erasure shows through every cache within N seconds, without a list of caches to
reach or a job to queue (docs/operations.md, "A front cache"). `Vary: Accept-Language, Cookie` comes from
the language middleware; the shipped VCL normalises Accept-Language to the five languages so that it does
not split the cache.
"""

from functools import wraps

from django.conf import settings
from django.utils.cache import patch_cache_control, patch_vary_headers

_MARK = "candor_shared_cache"


def shared_cache(view):
    """Mark a view's responses as public content that a shared cache may keep for anonymous readers."""

    @wraps(view)
    def marked(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        setattr(response, _MARK, True)
        return response

    return marked


def _shareable(request, response) -> bool:
    user = getattr(request, "user", None)
    return (
        getattr(response, _MARK, False)
        and request.method in {"GET", "HEAD"}
        and not request.META.get("HTTP_COOKIE")
        and not (user is not None and user.is_authenticated)
        and response.status_code == 200
        and not response.cookies
    )


class FrontCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _shareable(request, response):
            seconds = settings.CANDOR_FRONT_CACHE_SECONDS
            patch_cache_control(response, public=True, s_maxage=seconds, max_age=0, must_revalidate=True)
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
        elif getattr(response, _MARK, False) or not response.has_header("Cache-Control"):
            if response.has_header("Cache-Control"):
                del response.headers["Cache-Control"]
            patch_cache_control(response, private=True, no_store=True)
        return response
