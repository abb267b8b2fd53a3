"""Looking at the words around a match: a cue just before it, a place's surroundings."""
from __future__ import annotations

import re
from collections.abc import Sequence

from .lexicon import fold
from .tokens import Token
from .vocabulary import LIST_WORDS, LOCATIVE_WORDS, PLACE_HEADS


def near_before(text: str, pos: int, pattern: re.Pattern[str], reach: int = 40) -> bool:
    """True when ``pattern`` matches somewhere in the ``reach`` characters before ``pos``."""
    return bool(pattern.search(text, max(0, pos - reach), pos))


def place_context(text: str, start: int, end: int) -> bool:
    """The words at text[start:end] stand where a place does: 'in Redmond', 'the Redmond site'."""
    before = text[max(0, start - 30) : start].split()
    if before and fold(before[-1]) in LOCATIVE_WORDS:
        return True
    after = text[end : end + 30].split()
    return bool(after) and fold(after[0].strip(",.;:!?")) in PLACE_HEADS


def listed_with_place(tokens: Sequence[Token], start: int, end: int, places: frozenset[str]) -> bool:
    """tokens[start:end] stand in a list beside a place: "Paris and Berlin", "Köln oder Paris"."""
    for a, b in ((end, end + 1), (start - 1, start - 2)):
        if 0 <= b < len(tokens) and tokens[a].key in LIST_WORDS and tokens[b].key in places:
            return True
    return False
