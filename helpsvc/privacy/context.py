"""Small helpers for looking at the words around a match."""
from __future__ import annotations

import re

_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)


def words_before(text: str, pos: int, count: int = 3, reach: int = 40) -> list[str]:
    """The last ``count`` words before ``pos`` (lower-cased), nearest last."""
    window = text[max(0, pos - reach) : pos]
    return [w.lower() for w in _WORD_RE.findall(window)[-count:]]


def near_before(text: str, pos: int, pattern: re.Pattern[str], reach: int = 40) -> bool:
    """True when ``pattern`` matches somewhere in the ``reach`` characters before ``pos``."""
    return bool(pattern.search(text, max(0, pos - reach), pos))


def near(text: str, start: int, end: int, pattern: re.Pattern[str], reach: int = 40) -> bool:
    return bool(pattern.search(text, max(0, start - reach), min(len(text), end + reach)))
