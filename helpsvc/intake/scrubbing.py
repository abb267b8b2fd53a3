"""Scrubbing what readers type on its way in: the node's scrubber, failing closed, and the query cache.

A search query is scrubbed once and remembered: the cache is keyed by a keyed hash
of the normalised text, so it never holds what a reader typed, only what we would
store anyway. Only the event loop's thread reads and writes it.
"""

from __future__ import annotations

import hmac
import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from cachetools import LRUCache

from ..metrics import SCRUB_FAILURES
from ..search.query import normalise_query
from ..settings import Settings

log = logging.getLogger(__name__)

SCRUB_CACHE_SIZE = 8192
_PLACEHOLDER_RE = re.compile(r"(\{\{[A-Z_]+\}\})")


def lower_outside_placeholders(text: str) -> str:
    return "".join(part if _PLACEHOLDER_RE.fullmatch(part) else part.lower() for part in _PLACEHOLDER_RE.split(text))


def node_scrubber(settings: Settings | None = None) -> Any:
    """The node's scrubber process when ``scrubber_socket`` names one, else the in-process scrubber."""
    if settings is not None and settings.scrubber_socket:
        # Only the client: scrubadub and the name lists stay in the scrubber process.
        from ..privacy.process.remote import RemoteScrubber

        return RemoteScrubber(settings.scrubber_socket, settings.scrubber_timeout_seconds)
    from ..privacy import scrub  # the scrubber loads name lists: import it once, here

    return scrub


def scrub_or_drop(text: str, scrub: Callable[[str], str]) -> tuple[str | None, bool]:
    """Scrubs text; if scrubbing fails for any reason the text is dropped, never kept raw."""
    if not text:
        return None, False
    try:
        return scrub(text), False
    except Exception as exc:  # fail closed on anything, not only ScrubError
        SCRUB_FAILURES.inc()
        log.warning("scrubbing failed (%s); the text was dropped", type(exc).__name__)
        return None, True


async def scrub_or_drop_async(text: str, scrub: Callable[[str], Awaitable[str]]) -> tuple[str | None, bool]:
    """``scrub_or_drop`` for a scrubber the event loop awaits."""
    if not text:
        return None, False
    try:
        return await scrub(text), False
    except Exception as exc:  # fail closed: never the raw text
        SCRUB_FAILURES.inc()
        log.warning("scrubbing failed (%s); the text was dropped", type(exc).__name__)
        return None, True


class QueryCache:
    """Scrubbed search queries, remembered under a keyed hash of the normalised query."""

    def __init__(self, size: int = SCRUB_CACHE_SIZE) -> None:
        self._key = secrets.token_bytes(32)
        self._scrubbed: LRUCache[bytes, str | None] = LRUCache(maxsize=size)

    def key_of(self, query: str) -> tuple[str, bytes] | None:
        """(normalised query, cache key), or None when nothing is left to keep."""
        normalised = normalise_query(query)[:500]
        if not normalised:
            return None
        return normalised, hmac.digest(self._key, normalised.encode("utf-8"), "sha256")

    def get(self, key: bytes) -> tuple[bool, str | None]:
        """(True, scrubbed query) if this query was scrubbed before, else (False, None)."""
        try:
            return True, self._scrubbed[key]
        except KeyError:
            return False, None

    def remember(self, key: bytes, scrubbed: str | None) -> str | None:
        """Keeps a scrubbed query as stored: lower-cased, placeholders as they are."""
        if scrubbed is not None:
            scrubbed = lower_outside_placeholders(scrubbed)
        self._scrubbed[key] = scrubbed
        return scrubbed
