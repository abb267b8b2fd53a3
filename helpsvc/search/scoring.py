"""Fast ranking on top of Whoosh: each term's BM25F scores, computed once per build, summed with numpy.

Whoosh scores an OR query by walking every posting of every term through
Python on every search, so a short query cost tens of milliseconds and a long
one hundreds. The scores themselves depend only on the term and the build, so
this cache asks Whoosh once for a term's (document, score) pairs (the same
BM25F numbers Whoosh's own matcher produces) and keeps them as arrays; a
search then adds the arrays of its terms and takes the top documents with
``argpartition``. A plain OR of terms and phrases ranks exactly as Whoosh's
own searcher ranks it; a word over several fields (``DisjunctionMax``) scores
its best field plus ``tiebreak`` times the others (each field's score times its
term's boost), which Whoosh-Reloaded
2.7.5's DisjunctionMax matcher does not do (it ignores ``tiebreak`` and can
take the best score of another document). tests/test_search.py compares both
with Whoosh's own scores on real articles.

Builds made since precomputed impacts exist (``impacts.py``) carry every
word's vector already, memory-mapped; the cache then only computes phrases,
and words of builds without impacts.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from cachetools import LRUCache
from whoosh.query import DisjunctionMax, Or, Phrase, Query, Term
from whoosh.scoring import BM25F
from whoosh.searching import Searcher

from .impacts import EMPTY, Impacts, Vector
from .whoosh_internals import InternalMissing, block_postings, bm25f_b, slow_path

# The BM25F weights search uses; a build's impacts are computed with them and used only if they match.
BM25_B = 0.75
BM25_K1 = 1.2
CACHE_TERMS = 50_000
CACHE_BYTES = 24 * 1024 * 1024  # per worker: frequent words stay, the long tail is recomputed
_EMPTY: Vector = EMPTY


def weighting() -> BM25F:
    return BM25F(B=BM25_B, K1=BM25_K1)


def _nbytes(vector: Vector) -> int:
    return int(vector[0].nbytes + vector[1].nbytes)


def _key(query: Query) -> tuple[object, ...]:
    if isinstance(query, Term):
        return ("t", query.fieldname, query.text)
    if isinstance(query, Phrase):
        return ("p", query.fieldname, tuple(query.words), query.slop)
    raise TypeError(f"only Term and Phrase queries are cached, not {type(query).__name__}")


class ScoreCache:
    """Per-build cache of term score vectors. Thread-safe; bounded in size."""

    def __init__(
        self, searcher: Searcher, max_terms: int = CACHE_TERMS, max_bytes: int = CACHE_BYTES, impacts: Impacts | None = None
    ) -> None:
        self.searcher = searcher
        self.impacts = impacts
        self.size = searcher.doc_count_all()
        self.max_terms = max_terms
        self.max_bytes = max_bytes
        # Bounded in bytes by the cache itself, and in count by vector() (an empty vector weighs nothing).
        self._vectors: LRUCache[tuple[object, ...], Vector] = LRUCache(maxsize=max_bytes, getsizeof=_nbytes)
        self._field_lengths: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    @classmethod
    def for_build(cls, searcher: Searcher, folder: Path) -> ScoreCache:
        """A cache for the build in `folder`, reading its precomputed impacts if it has usable ones."""
        return cls(searcher, impacts=Impacts.open(folder, searcher))

    def vector(self, query: Query) -> Vector:
        """Documents matching one Term or Phrase, and their unboosted scores."""
        if self.impacts is not None and isinstance(query, Term):
            # Mapped arrays: nothing to compute or to keep in the cache.
            found = self.impacts.vector(query.fieldname, self.searcher.schema[query.fieldname].to_bytes(query.text))
            if found is not None:
                return found
        key = _key(query)
        with self._lock:
            found = self._vectors.get(key)  # a hit makes it the most recently used
            if found is not None:
                return found
        vector = None
        if not isinstance(query, Term):
            slow_path("phrase")
        elif not isinstance(self.searcher.weighting, BM25F):
            slow_path("not_bm25f")
        else:
            try:
                vector = self._bm25_vector(query.fieldname, query.text)
            except InternalMissing:  # a codec without block arrays, or another Whoosh: ask the matcher
                slow_path("internal_missing")
        if vector is None:
            vector = self._matcher_vector(query)
        with self._lock:
            if key not in self._vectors:
                try:
                    self._vectors[key] = vector
                except ValueError:  # larger than the whole budget: returned, not kept
                    pass
            while len(self._vectors) > self.max_terms:
                self._vectors.popitem()  # the least recently used
        return vector

    def cached(self) -> tuple[int, int]:
        """How many vectors the cache holds, and their bytes."""
        with self._lock:
            return len(self._vectors), int(self._vectors.currsize)

    def close(self) -> None:
        with self._lock:
            self._vectors.clear()
        if self.impacts is not None:
            self.impacts.close()
            self.impacts = None

    def _matcher_vector(self, query: Query) -> Vector:
        """Whoosh's own matcher, one posting at a time: exact for any query, but slow."""
        unboosted = query.copy()
        unboosted.boost = 1.0
        matcher = unboosted.matcher(self.searcher, self.searcher.context(weighting=self.searcher.weighting))
        docs: list[int] = []
        scores: list[float] = []
        while matcher.is_active():
            docs.append(matcher.id())
            scores.append(matcher.score())
            matcher.next()
        return (np.asarray(docs, dtype=np.int32), np.asarray(scores, dtype=np.float32)) if docs else _EMPTY

    def _bm25_vector(self, fieldname: str, text: str) -> Vector:
        """The same BM25F numbers, computed a block of postings at a time with numpy.

        Whoosh's postings blocks already hold arrays of document numbers and
        (field-boosted) term frequencies; reading those and scoring them in one
        vector operation makes a word never seen before cost a fraction of a
        millisecond instead of a Python call per posting.
        """
        searcher = self.searcher
        field = searcher.schema[fieldname]
        btext = field.to_bytes(text)
        id_blocks: list[np.ndarray] = []
        tf_blocks: list[np.ndarray] = []
        for leaf, offset in searcher.reader().leaf_readers():
            if (fieldname, btext) not in leaf:
                continue
            ids, weights = block_postings(leaf, fieldname, btext)
            id_blocks.append(ids + offset)
            tf_blocks.append(weights)
        if not id_blocks:
            return _EMPTY
        docs = np.concatenate(id_blocks)
        tf = np.concatenate(tf_blocks)
        weighting = searcher.weighting
        b = bm25f_b(weighting, fieldname)
        k1 = weighting.K1
        avgfl = searcher.avg_field_length(fieldname) or 1
        lengths = self._lengths(fieldname)[docs]
        scores = searcher.idf(fieldname, text) * (tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * lengths / avgfl))
        return docs.astype(np.int32), scores.astype(np.float32)

    def _lengths(self, fieldname: str) -> np.ndarray:
        found = self._field_lengths.get(fieldname)
        if found is None:
            reader = self.searcher.reader()
            found = np.array([reader.doc_field_length(n, fieldname, 0) for n in range(self.size)], dtype=np.float64)
            self._field_lengths[fieldname] = found
        return found

    def scores(self, query: Query) -> np.ndarray:
        """Scores for every document of an OR of words (DisjunctionMax of fields) and Terms/Phrases."""
        total = np.zeros(self.size, dtype=np.float32)
        parts: Iterable[Query] = query.subqueries if isinstance(query, Or) else [query]
        for part in parts:
            if isinstance(part, DisjunctionMax):
                self._add_dismax(total, part)
                continue
            docs, values = self.vector(part)
            if len(docs):
                # Within one term each document appears once, so fancy-index addition is exact.
                total[docs] += values * np.float32(part.boost)
        return total

    def _add_dismax(self, total: np.ndarray, query: DisjunctionMax) -> None:
        """Adds the best field's score plus `tiebreak` times the rest (the rule, not Whoosh's matcher: see above).

        A field's score is its term's BM25F score times the term's own boost (see ``query.shared_idf_weights``).
        """
        vectors = []
        for sub in query.subqueries:
            docs, values = self.vector(sub)
            if len(docs):
                vectors.append((docs, values * np.float32(sub.boost) if sub.boost != 1.0 else values))
        if len(vectors) == 1:
            # One field matched: the rest add exactly nothing, so skip the whole-corpus arrays.
            docs, values = vectors[0]
            total[docs] += values * np.float32(query.boost)
        elif vectors:
            best = np.zeros(self.size, dtype=np.float32)
            summed = np.zeros(self.size, dtype=np.float32)
            for docs, values in vectors:
                summed[docs] += values
                # Documents are unique within a vector, so this equals np.maximum.at, only faster.
                best[docs] = np.maximum(best[docs], values)
            total += (best + np.float32(query.tiebreak) * (summed - best)) * np.float32(query.boost)


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
