"""Words as the name detector sees them: letters with their marks, apostrophes and hyphens, and each word's shape."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from .lexicon import fold, is_cjk

_MARKS = "\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0900-\u0dff\u0e31-\u0e4e\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_LETTER = rf"(?:[^\W\d_]|[{_MARKS}])"
_TOKEN_RE = re.compile(rf"[^\W\d_]{_LETTER}*(?:['’\-]{_LETTER}+)*")
_POSSESSIVE_RE = re.compile(r"['’]s$", re.IGNORECASE)
_INNER_CAPS_RE = re.compile(r"^(?:Mc|Mac|O['’]|D['’]|L['’])")

TITLE, UPPER, LOWER, CASELESS, OTHER = "T", "U", "L", "C", "O"
_CONTRACTIONS = ("'re", "'ve", "'ll", "'d", "n't", "'m")
# Lower-case titles that are also abbreviations (milliseconds, Microsoft, drive).
_AMBIGUOUS_LOWER_TITLES = frozenset({"ms", "ms.", "dr", "dr.", "sr", "sr.", "fr.", "hr."})


class Token(NamedTuple):
    start: int
    end: int
    text: str
    key: str      # folded, possessive removed
    shape: str


@lru_cache(maxsize=65536)
def _shape(word: str) -> str:
    if word.lower() == word.upper():
        return CASELESS  # Arabic, Hebrew, Devanagari, Thai... have no capitals to go by
    if len(word) > 1 and word.isupper():
        return UPPER
    if word.islower():
        return LOWER
    if word[0].isupper():
        rest = _INNER_CAPS_RE.sub("", word)
        parts = re.split(r"['’\-]", rest)
        if all(p[:1].isupper() or p.islower() for p in parts if p) and all(
            p[1:].islower() or len(p) == 1 for p in parts if p
        ):
            return TITLE
    return OTHER


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    for m in _TOKEN_RE.finditer(text):
        word = m.group()
        if is_cjk(word):
            continue
        end = m.end()
        poss = _POSSESSIVE_RE.search(word)
        if poss and len(word) > 3:
            word = word[: poss.start()]
            end = m.start() + len(word)
        tokens.append(Token(m.start(), end, word, fold(word), _shape(word)))
    return tokens
