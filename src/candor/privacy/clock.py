"""The one source of "now" (DESIGN.md, privacy engine point 7).

Everything that stamps or compares a time asks `now()`, so that tests and `--as-of` options can move time
with `frozen_at()` instead of patching datetime in each module.
"""

import contextlib
import threading
from collections.abc import Iterator
from datetime import datetime

from django.utils import timezone

_state = threading.local()


def now() -> datetime:
    frozen: datetime | None = getattr(_state, "frozen", None)
    return frozen if frozen is not None else timezone.now()


@contextlib.contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    """Within the block, `now()` in this thread answers `moment` (aware datetimes only)."""
    if timezone.is_naive(moment):
        raise ValueError("the clock takes timezone-aware datetimes only")
    previous = getattr(_state, "frozen", None)
    _state.frozen = moment
    try:
        yield
    finally:
        _state.frozen = previous
