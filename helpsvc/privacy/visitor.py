"""Counting visitors without identifying them.

``visitor = HMAC(daily_salt, ip + user_agent + site)``. The salt is 32 random
bytes made for each UTC day and agreed through the store, so every worker and
node computes the same hash for the same visitor on the same day. Salts are
deleted after 48 hours; after that a day's hashes cannot be recomputed from
anything, so yesterday's visitors can never be linked to today's.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import secrets
import threading
from typing import Protocol

log = logging.getLogger(__name__)


class SaltSource(Protocol):
    def salt(self, day: str) -> bytes: ...


class VisitorHasher:
    def __init__(self, salts: SaltSource, site: str = "helpsvc") -> None:
        self._salts = salts
        self._site = site.encode("utf-8")
        self._cache: dict[str, bytes] = {}
        self._fallback: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def _salt(self, day: str) -> bytes:
        salt = self._cache.get(day)
        if salt is None:
            with self._lock:
                try:
                    salt = self._salts.salt(day)
                except Exception:
                    # The store is down (disk full, read-only): reading must go on. A salt
                    # of this process alone still identifies no one; it is not cached, so
                    # the shared salt is used again as soon as the store answers.
                    log.warning("visitor salt unavailable from the store; using a process salt")
                    return self._fallback.setdefault(day, secrets.token_bytes(32))
                # Only today's and yesterday's salts are ever needed in memory.
                self._cache = {d: s for d, s in self._cache.items() if d >= _day_before(day)}
                self._cache[day] = salt
        return salt

    def visitor(self, address: str, user_agent: str, now: dt.datetime | None = None, day: str | None = None) -> str:
        """A pseudonymous id for one visitor on one UTC day (``day``, else the day of ``now``, else
        today); the inputs are not kept."""
        if day is None:
            day = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).date().isoformat()
        message = b"\x1f".join([address.encode("utf-8", "replace"), user_agent.encode("utf-8", "replace"), self._site])
        return hmac.digest(self._salt(day), message, "sha256").hex()[:32]

    def forget(self) -> None:
        """Drops cached salts, e.g. after the store deleted old ones."""
        with self._lock:
            self._cache.clear()


def _day_before(day: str) -> str:
    return (dt.date.fromisoformat(day) - dt.timedelta(days=1)).isoformat()
