"""What a shared front cache (Varnish, ATS, a CDN) may keep, and for how long (issue 19 §2; C20, C34, C99).

Views that show only public content to anyone mark their response with `shared_cache` (page views, histories,
old revisions, diffs). `FrontCacheMiddleware`, outside everything that can set a cookie, then decides:

- `public, s-maxage=N, max-age=0, must-revalidate` only when the view marked the response, the request is a
  GET or HEAD without any `Cookie` header, nobody is logged in, the status is 200 and the response sets no
  cookie. The browser itself revalidates (max-age=0); only the shared cache keeps the copy, for N seconds.
  Such a response carries an ETag (a digest of its body, so it changes with the language and with a
  renamed author) and the Last-Modified time its view gave (`modified_at`: the newest revision shown), and
  a matching If-None-Match, or without one a matching If-Modified-Since, is answered 304 Not Modified.
- `private, no-store` for everything else that has not chosen a policy of its own (media's immutable files,
  the API's): a page rendered for a logged-in person, a CheckUser, or anyone carrying a cookie (a session,
  the language picker's cookie) never enters a shared cache.

An edit, a deletion or a renaming also purges the URLs it changed from the caches the operator listed
(settings.CANDOR_CDN_SERVERS; wiki/frontcache.py); N (settings.CANDOR_FRONT_CACHE_SECONDS, 60 by default)
stays short as the safety net for a purge that failed and for the URLs no purge names (docs/operations.md,
"A front cache"). `Vary: Accept-Language, Cookie` comes from the language middleware; the shipped VCL
(deploy/varnish.vcl) normalises Accept-Language to the five languages so that it does not split the cache.
"""

from datetime import datetime
from functools import wraps

from django.conf import settings
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from django.utils.http import http_date, parse_http_date_safe

_MARK = "candor_shared_cache"


def shared_cache(view):
    """Mark a view's responses as public content that a shared cache may keep for anonymous readers."""

    @wraps(view)
    def marked(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        setattr(response, _MARK, True)
        return response

    return marked


def modified_at(response, when: datetime):
    """Give a shared view's response the time of the newest revision it shows, for If-Modified-Since."""
    response["Last-Modified"] = http_date(when.timestamp())
    return response


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
            set_response_etag(response)
            last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
            return get_conditional_response(
                request, etag=response.get("ETag"), last_modified=last_modified, response=response
            )
        elif getattr(response, _MARK, False) or not response.has_header("Cache-Control"):
            if response.has_header("Cache-Control"):
                del response.headers["Cache-Control"]
            patch_cache_control(response, private=True, no_store=True)
        return response
