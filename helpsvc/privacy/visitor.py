"""Counting visitors without identifying them.

``visitor = HMAC(daily_salt, ip + user_agent + site)``. The salt is 32 random
bytes made for each UTC day and agreed through the store, so every worker and
node computes the same hash for the same visitor on the same day. Salts are
deleted after 48 hours; after that a day's hashes cannot be recomputed from
anything, so yesterday's visitors can never be linked to today's.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hmac
import logging
import secrets
import threading
from concurrent.futures import Future
from typing import Protocol

log = logging.getLogger(__name__)

# How long a thread waits for a salt the writer is making, at most.
SALT_WAIT_SECONDS = 30.0


class SaltSource(Protocol):
    def salt_future(self, day: str) -> Future[bytes]:
        """The day's salt, agreed through the store's one writer."""
        ...


class VisitorHasher:
    """Salts are kept in memory; ``prepare`` fetches the coming ones ahead, off the request path.

    Three ways to hash, by where the caller runs: ``visitor`` (a thread or a command) waits
    for a salt not in memory yet; ``visitor_async`` (a coroutine) awaits it without blocking
    the event loop; ``visitor_nowait`` (synchronous code on the event loop) never waits: it
    asks the writer for the salt and stands in this process's salt for the one request.
    """

    def __init__(self, salts: SaltSource, site: str = "helpsvc") -> None:
        self._salts = salts
        self._site = site.encode("utf-8")
        self._cache: dict[str, bytes] = {}
        self._fetching: dict[str, Future[bytes]] = {}
        self._fallback: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def prepare(self, *days: str) -> None:
        """Fetches the salts of these days that are not in memory yet, waiting for each (a background thread)."""
        for day in days:
            if day not in self._cache:
                self._remember(day, self._fetch(day).result(timeout=SALT_WAIT_SECONDS))

    def _fetch(self, day: str) -> Future[bytes]:
        """The day's salt on its way from the writer: one request per day at a time, whoever asks."""
        with self._lock:
            future = self._fetching.get(day)
            if future is not None:
                return future
            future = self._fetching[day] = self._salts.salt_future(day)
        # Outside the lock: a future already done runs its callback here and now.
        future.add_done_callback(lambda done: self._fetched(day, done))
        return future

    def _fetched(self, day: str, future: Future[bytes]) -> None:
        with self._lock:
            self._fetching.pop(day, None)
        if not future.cancelled() and future.exception() is None:
            self._remember(day, future.result())
        # else: asked again by the next request or round

    def _remember(self, day: str, salt: bytes) -> None:
        # Whoever waited may get here before the future's callback: both remember, alike.
        with self._lock:
            if self._cache.get(day) == salt:
                return
            # Only the previous, this and the next day's salts are ever needed in memory.
            self._cache = {d: s for d, s in self._cache.items() if d >= _day_before(day)}
            self._cache[day] = salt

    def _stand_in(self, day: str) -> bytes:
        # The store is down or still making the salt: a salt of this process alone still
        # identifies no one. It is not cached, so the shared salt is used as soon as it is here.
        return self._fallback.setdefault(day, secrets.token_bytes(32))

    def _unavailable(self, day: str) -> bytes:
        log.warning("visitor salt unavailable from the store; using a process salt")
        return self._stand_in(day)

    def visitor(self, address: str, user_agent: str, now: dt.datetime | None = None, day: str | None = None) -> str:
        """A pseudonymous id for one visitor on one UTC day (``day``, else the day of ``now``, else
        today); the inputs are not kept. Waits for a salt not in memory yet: not for the event loop."""
        day = day or _day_of(now)
        salt = self._cache.get(day)
        if salt is None:
            try:
                salt = self._fetch(day).result(timeout=SALT_WAIT_SECONDS)
            except Exception:
                return self._hash(self._unavailable(day), address, user_agent)
            self._remember(day, salt)
        return self._hash(salt, address, user_agent)

    async def visitor_async(self, address: str, user_agent: str, day: str | None = None) -> str:
        """As ``visitor``, awaiting a salt not in memory yet without blocking the event loop."""
        day = day or _day_of(None)
        salt = self._cache.get(day)
        if salt is None:
            try:
                salt = await asyncio.wait_for(asyncio.wrap_future(self._fetch(day)), SALT_WAIT_SECONDS)
            except Exception:
                return self._hash(self._unavailable(day), address, user_agent)
            self._remember(day, salt)
        return self._hash(salt, address, user_agent)

    def visitor_nowait(self, address: str, user_agent: str, day: str | None = None) -> str:
        """As ``visitor``, never waiting: a salt not in memory yet is asked of the writer, and
        this process's salt stands in for it meanwhile (``prepare`` makes that rare)."""
        day = day or _day_of(None)
        salt = self._cache.get(day)
        if salt is None:
            self._fetch(day)
            salt = self._stand_in(day)
        return self._hash(salt, address, user_agent)

    def _hash(self, salt: bytes, address: str, user_agent: str) -> str:
        message = b"\x1f".join([address.encode("utf-8", "replace"), user_agent.encode("utf-8", "replace"), self._site])
        return hmac.digest(salt, message, "sha256").hex()[:32]

    def forget(self) -> None:
        """Drops cached salts, e.g. after the store deleted old ones."""
        with self._lock:
            self._cache.clear()


def _day_of(now: dt.datetime | None) -> str:
    return (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).date().isoformat()


def _day_before(day: str) -> str:
    return (dt.date.fromisoformat(day) - dt.timedelta(days=1)).isoformat()
