"""Looking at the words just before a match."""
from __future__ import annotations

import re


def near_before(text: str, pos: int, pattern: re.Pattern[str], reach: int = 40) -> bool:
    """True when ``pattern`` matches somewhere in the ``reach`` characters before ``pos``."""
    return bool(pattern.search(text, max(0, pos - reach), pos))
