"""Every Whoosh internal search relies on, behind small typed functions.

Ranking reads Whoosh's postings as arrays instead of one Python call per
posting (``scoring.py``, ``impacts.py``), which Whoosh's public API does not
offer. So this module, and no other, reaches past it:

- ``SegmentReader._terms``: a segment's terms reader, for its terms in key order
  (``items_from``) and its raw postings (``matcher``: no scorer, deleted
  documents included, as the segment stores them);
- ``W3TermsReader._postfile``, ``W3TermInfo.extent()`` and the Whoosh 3 block
  layout (``W3Bl``, then per block a length, a pickled header and pickled,
  maybe compressed, arrays), to read a whole segment without a matcher per word;
- ``W3LeafMatcher._ids``, ``_weights``, ``_read_ids``, ``_read_weights`` and
  ``_next_block``, to take a word's postings a block at a time;
- ``BM25F._field_B``, the per-field B values, to score as BM25F does.

Whoosh-Reloaded is pinned to one version in pyproject.toml, and
tests/test_whoosh_internals.py checks each of these on a real index, so an
upgrade that changes one fails there. Should one be missing at run time anyway,
these functions raise ``InternalMissing`` (a ValueError) and the callers take a
slower public path, counted in ``helpsvc_search_slow_path_total``.
"""

from __future__ import annotations

import io
import pickle
import struct
import zlib
from collections.abc import Iterator, Sequence
from typing import Any, Literal, get_args

import numpy as np
from whoosh.codec.whoosh3 import W3TermsReader
from whoosh.matching import Matcher
from whoosh.reading import IndexReader
from whoosh.scoring import BM25F

from ..metrics import SEARCH_SLOW_PATH

# Why a search or a build took a slower path; a fixed set, so the metric's labels stay bounded.
SlowPath = Literal[
    "impacts_absent",  # the build has no precomputed scores (made before them, or they failed)
    "impacts_mismatch",  # its scores were computed for other weights or other segments
    "impacts_unreadable",  # its scores' files cannot be read
    "impacts_not_written",  # a build could not compute them: it serves without
    "internal_missing",  # a Whoosh internal below is gone: Whoosh's matcher, one posting at a time
    "not_bm25f",  # the searcher weights with something else: Whoosh's matcher
    "phrase",  # phrases need positions: Whoosh's matcher
    "not_w3_postings",  # a segment of another codec: a matcher per word while building
]
SLOW_PATHS: tuple[str, ...] = get_args(SlowPath)
for _reason in SLOW_PATHS:
    SEARCH_SLOW_PATH.labels(reason=_reason)  # every reason shows in /metrics from the start, at 0

W3_MAGIC = b"W3Bl"


class InternalMissing(ValueError):
    """A Whoosh internal this module relies on is not there: another Whoosh version, or another codec."""


def slow_path(reason: SlowPath) -> None:
    SEARCH_SLOW_PATH.labels(reason=reason).inc()


def bm25f_field_b(weighting: BM25F) -> dict[str, float]:
    """The per-field B values BM25F was given (``title_B=0.5``), by field name."""
    try:
        return dict(weighting._field_B)
    except AttributeError as exc:
        raise InternalMissing("BM25F._field_B") from exc


def bm25f_b(weighting: BM25F, fieldname: str) -> float:
    """The B BM25F uses for a field: its own if given one, else the weighting's."""
    return float(bm25f_field_b(weighting).get(fieldname, weighting.B))


def _terms(leaf: IndexReader) -> Any:
    try:
        return leaf._terms
    except AttributeError as exc:
        raise InternalMissing("SegmentReader._terms") from exc


def is_whoosh3(leaf: IndexReader) -> bool:
    """Whether a segment's postings are in the Whoosh 3 layout ``w3_blocks`` reads."""
    return isinstance(_terms(leaf), W3TermsReader)


def field_terms(leaf: IndexReader, fieldname: str) -> Iterator[tuple[bytes, Any]]:
    """A segment's words of one field and their term infos, in key order.

    ``iter_field`` gives the same, but looks every term info up again by key.
    """
    try:
        items = _terms(leaf).items_from(fieldname, b"")
    except AttributeError as exc:
        raise InternalMissing("TermsReader.items_from") from exc
    for (name, text), terminfo in items:
        if name != fieldname:
            return
        yield text, terminfo


def raw_matcher(leaf: IndexReader, fieldname: str, btext: bytes) -> Matcher:
    """One word's postings in one segment, as stored: no scorer, deleted documents included."""
    try:
        return _terms(leaf).matcher(fieldname, btext, leaf.schema[fieldname].format, scorer=None)
    except AttributeError as exc:
        raise InternalMissing("TermsReader.matcher") from exc


def w3_blocks(leaf: IndexReader, terminfo: Any) -> Iterator[tuple[Sequence[int], Any, int]]:
    """A word's Whoosh 3 postings blocks in a segment as (id deltas, weights, count), straight from the file.

    The same bytes ``W3LeafMatcher`` decodes, read without building a matcher
    per word: that makes extracting a whole segment about twice as fast.
    Weights are None (all 1.0), one float for the whole block, or an array.
    """
    terms = _terms(leaf)
    try:
        postfile = terms._postfile
        offset, length = terminfo.extent()
    except AttributeError as exc:
        raise InternalMissing("W3TermsReader._postfile or W3TermInfo.extent") from exc
    if isinstance(length, tuple):  # W3TermInfo.from_bytes leaves the length as struct's 1-tuple
        length = length[0]
    data = io.BytesIO(postfile.get(offset, length))
    if data.read(4) != W3_MAGIC:
        raise InternalMissing("not a Whoosh 3 postings list")
    while True:
        (size,) = struct.unpack("!i", data.read(4))
        start = data.tell()
        count, _maxid, _maxweight, compression, _minlen, _maxlen = pickle.load(data)
        raw = data.read(abs(size) - (data.tell() - start))
        ids, weights, _values = pickle.loads(zlib.decompress(raw) if compression else raw)
        yield ids, weights, count
        if size < 0:  # Whoosh marks the last block with a negative size
            return


def block_postings(leaf: IndexReader, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
    """One word's (docnums within the segment, field-boosted frequencies), read a block at a time.

    A leaf matcher decodes each block into arrays anyway; taking them whole
    costs a fraction of a millisecond where ``id()`` and ``weight()`` per
    posting cost a Python call each. Deleted documents are included.
    """
    matcher = raw_matcher(leaf, fieldname, btext)
    ids: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    try:
        while matcher.is_active():
            if matcher._ids is None:
                matcher._read_ids()
            if matcher._weights is None:
                matcher._read_weights()
            ids.append(np.asarray(matcher._ids, dtype=np.int64))
            weights.append(np.asarray(matcher._weights, dtype=np.float64))
            matcher._next_block()
    except (AttributeError, TypeError) as exc:  # e.g. a ListMatcher, or a Whoosh whose matchers changed
        raise InternalMissing(f"{type(matcher).__name__} has no block arrays") from exc
    if not ids:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    return np.concatenate(ids), np.concatenate(weights)
