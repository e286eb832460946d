"""Keyset paging for lists of rows that are newest first (history, contributions, recent changes, logs).

`?before=<id>` shows the rows older than `id`, `?after=<id>` the rows newer than it. Each page costs one
index range scan whatever its depth, unlike OFFSET, which reads and throws away every row it skips.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


class BadPageRequest(ValueError):
    pass


@dataclass(frozen=True)
class Page:
    rows: list[Any]
    older: int | None  # the `before` cursor for the next older page, if there is one
    newer: int | None  # the `after` cursor for the next newer page, if there is one
    limit: int


def _integer(params, name: str, default: int | None) -> int | None:
    value = params.get(name)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError:
        raise BadPageRequest(
            _("“%(name)s” must be a whole number, not “%(value)s”.") % {"name": name, "value": value}
        ) from None
    if number < 1:
        raise BadPageRequest(_("“%(name)s” must be 1 or more.") % {"name": name})
    return number


def paginate(queryset: QuerySet, params) -> Page:
    """One page of `queryset` (ordered by descending id) according to the request's `params`."""
    limit = min(_integer(params, "limit", DEFAULT_LIMIT) or DEFAULT_LIMIT, MAX_LIMIT)
    before, after = _integer(params, "before", None), _integer(params, "after", None)
    if after is not None:
        rows = list(queryset.filter(id__gt=after).order_by("id")[: limit + 1])
        more_newer = len(rows) > limit
        rows = rows[:limit][::-1]
        return Page(
            rows, older=rows[-1].id if rows else None, newer=rows[0].id if more_newer else None, limit=limit
        )
    if before is not None:
        queryset = queryset.filter(id__lt=before)
    rows = list(queryset[: limit + 1])
    more_older = len(rows) > limit
    rows = rows[:limit]
    newer = rows[0].id if rows and before is not None else None
    return Page(rows, older=rows[-1].id if more_older else None, newer=newer, limit=limit)
