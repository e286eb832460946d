from functools import wraps

from django.contrib.auth.decorators import login_required
from django.views.decorators.cache import never_cache


def private_page(view):
    """A page that shows a person their own private data (C37, C50): login required (anyone else is sent
    to the login form), never cached by a shared cache, and never indexed by a search engine."""
    guarded = login_required(never_cache(view))

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = guarded(request, *args, **kwargs)
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapped
