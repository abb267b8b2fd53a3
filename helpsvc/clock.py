"""The one clock events are stamped with: UTC days and hours, as stored.

Stored times are truncated to the hour, so an event can never be placed more finely
than that. ``HourClock`` formats the current day and hour once per hour rather than
once per event, which matters on the search path. Imports nothing of ours.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable


def hour_of(moment: dt.datetime) -> str:
    """A timestamp truncated to the hour, in UTC, as stored: ``2026-01-31T09:00Z``."""
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:00Z")


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def today() -> dt.date:
    """The current UTC day."""
    return utc_now().date()


class HourClock:
    """The UTC day and hour events are stamped with, formatted once per hour rather than per event.

    ``clock`` returns seconds since the epoch; tests hand in one they control.
    """

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._until = 0.0
        self._stamp = ("", "")

    def now(self) -> tuple[str, str]:
        moment = self._clock()
        if moment >= self._until or moment < self._until - 3600:
            current = dt.datetime.fromtimestamp(moment, dt.timezone.utc)
            self._stamp = (current.date().isoformat(), hour_of(current))
            self._until = (moment // 3600 + 1) * 3600  # the next full hour, when both may change
        return self._stamp
