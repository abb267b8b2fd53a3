"""Deterministic query sets for the known-item evaluation.

Two rules turn a target article into the queries a person might type:

* ``short_query``: three or four words from the target's *title*: stopwords and
  words common to the whole help site (product names) are dropped, and the
  remaining words with the highest IDF over the corpus are kept, in title order.
* ``misspell``: one typo in every word of five letters or more, chosen by a
  random generator seeded with the word itself, so the same word always gets
  the same typo on every machine and every run.

Neither rule looks at either search engine. See eval/README.md for the full rule.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from collections import Counter
from collections.abc import Iterable

WORD_RE = re.compile(r"[^\W_]+")

# A standard English stopword list (function words), plus question words that
# carry no topic.
STOPWORDS = frozenset(
    """
    a about above after again against all am an and any are as at be because been before being
    below between both but by can cannot could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just let me more most my myself no nor not now of off on once only or other our
    ours ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up upon very was we
    were what when where which while who whom why will with within without would you your yours
    yourself yourselves vs via using use
    """.split()
)

# Words that name the help site's products rather than the article's subject:
# they appear in a large share of titles (skype 26%, business 25%, server 23%),
# so a reader on this site rarely types them. They are only used to fill up a
# query whose title has fewer than three other words.
GENERIC = frozenset(
    """
    skype business microsoft lync office 365 server online overview introduction
    """.split()
)

MIN_WORDS = 3
MAX_WORDS = 4


def words(text: str) -> list[str]:
    """Lower-cased alphanumeric words of at least two characters, in order."""
    return [w for w in (m.lower() for m in WORD_RE.findall(text)) if len(w) >= 2]


class DocFreq:
    """Document frequencies of lower-cased, unstemmed words over a corpus."""

    def __init__(self, documents: Iterable[str]) -> None:
        self.df: Counter[str] = Counter()
        self.n = 0
        for text in documents:
            self.n += 1
            self.df.update(set(words(text)))

    def idf(self, word: str) -> float:
        return math.log((self.n + 1) / (self.df.get(word, 0) + 1))


def short_query(title: str, df: DocFreq) -> str:
    """Three or four informative words from a title, in title order."""
    seen: list[str] = []
    for w in words(title):
        if w not in seen:
            seen.append(w)
    content = [w for w in seen if w not in STOPWORDS and w not in GENERIC]
    generic = [w for w in seen if w in GENERIC]
    chosen = content
    if len(chosen) > MAX_WORDS:
        # Highest IDF first; earlier in the title wins a tie.
        ranked = sorted(chosen, key=lambda w: (-df.idf(w), seen.index(w)))
        keep = set(ranked[:MAX_WORDS])
        chosen = [w for w in chosen if w in keep]
    elif len(chosen) < MIN_WORDS:
        extra = generic[: MIN_WORDS - len(chosen)]
        keep = set(chosen) | set(extra)
        chosen = [w for w in seen if w in keep]
    if not chosen:  # a title made only of stopwords: use it as it is
        chosen = seen[:MAX_WORDS]
    return " ".join(chosen)


# QWERTY neighbours of each letter (same row and the rows above and below).
KEYBOARD_NEIGHBOURS = {
    "q": "wa", "w": "qeas", "e": "wrsd", "r": "etdf", "t": "ryfg", "y": "tugh", "u": "yihj",
    "i": "uojk", "o": "ipkl", "p": "ol", "a": "qwsz", "s": "awedxz", "d": "serfcx",
    "f": "drtgvc", "g": "ftyhbv", "h": "gyujnb", "j": "huikmn", "k": "jiolm", "l": "kop",
    "z": "asx", "x": "zsdc", "c": "xdfv", "v": "cfgb", "b": "vghn", "n": "bhjm", "m": "njk",
}
TYPO_KINDS = ("swap", "drop", "double", "neighbour")
MIN_TYPO_LETTERS = 5


def _rng(word: str) -> random.Random:
    seed = int.from_bytes(hashlib.sha256(word.encode("utf-8")).digest()[:8], "big")
    return random.Random(seed)


def typo(word: str) -> str:
    """One deterministic typo in a word; the first letter is left alone.

    The kind (swap two adjacent letters, drop a letter, double a letter, or
    replace one with a keyboard neighbour) and the position are drawn from a
    generator seeded with the word. If the drawn edit would not change the word
    (swapping two equal letters), the next kind in the list is tried.
    """
    rng = _rng(word)
    first = rng.randrange(len(TYPO_KINDS))
    pos = rng.randrange(1, len(word))  # 1 .. len-1: never the first letter
    for step in range(len(TYPO_KINDS)):
        kind = TYPO_KINDS[(first + step) % len(TYPO_KINDS)]
        if kind == "swap":
            i = pos if pos < len(word) - 1 else pos - 1
            if i < 1 or word[i] == word[i + 1]:
                continue
            out = word[:i] + word[i + 1] + word[i] + word[i + 2:]
        elif kind == "drop":
            out = word[:pos] + word[pos + 1:]
        elif kind == "double":
            out = word[:pos] + word[pos] + word[pos:]
        else:
            options = KEYBOARD_NEIGHBOURS.get(word[pos])
            if not options:
                continue
            out = word[:pos] + rng.choice(options) + word[pos + 1:]
        if out != word:
            return out
    return word


def misspell(query: str) -> str:
    """The query with one typo in each word of five or more letters (digits are left alone)."""
    return " ".join(
        typo(w) if len(w) >= MIN_TYPO_LETTERS and w.isalpha() else w for w in query.split()
    )
