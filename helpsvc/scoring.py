"""Fast ranking on top of Whoosh: each term's BM25F scores, computed once per build, summed with numpy.

Whoosh scores an OR query by walking every posting of every term through
Python on every search, so a short query cost tens of milliseconds and a long
one hundreds. The scores themselves depend only on the term and the build, so
this cache asks Whoosh once for a term's (document, score) pairs (the same
BM25F numbers Whoosh's own matcher produces) and keeps them as arrays; a
search then adds the arrays of its terms and takes the top documents with
``argpartition``. Results equal Whoosh's own ranking of the same OR query.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable

import numpy as np
from whoosh.query import DisjunctionMax, Or, Phrase, Query, Term
from whoosh.searching import Searcher

CACHE_TERMS = 50_000
Vector = tuple[np.ndarray, np.ndarray]
_EMPTY: Vector = (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32))


def _key(query: Query) -> tuple[object, ...]:
    if isinstance(query, Term):
        return ("t", query.fieldname, query.text)
    if isinstance(query, Phrase):
        return ("p", query.fieldname, tuple(query.words), query.slop)
    raise TypeError(f"only Term and Phrase queries are cached, not {type(query).__name__}")


class ScoreCache:
    """Per-build cache of term score vectors. Thread-safe; bounded in size."""

    def __init__(self, searcher: Searcher, max_terms: int = CACHE_TERMS) -> None:
        self.searcher = searcher
        self.size = searcher.doc_count_all()
        self.max_terms = max_terms
        self._vectors: OrderedDict[tuple[object, ...], Vector] = OrderedDict()
        self._lock = threading.Lock()

    def vector(self, query: Query) -> Vector:
        """Documents matching one Term or Phrase, and their unboosted scores."""
        key = _key(query)
        with self._lock:
            found = self._vectors.get(key)
            if found is not None:
                self._vectors.move_to_end(key)
                return found
        unboosted = query.copy()
        unboosted.boost = 1.0
        matcher = unboosted.matcher(self.searcher, self.searcher.context(weighting=self.searcher.weighting))
        docs: list[int] = []
        scores: list[float] = []
        while matcher.is_active():
            docs.append(matcher.id())
            scores.append(matcher.score())
            matcher.next()
        vector = (np.asarray(docs, dtype=np.int32), np.asarray(scores, dtype=np.float32)) if docs else _EMPTY
        with self._lock:
            self._vectors[key] = vector
            if len(self._vectors) > self.max_terms:
                self._vectors.popitem(last=False)
        return vector

    def scores(self, query: Query) -> np.ndarray:
        """Scores for every document of an OR of words (DisjunctionMax of fields) and Terms/Phrases."""
        total = np.zeros(self.size, dtype=np.float32)
        parts: Iterable[Query] = query.subqueries if isinstance(query, Or) else [query]
        for part in parts:
            if isinstance(part, DisjunctionMax):
                total += self._dismax(part)
                continue
            docs, values = self.vector(part)
            if len(docs):
                # Within one term each document appears once, so fancy-index addition is exact.
                total[docs] += values * np.float32(part.boost)
        return total

    def _dismax(self, query: DisjunctionMax) -> np.ndarray:
        """Best field's score plus `tiebreak` times the rest, as Whoosh's DisjunctionMax scores it."""
        best = np.zeros(self.size, dtype=np.float32)
        summed = np.zeros(self.size, dtype=np.float32)
        for sub in query.subqueries:
            docs, values = self.vector(sub)
            if len(docs):
                summed[docs] += values
                np.maximum.at(best, docs, values)
        return (best + np.float32(query.tiebreak) * (summed - best)) * np.float32(query.boost)


def top_documents(scores: np.ndarray, allowed: np.ndarray, limit: int) -> tuple[list[tuple[int, float]], np.ndarray]:
    """The best `limit` allowed documents with a positive score, and all matching docnums."""
    masked = np.where(allowed, scores, 0.0)
    matched = np.flatnonzero(masked > 0)
    if limit <= 0 or not len(matched):
        return [], matched
    if len(matched) > limit:
        part = matched[np.argpartition(-masked[matched], limit - 1)[:limit]]
    else:
        part = matched
    # Highest score first; ties in document order, as Whoosh orders them.
    order = np.lexsort((part, -masked[part]))
    return [(int(part[i]), float(masked[part[i]])) for i in order], matched
