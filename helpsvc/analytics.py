"""Scoring and upkeep for reports: Wilson intervals, before/after verdicts, and the
job that keeps daily rollups current and purges expired raw data.

Helpfulness is ranked by the lower bound of the Wilson score interval, not the
raw share of Yes votes: 3 Yes out of 3 is not better evidence than 180 out of
200. The same intervals drive the "did my edit help?" verdict, which says
plainly when there are too few votes to tell.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
import secrets
import socket
import threading
from dataclasses import dataclass
from typing import Any, Callable

from .store.rollups import Rollups
from .store.sql import SQLStore
from .store.staff import StaffStore

log = logging.getLogger(__name__)

Z95 = 1.959963984540054
# Below this many votes on either side, a before/after comparison says "too few votes to tell".
MIN_VOTES_TO_TELL = 20
# An article needs attention when it has enough votes and we are 95% sure most readers are not helped.
ATTENTION_MIN_VOTES = 10
ATTENTION_BELOW = 0.6


def wilson_interval(yes: int, total: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for a share of ``yes`` out of ``total``; (0, 1) when nothing is known."""
    if total <= 0:
        return 0.0, 1.0
    if not 0 <= yes <= total:
        raise ValueError(f"yes={yes} must be between 0 and total={total}")
    p = yes / total
    z2 = z * z
    denominator = 1 + z2 / total
    centre = (p + z2 / (2 * total)) / denominator
    margin = z * math.sqrt(p * (1 - p) / total + z2 / (4 * total * total)) / denominator
    return max(0.0, centre - margin), min(1.0, centre + margin)


def wilson_lower_bound(yes: int, total: int, z: float = Z95) -> float:
    return wilson_interval(yes, total, z)[0]


@dataclass(frozen=True)
class Helpfulness:
    yes: int
    no: int

    @property
    def votes(self) -> int:
        return self.yes + self.no

    @property
    def share(self) -> float | None:
        return self.yes / self.votes if self.votes else None

    @property
    def interval(self) -> tuple[float, float]:
        return wilson_interval(self.yes, self.votes)

    @property
    def score(self) -> float:
        """The rank key: the Wilson lower bound."""
        return self.interval[0]

    @property
    def needs_attention(self) -> bool:
        return self.votes >= ATTENTION_MIN_VOTES and self.interval[1] < ATTENTION_BELOW

    def as_json(self) -> dict[str, Any]:
        low, high = self.interval
        return {
            "yes": self.yes,
            "no": self.no,
            "votes": self.votes,
            "helpful": None if self.share is None else round(self.share, 4),
            "score": round(low, 4),
            "low": round(low, 4),
            "high": round(high, 4),
        }


def compare(before: Helpfulness, after: Helpfulness) -> dict[str, Any]:
    """Did helpfulness change between two revisions? A difference with a 95% interval and a plain verdict.

    The interval for the difference of two shares is Newcombe's hybrid score
    interval, built from the two Wilson intervals.
    """
    result: dict[str, Any] = {"before": before.as_json(), "after": after.as_json()}
    if before.votes < MIN_VOTES_TO_TELL or after.votes < MIN_VOTES_TO_TELL:
        result.update(
            verdict="too-few-votes",
            difference=None,
            low=None,
            high=None,
            message=(
                f"Too few votes to tell: each revision needs at least {MIN_VOTES_TO_TELL} votes "
                f"(before: {before.votes}, after: {after.votes})."
            ),
        )
        return result
    p1, p2 = before.share or 0.0, after.share or 0.0
    l1, u1 = before.interval
    l2, u2 = after.interval
    difference = p2 - p1
    low = difference - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2)
    high = difference + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)
    span = f"between {_points(low)} and {_points(high)} points, 95% confidence"
    if low > 0:
        verdict, message = "better", f"Helpfulness went up from {p1:.0%} to {p2:.0%} ({span})."
    elif high < 0:
        verdict, message = "worse", f"Helpfulness went down from {p1:.0%} to {p2:.0%} ({span})."
    else:
        verdict, message = "no-clear-change", (
            f"No clear change: {p1:.0%} before, {p2:.0%} after; the difference is within what chance alone could give ({span})."
        )
    result.update(verdict=verdict, difference=round(difference, 4), low=round(low, 4), high=round(high, 4), message=message)
    return result


def _points(value: float) -> str:
    return f"{value * 100:+.0f}"


# ---------------------------------------------------------------- periods


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def buckets(since: dt.date, until: dt.date, unit: str) -> list[dt.date]:
    """The first day of every day or week (Monday) bucket touching the period."""
    if unit not in {"day", "week"}:
        raise ValueError(f"unknown bucket {unit!r}")
    step = dt.timedelta(days=1 if unit == "day" else 7)
    current = since if unit == "day" else week_start(since)
    out = []
    while current <= until:
        out.append(current)
        current += step
    return out


def bucket_of(day: str, unit: str) -> str:
    date = dt.date.fromisoformat(day)
    return (date if unit == "day" else week_start(date)).isoformat()


# ---------------------------------------------------------------- upkeep


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
        after_purge: Callable[[], None] | None = None,
    ) -> None:
        self.store = store
        self.staff = StaffStore(store)
        self.interval = interval
        self.event_days = event_days
        self.comment_days = comment_days
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
            # Raw rows about to expire must reach a final rollup first (e.g. after a long downtime).
            cut = (today - dt.timedelta(days=self.event_days)).isoformat()
            late = Rollups(self.store).unfinished_raw_days(cut)
            for day in late:
                Rollups(self.store).build_day(day, final=True, now=now)
            result["purged"] = self.store.purge(today, self.event_days, self.comment_days)
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
