"""Rendered article pages, kept compressed in memory and reused until the index changes.

An article page is a pure function of the build (body, related articles,
translations), the language of the page furniture and the reader's
organisation (whose policy decides whether the feedback widget shows). Only
the feedback form's stamp changes from one request to the next, so a page is
rendered once with a placeholder where the stamp goes, and every later
request fills in a fresh stamp. Rendering costs about a millisecond and a
half; serving a cached page costs a decompression and a replace, tens of
microseconds. Pages are kept LZ4-compressed (a help page shrinks to
about 36 %, and decompresses in a few microseconds where zlib takes some
forty), under a byte budget, least recently used first out; a new
build's pages have new keys, and the old ones age out.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Hashable

import lz4.block
from cachetools import LRUCache

DEFAULT_BUDGET = 16 * 1024 * 1024  # compressed bytes per worker: the 2,832-article corpus takes about 12 MB


class PageCache:
    def __init__(self, budget: int = DEFAULT_BUDGET) -> None:
        self.budget = budget
        # Unguessable and free of HTML specials, so templates pass it through unescaped
        # and no article text can contain it by accident.
        self.stamp_placeholder = "stamp-" + secrets.token_hex(16)
        self._placeholder = self.stamp_placeholder.encode("ascii")
        # Sized by compressed bytes, not entries: one LRU that evicts until the budget holds.
        self._pages: LRUCache[Hashable, bytes] = LRUCache(maxsize=budget, getsizeof=len)
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, stamp: str) -> bytes | None:
        """The page stored under key with a fresh stamp filled in, or None."""
        with self._lock:
            packed = self._pages.get(key)
            if packed is None:
                self.misses += 1
                return None
            self.hits += 1
        return lz4.block.decompress(packed).replace(self._placeholder, stamp.encode("ascii"))

    def put(self, key: Hashable, body: bytes) -> None:
        """Keeps a page rendered with ``stamp_placeholder`` where the stamp goes."""
        # High-compression mode: an eighth smaller than the fast mode on help pages, decompressed as
        # fast; the extra tens of microseconds are paid once per page, beside a render of a millisecond.
        packed = lz4.block.compress(body, mode="high_compression", compression=4)
        if len(packed) > self.budget // 16:
            return  # one huge page must not push out dozens of ordinary ones
        with self._lock:
            self._pages[key] = packed

    def get_or_render(self, key: Hashable, stamp: str, render: Callable[[str], bytes]) -> bytes:
        """The cached page, or ``render(placeholder)`` stored and returned with the stamp filled in."""
        found = self.get(key, stamp)
        if found is not None:
            return found
        body = render(self.stamp_placeholder)
        self.put(key, body)
        return body.replace(self._placeholder, stamp.encode("ascii"))

    def __contains__(self, key: Hashable) -> bool:
        """Whether a page is kept, without counting a hit or making it recent."""
        return key in self._pages

    def __len__(self) -> int:
        return len(self._pages)

    @property
    def size_bytes(self) -> int:
        return int(self._pages.currsize)
