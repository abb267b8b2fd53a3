"""Upkeep of the store: the job that keeps daily rollups current and purges expired raw data."""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import socket
import threading
from typing import Any, Callable

from .rollups import Rollups
from .sql import SQLStore
from .staff import StaffStore

log = logging.getLogger(__name__)

def rollup_days_due(rollups: Rollups, today: dt.date, event_days: int) -> list[str]:
    """Days within raw-event retention whose rollup is not final yet."""
    since = (today - dt.timedelta(days=event_days)).isoformat()
    final = rollups.final_days(since)
    days = [(today - dt.timedelta(days=n)).isoformat() for n in range(event_days, -1, -1)]
    return [d for d in days if d not in final]


def is_final(day: str, today: dt.date) -> bool:
    """A day's rollup is final once nothing more can arrive for it: two days later (late clicks count for D+1)."""
    return dt.date.fromisoformat(day) <= today - dt.timedelta(days=2)


def update_rollups(store: SQLStore, today: dt.date, event_days: int, days: list[str] | None = None) -> list[str]:
    """Builds the given days (default: every day due) and returns them."""
    rollups = Rollups(store)
    todo = rollup_days_due(rollups, today, event_days) if days is None else days
    for day in todo:
        rollups.build_day(day, final=is_final(day, today))
    return todo


def expire(store: SQLStore, today: dt.date, event_days: int, comment_days: int, k: int,
           now: dt.datetime | None = None) -> dict[str, int]:
    """Retention: rolls up what is about to expire, deletes raw data past its time, then forgets
    the text of rare queries on those days.

    Raw rows about to expire must reach a final rollup first (after a long downtime, say).
    Once a day's raw events are gone, a query string stays in its rollups only if it
    reached k distinct visitors that day; the others become that day's "other" counts.
    """
    cut = (today - dt.timedelta(days=event_days)).isoformat()
    rollups = Rollups(store)
    for day in rollups.unfinished_raw_days(cut):
        rollups.build_day(day, final=True, now=now)
    counts = store.purge(today, event_days, comment_days)
    folded = rollups.fold_rare_queries(cut, k)
    return {**counts, "rare_queries": folded["queries"]}


class Maintenance:
    """Keeps rollups current and purges expired raw data, in one background thread.

    Only the holder of the ``maintenance`` lease (a row in ``job_leases``) does
    the work, so several workers or servers sharing a database run it once. A
    PostgreSQL store may guard the same section with an advisory lock instead.
    """

    LEASE = "maintenance"

    def __init__(
        self,
        store: SQLStore,
        interval: float,
        event_days: int,
        comment_days: int,
        *,
        k: int,
        after_purge: Callable[[], None] | None = None,
    ) -> None:
        self.store = store
        self.staff = StaffStore(store)
        self.interval = interval
        self.event_days = event_days
        self.comment_days = comment_days
        self.k = k
        self.after_purge = after_purge
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.runs = 0

    def run_once(self, now: dt.datetime | None = None) -> dict[str, Any]:
        now = now or dt.datetime.now(dt.timezone.utc)
        lease_until = now + dt.timedelta(seconds=max(60.0, self.interval * 3))
        if not self.staff.take_lease(self.LEASE, self.holder, now, lease_until):
            return {"ran": False}
        today = now.date()
        built = update_rollups(self.store, today, self.event_days)
        result: dict[str, Any] = {"ran": True, "built": built, "purged": None}
        if self.staff.lease_done(self.LEASE) != today.isoformat():
            result["purged"] = expire(self.store, today, self.event_days, self.comment_days, self.k, now=now)
            self.staff.purge_sessions(now)
            self.staff.mark_done(self.LEASE, today.isoformat())
            if self.after_purge:
                self.after_purge()
        self.runs += 1
        return result

    def start(self, first_delay: float | None = None) -> None:
        """Runs in the background: first after a minute (or the interval, if shorter), so start-up stays quick."""
        if self._thread is not None:
            return
        first_delay = min(60.0, self.interval) if first_delay is None else first_delay
        self._thread = threading.Thread(target=self._loop, args=(first_delay,), name="helpsvc-maintenance", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self, first_delay: float) -> None:
        wait = first_delay
        while not self._stop.wait(wait):
            try:
                self.run_once()
            except Exception as exc:  # keep running: the next round may succeed (e.g. a locked database)
                log.error("maintenance failed: %s", type(exc).__name__)
            wait = self.interval
