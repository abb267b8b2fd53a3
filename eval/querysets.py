"""The title-derived query set of the known-item evaluation.

``short_query`` makes three or four words from the target's *title*: stopwords
and words common to the whole help site (product names) are dropped, and the
remaining words with the highest IDF over the corpus are kept, in title order.
The rule never looks at either search engine. See eval/README.md for the full rule.
"""

from __future__ import annotations

import math
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
