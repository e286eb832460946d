"""The routes of the URL configuration, for the tests that must cover every one of them (issue 20 §3): a
route added later is enumerated here, so it cannot escape the CSRF test, the access matrix or the fuzz."""

from collections.abc import Callable, Iterator

from django.urls import URLPattern, URLResolver, get_resolver


def every_route(
    resolver=None, prefix: str = "", *, skip: tuple[str, ...] = ()
) -> Iterator[tuple[str, Callable]]:
    """(route, view) for each pattern, includes flattened; an include whose route starts with one of `skip`
    is left out whole."""
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if not route.startswith(skip):
                yield from every_route(entry, route, skip=skip)
        elif isinstance(entry, URLPattern):
            yield route, entry.callback


def url_of(route: str, samples: dict[str, str]) -> str:
    """The route's URL with each argument replaced by its sample value."""
    for name, value in samples.items():
        for converter in ("str:", "int:", "path:", ""):
            route = route.replace(f"<{converter}{name}>", value)
    assert "<" not in route, f"no sample value for {route}"
    return "/" + route
