"""Abuse resistance without accounts: rate limits, a honeypot, a minimum fill-in time, a daily cap.

Rate limits and the daily cap are kept in memory only, under a keyed hash of the client address
(the key is random per process), so not even memory holds the address itself
for longer than a request. Rejected spam is counted, never stored.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable

from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from ..errors import TooManyRequests
from ..locale import N_


class RateLimits:
    """Per-address request limits per minute, by kind ("search", "feedback", "suggest"); 0 is no limit."""

    def __init__(self, per_minute: dict[str, int]) -> None:
        self._items = {kind: RateLimitItemPerMinute(n) for kind, n in per_minute.items() if n > 0}
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._key = secrets.token_bytes(32)

    def check(self, kind: str, address: str) -> None:
        item = self._items.get(kind)
        if item is None:
            return
        who = hmac.new(self._key, address.encode("utf-8", "replace"), hashlib.sha256).hexdigest()[:24]
        if not self._limiter.hit(item, kind, who):
            reset = self._limiter.get_window_stats(item, kind, who).reset_time
            wait = max(1, math.ceil(reset - time.time()))
            raise TooManyRequests(N_("too many %(kind)s requests; try again in %(wait)s seconds", kind=kind, wait=wait), retry_after=wait)


class FormStamp:
    """A signed render time in the HTML feedback form.

    A person needs a few seconds to read and answer; a bot posts at once. A
    page served from a cache carries an older stamp, which only makes the
    wait look longer, so caching never breaks voting.
    """

    def __init__(self, key: str, min_seconds: float, clock: Callable[[], float] = time.time) -> None:
        self._key = key.encode("utf-8")
        self.min_seconds = min_seconds
        self.clock = clock
        self._last: tuple[int, str] = (-1, "")

    def make(self, now: float | None = None) -> str:
        moment = int(self.clock() if now is None else now)
        last_moment, last_stamp = self._last
        if moment == last_moment:
            return last_stamp  # a stamp is to the second: every page served within one shares it
        stamp = f"{moment}.{self._sign(moment)}"
        self._last = (moment, stamp)
        return stamp

    def _sign(self, moment: int) -> str:
        return hmac.new(self._key, str(moment).encode(), hashlib.sha256).hexdigest()[:16]

    def too_fast(self, stamp: str, now: float | None = None) -> bool:
        """True when the stamp is missing, forged, or younger than the minimum time."""
        moment_text, _, signature = stamp.partition(".")
        if not moment_text.isdigit() or not hmac.compare_digest(signature, self._sign(int(moment_text))):
            return True
        return (self.clock() if now is None else now) - int(moment_text) < self.min_seconds


class SpamCounter:
    """How much was turned away, by reason; exposed in metrics, never stored with any content."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def count(self, reason: str) -> None:
        from ..metrics import SPAM

        with self._lock:
            self.counts[reason] += 1
        SPAM.labels(reason=reason).inc()


class DailyCap:
    """How many articles one visitor rated today, in memory, so the cap is answered without a query.

    The feedback stored today is read in (``seed``) at start and every little while by a
    background thread, so the workers and nodes sharing a database agree within that
    time; what this process accepts is counted as it goes (``take``). Visitors are the
    day's pseudonymous hashes, and only today's are kept.
    """

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self._day = ""
        self._rated: dict[str, set[str]] = {}
        self._lock = threading.Lock()

    def _on(self, day: str) -> dict[str, set[str]] | None:
        """Today's counts, started afresh on a new day; None for a day already gone."""
        if day > self._day:
            self._day, self._rated = day, {}
        return self._rated if day == self._day else None

    def take(self, visitor: str, article_id: str, day: str) -> bool | None:
        """None when the visitor reached the cap; otherwise counts the article (and True means
        it was new today, to ``give_back`` if the feedback is not stored after all)."""
        if self.cap <= 0:
            return False
        with self._lock:
            rated = self._on(day)
            if rated is None:
                return False
            articles = rated.setdefault(visitor, set())
            if article_id in articles:
                return False  # a vote changed on an article already rated today
            if len(articles) >= self.cap:
                return None
            articles.add(article_id)
            return True

    def give_back(self, visitor: str, article_id: str, day: str) -> None:
        with self._lock:
            if day == self._day:
                self._rated.get(visitor, set()).discard(article_id)

    def seed(self, day: str, rated: Iterable[tuple[str, str]]) -> None:
        """Adds the (visitor, article) pairs stored for ``day``, by any worker or node."""
        with self._lock:
            today = self._on(day)
            if today is None:
                return
            for visitor, article_id in rated:
                today.setdefault(visitor, set()).add(article_id)
