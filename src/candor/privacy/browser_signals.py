"""Do Not Track and Global Privacy Control: counted as daily totals, and nothing else (C112, C113).

Candor tracks nobody, so these signals change nothing: same cookies, same pages, same records. They are
counted only to say how many readers send them. The count is kept per server process and added to the
database every FLUSH_EVERY requests or FLUSH_SECONDS, so that reading a page never waits on a write;
the increments add up correctly across any number of processes.
"""

import atexit
import threading
import time
from collections import Counter
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest

from candor.privacy import clock
from candor.privacy.models import BrowserSignalCount

FLUSH_EVERY = 100
FLUSH_SECONDS = 60.0

_lock = threading.Lock()
_pending: Counter[tuple[date, str]] = Counter()
_last_flush = time.monotonic()


def signals_of(request: HttpRequest) -> list[str]:
    found = []
    if request.headers.get("DNT", "").strip() == "1":
        found.append("dnt")
    if request.headers.get("Sec-GPC", "").strip() == "1":
        found.append("gpc")
    return found


def note(request: HttpRequest) -> None:
    signals = signals_of(request)
    if not signals:
        return
    today = clock.now().date()
    with _lock:
        for signal in signals:
            _pending[(today, signal)] += 1
        due = sum(_pending.values()) >= FLUSH_EVERY or time.monotonic() - _last_flush >= FLUSH_SECONDS
    if due:
        flush()


def flush() -> None:
    """Add this process's pending counts to the database."""
    global _last_flush
    with _lock:
        batch = dict(_pending)
        _pending.clear()
        _last_flush = time.monotonic()
    for (day, signal), requests in batch.items():
        with transaction.atomic():
            rows = BrowserSignalCount.objects.filter(day=day, signal=signal)
            if rows.update(requests=F("requests") + requests):
                continue
            try:
                with transaction.atomic():
                    BrowserSignalCount.objects.create(day=day, signal=signal, requests=requests)
            except IntegrityError:  # another process created the row first
                rows.update(requests=F("requests") + requests)


atexit.register(lambda: flush() if _pending else None)
