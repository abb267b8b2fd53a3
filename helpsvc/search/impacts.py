"""Every word's BM25F scores for a build, computed when the build is made and memory-mapped.

A word's BM25F score in a document depends only on the build: the word's
frequency there, the document's field length and the corpus statistics. So
instead of each worker decoding Whoosh's compressed postings the first time a
query uses a word (from tens of microseconds for a rare word to milliseconds
for a common one, per field), the build scores every word of the text fields
in one vectorised pass and stores the result in ``impacts/`` inside the build
folder:

    meta.json         what the arrays were computed from: segments, weighting, fields
    hashes.npy        uint64, one per (field, word), sorted: a word is found with searchsorted
    names.npy         uint8, the (field, word) keys in hash order, to confirm a match
    name_offsets.npy  int64, where each key starts in names.npy (one more than there are keys)
    spans.npy         int64 [keys, 2], each key's range in docs.npy and scores.npy
    docs.npy          int32 docnums, ascending within a key
    scores.npy        float32 unboosted BM25F scores, the same numbers ScoreCache computed itself

The arrays are mapped read-only, so the workers of a node share one copy in the
page cache and a lookup costs a few microseconds and no Python objects per word.

Corpus statistics change with every edit, so every build rescores every
posting; what an update reuses is the raw postings. Whoosh segments never
change once written, so each segment's (word, document, frequency, field
length) arrays are extracted once into ``impacts/segment-<id>.npz`` and travel
with the copied folder into the next build: an update that adds one article
extracts only its one-document segment, and rescoring is a few numpy passes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import index as whoosh_index
from whoosh.reading import IndexReader
from whoosh.scoring import BM25F
from whoosh.searching import Searcher

from ..progress import ProgressFactory, bar as progress_bar
from .whoosh_internals import InternalMissing, bm25f_b, bm25f_field_b, field_terms, is_whoosh3, raw_matcher, slow_path, w3_blocks

log = logging.getLogger(__name__)

FOLDER = "impacts"
FORMAT = 1
ARRAYS = ("hashes", "names", "name_offsets", "spans", "docs", "scores")
Vector = tuple[np.ndarray, np.ndarray]
EMPTY: Vector = (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32))


def key_of(fieldname: str, btext: bytes) -> bytes:
    # Field names never hold a NUL, so the key splits back unambiguously.
    return fieldname.encode("utf-8") + b"\0" + btext


def hash_of(key: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "little")


def weighting_params(weighting: BM25F) -> dict[str, Any]:
    return {"B": weighting.B, "K1": weighting.K1, "field_B": dict(sorted(bm25f_field_b(weighting).items()))}


def segment_ids(reader: IndexReader) -> list[list[Any]]:
    """The reader's segments, in docnum order: what a set of impacts was computed from."""
    return [[leaf.segment().segment_id(), leaf.doc_count_all()] for leaf, _ in reader.leaf_readers()]


# ---------------------------------------------------------------- reading


class Impacts:
    """One build's memory-mapped impact arrays. Read-only and safe to share between threads."""

    def __init__(self, folder: Path, meta: dict[str, Any]) -> None:
        self.folder = folder
        self.fields = frozenset(meta["fields"])
        # One tuple, swapped for None on close, so a lookup sees all the arrays or none of them.
        self._arrays: tuple[np.ndarray, ...] | None = tuple(
            np.load(folder / f"{name}.npy", mmap_mode="r").view(np.ndarray) for name in ARRAYS
        )
        self.terms = len(self._arrays[0])

    @classmethod
    def open(cls, build: Path, searcher: Searcher) -> Impacts | None:
        """The build's impacts, or None if it has none or they were made for other segments or weights.

        None is not an error: older builds have no impacts, and ScoreCache then
        computes each word's scores from the postings as it always did.
        """
        folder = build / FOLDER
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            slow_path("impacts_absent")
            return None
        except (OSError, ValueError) as exc:
            log.warning("ignoring the impacts of %s: %s", build.name, exc)
            slow_path("impacts_unreadable")
            return None
        weighting = searcher.weighting
        if not isinstance(weighting, BM25F):
            return None  # ScoreCache counts every word it then scores with Whoosh's matcher
        if meta.get("format") != FORMAT:
            slow_path("impacts_mismatch")
            return None
        try:
            params = weighting_params(weighting)
        except InternalMissing as exc:
            log.warning("ignoring the impacts of %s: %s", build.name, exc)
            slow_path("internal_missing")
            return None
        if meta.get("weighting") != params:
            log.info("the impacts of %s were computed with other BM25F weights: scoring from postings", build.name)
            slow_path("impacts_mismatch")
            return None
        if meta.get("segments") != segment_ids(searcher.reader()):
            log.warning("the impacts of %s belong to other segments: scoring from postings", build.name)
            slow_path("impacts_mismatch")
            return None
        try:
            return cls(folder, meta)
        except (OSError, ValueError) as exc:
            log.warning("ignoring the impacts of %s: %s", build.name, exc)
            slow_path("impacts_unreadable")
            return None

    def vector(self, fieldname: str, btext: bytes) -> Vector | None:
        """The word's (docnums, scores) in a field; None for a field these impacts do not cover."""
        arrays = self._arrays
        if arrays is None or fieldname not in self.fields:
            return None
        hashes, names, name_offsets, spans, docs, scores = arrays
        key = key_of(fieldname, btext)
        wanted = hash_of(key)
        i = int(np.searchsorted(hashes, np.uint64(wanted)))
        # Keys that share a 64-bit hash sit side by side; the stored name tells them apart.
        while i < len(hashes) and int(hashes[i]) == wanted:
            start, end = name_offsets[i: i + 2].tolist()
            if names[start:end].tobytes() == key:
                first, last = spans[i].tolist()
                return docs[first:last], scores[first:last]
            i += 1
        return EMPTY

    def doc_frequencies(self, fieldname: str, btexts: list[bytes]) -> np.ndarray | None:
        """How many documents hold each word in a field (0 if none); None for a field not covered.

        One vectorised search for all the words. Unlike ``vector`` it does not
        confirm the stored name: two keys sharing a 64-bit hash are about one
        chance in 10^9 per build, and a wrong count here only reorders the
        candidates for an article's key words.
        """
        arrays = self._arrays
        if arrays is None or fieldname not in self.fields:
            return None
        hashes, _names, _offsets, spans, _docs, _scores = arrays
        if not len(hashes):
            return np.zeros(len(btexts), dtype=np.int64)
        wanted = np.fromiter((hash_of(key_of(fieldname, b)) for b in btexts), dtype=np.uint64, count=len(btexts))
        found = np.minimum(np.searchsorted(hashes, wanted), len(hashes) - 1)
        present = hashes[found] == wanted
        counts = (spans[found, 1] - spans[found, 0]).astype(np.int64)
        return np.where(present, counts, 0)

    def close(self) -> None:
        # Vectors handed out are views of the maps; dropping our references lets the
        # maps close once the last search using them is done, never under it.
        self._arrays = None


# ---------------------------------------------------------------- one segment's postings


@dataclass
class SegmentPostings:
    """A segment's postings for the scored fields, grouped by key in Whoosh's key order."""

    segment_id: str
    doc_count: int
    fields: list[str]  # what key_fields numbers refer to
    names: np.ndarray  # uint8, the keys (field NUL word) one after another
    name_offsets: np.ndarray  # int64, where each key starts in names (one more than there are keys)
    key_fields: np.ndarray  # int16, each key's field as a position in `fields`
    hashes: np.ndarray  # uint64 hash_of(name), one per key
    counts: np.ndarray  # int64 postings per key
    docs: np.ndarray  # int32 docnums within the segment
    tf: np.ndarray  # float32 field-boosted frequencies, as Whoosh stores them
    lengths: np.ndarray  # float32 the document's field length, as Whoosh's BM25F reads it

    def save(self, path: Path) -> None:
        with path.open("wb") as handle:
            np.savez(
                handle, segment=np.array(self.segment_id), doc_count=np.array(self.doc_count),
                fields=np.array(json.dumps(self.fields)), names=self.names, name_offsets=self.name_offsets,
                key_fields=self.key_fields, hashes=self.hashes, counts=self.counts, docs=self.docs, tf=self.tf,
                lengths=self.lengths,
            )

    @classmethod
    def load(cls, path: Path) -> SegmentPostings:
        with np.load(path) as data:
            return cls(
                segment_id=str(data["segment"]), doc_count=int(data["doc_count"]), fields=json.loads(str(data["fields"])),
                names=data["names"], name_offsets=data["name_offsets"], key_fields=data["key_fields"],
                hashes=data["hashes"], counts=data["counts"], docs=data["docs"], tf=data["tf"], lengths=data["lengths"],
            )


def extract_segment(leaf: IndexReader, fields: list[str], advance: Callable[[int], Any] | None = None) -> SegmentPostings:
    """Reads every posting of the given fields from one segment reader.

    `advance` is told, field by field, how many of the segment's documents'
    worth of work is done (a progress bar counts in documents).
    """
    raw = is_whoosh3(leaf)
    if not raw:
        slow_path("not_w3_postings")
    names: list[bytes] = []
    key_fields: list[int] = []
    counts: list[int] = []
    deltas: list[int] = []  # docnum gaps; the running sum restarts at every block
    block_sizes: list[int] = []
    tf: list[float] = []
    field_sizes: list[int] = []
    lengths: list[np.ndarray] = []
    doc_count = leaf.doc_count_all()
    indexed = set(leaf.indexed_field_names())
    for done, fieldname in enumerate(fields, start=1):
        if fieldname in indexed:
            before = len(tf)
            lengths.append(_field_lengths(leaf, fieldname, doc_count))
            for text, terminfo in field_terms(leaf, fieldname):
                names.append(key_of(fieldname, text))
                counts.append(terminfo.doc_frequency())
                if raw:
                    for ids, weights, count in w3_blocks(leaf, terminfo):
                        deltas.extend(ids)
                        block_sizes.append(count)
                        if weights is None:
                            tf.extend([1.0] * count)
                        elif isinstance(weights, float):
                            tf.extend([weights] * count)
                        else:
                            tf.extend(weights)
                else:  # another codec: its own matcher (deleted documents included), one block per word
                    block_sizes.append(_matcher_postings(raw_matcher(leaf, fieldname, text), deltas, tf))
            field_sizes.append(len(tf) - before)
            key_fields.extend([done - 1] * (len(names) - len(key_fields)))
        if advance is not None:
            advance(doc_count * done // len(fields) - doc_count * (done - 1) // len(fields))
    counts_array = np.asarray(counts, dtype=np.int64)
    if len(tf) != int(counts_array.sum()) or len(deltas) != len(tf):
        raise ValueError(f"segment {leaf.segment().segment_id()}: postings do not add up to the words' frequencies")
    docs = _undelta(np.asarray(deltas, dtype=np.int64), np.asarray(block_sizes, dtype=np.int64))
    which = np.repeat(np.arange(len(field_sizes)), field_sizes)
    table = np.stack(lengths) if lengths else np.zeros((0, doc_count), dtype=np.float32)
    name_offsets = np.zeros(len(names) + 1, dtype=np.int64)
    np.cumsum([len(n) for n in names], out=name_offsets[1:])
    return SegmentPostings(
        segment_id=leaf.segment().segment_id(), doc_count=doc_count, fields=list(fields),
        names=np.frombuffer(b"".join(names), dtype=np.uint8), name_offsets=name_offsets,
        key_fields=np.asarray(key_fields, dtype=np.int16),
        hashes=np.fromiter((hash_of(n) for n in names), dtype=np.uint64, count=len(names)), counts=counts_array,
        docs=docs.astype(np.int32), tf=np.asarray(tf, dtype=np.float32), lengths=table[which, docs],
    )


def _field_lengths(leaf: IndexReader, fieldname: str, doc_count: int) -> np.ndarray:
    # Whoosh answers None for an empty field; such a document has no postings there.
    return np.array([leaf.doc_field_length(n, fieldname, 0) or 0 for n in range(doc_count)], dtype=np.float32)


def _matcher_postings(matcher: Any, deltas: list[int], tf: list[float]) -> int:
    previous = 0
    size = 0
    while matcher.is_active():
        docnum = matcher.id()
        deltas.append(docnum - previous)
        tf.append(matcher.weight())
        previous = docnum
        size += 1
        matcher.next()
    return size


def _undelta(deltas: np.ndarray, block_sizes: np.ndarray) -> np.ndarray:
    """Docnums from delta-encoded blocks: a running sum that restarts at every block."""
    if not len(deltas):
        return deltas
    running = np.cumsum(deltas)
    starts = np.zeros(len(block_sizes), dtype=np.int64)
    np.cumsum(block_sizes[:-1], out=starts[1:])
    before_block = np.where(starts > 0, running[np.maximum(starts - 1, 0)], 0)
    return running - np.repeat(before_block, block_sizes)


# ---------------------------------------------------------------- a build's impacts


def write_impacts(build: Path, weighting: BM25F, fields: list[str], progress: ProgressFactory | None = None) -> dict[str, Any]:
    """Scores every posting of `fields` in a build and writes ``impacts/``; returns its meta.

    Run on a finished build before it becomes current. Segments whose postings
    were extracted for an earlier build (the folder is copied for an update)
    are read from their cache; only new segments are read from Whoosh.
    """
    folder = build / FOLDER
    folder.mkdir(exist_ok=True)
    # A build copied from the previous one carries its meta: until rewritten, the impacts are not valid.
    (folder / "meta.json").unlink(missing_ok=True)
    ix = whoosh_index.open_dir(str(build))
    with ix.searcher(weighting=weighting) as searcher:
        leaves = list(searcher.reader().leaf_readers())
        cached = [_cached_postings(folder, leaf, fields) for leaf, _ in leaves]
        unread = sum(leaf.doc_count_all() for (leaf, _), found in zip(leaves, cached) if found is None)
        bar = progress_bar(progress, unread, "scoring words")
        segments: list[tuple[int, SegmentPostings]] = []
        for (leaf, docbase), found in zip(leaves, cached):
            if found is None:
                found = extract_segment(leaf, fields, bar.update)
                found.save(folder / f"segment-{found.segment_id}.npz")
            segments.append((docbase, found))
        bar.close()
        keep = {f"segment-{postings.segment_id}.npz" for _, postings in segments}
        for stale in folder.glob("segment-*.npz"):
            if stale.name not in keep:  # merged away by Whoosh
                stale.unlink()
        arrays = score_postings(searcher, segments, fields)
        for name in ARRAYS:
            np.save(folder / f"{name}.npy", arrays[name])
        meta = {
            "format": FORMAT,
            "weighting": weighting_params(weighting),
            "fields": fields,
            "segments": segment_ids(searcher.reader()),
            "terms": len(arrays["hashes"]),
            "postings": len(arrays["docs"]),
        }
    (folder / "meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    return meta


def _cached_postings(folder: Path, leaf: IndexReader, fields: list[str]) -> SegmentPostings | None:
    segment_id = leaf.segment().segment_id()
    path = folder / f"segment-{segment_id}.npz"
    if not path.is_file():
        return None
    try:
        postings = SegmentPostings.load(path)
    except (OSError, ValueError, KeyError) as exc:
        log.warning("re-reading segment %s: its cached postings are unreadable (%s)", segment_id, exc)
        return None
    if postings.segment_id != segment_id or postings.doc_count != leaf.doc_count_all() or postings.fields != fields:
        return None
    return postings


def score_postings(searcher: Searcher, segments: list[tuple[int, SegmentPostings]], fields: list[str]) -> dict[str, np.ndarray]:
    """BM25F for every posting of every segment, grouped by key in hash order.

    The arithmetic is ScoreCache's, term for term and in the same order, over
    float64 arrays, so each score is the same float32 it computes from postings.
    Everything is whole-array numpy work except keys that share a hash, which
    are compared by name: a word found in several segments (an update's new
    segment repeats most of its words), and true collisions.
    """
    weighting = searcher.weighting
    k1 = weighting.K1
    field_b = np.array([bm25f_b(weighting, name) for name in fields], dtype=np.float64)
    field_avg = np.array([searcher.avg_field_length(name) or 1 for name in fields], dtype=np.float64)
    doc_count = searcher.doc_count_all()

    # Every segment's keys ("entries") side by side, in segment order.
    blob = np.concatenate([p.names for _, p in segments])
    blob_base = np.cumsum([0] + [len(p.names) for _, p in segments])
    name_start = np.concatenate([p.name_offsets[:-1] + base for (_, p), base in zip(segments, blob_base)])
    name_end = np.concatenate([p.name_offsets[1:] + base for (_, p), base in zip(segments, blob_base)])
    hashes = np.concatenate([p.hashes for _, p in segments])
    counts = np.concatenate([p.counts for _, p in segments]).astype(np.int64)
    entry_field = np.concatenate([p.key_fields for _, p in segments]).astype(np.int64)

    def name(entry: int) -> bytes:
        return blob[name_start[entry]:name_end[entry]].tobytes()

    # Entries in hash order; one key per distinct name. Stable, so a key's entries stay in segment order.
    order = np.argsort(hashes, kind="stable")
    sorted_hashes = hashes[order]
    new_key = np.ones(len(order), dtype=bool)
    new_key[1:] = sorted_hashes[1:] != sorted_hashes[:-1]
    bounds = np.flatnonzero(np.r_[True, sorted_hashes[1:] != sorted_hashes[:-1], True]) if len(order) else np.zeros(1, np.int64)
    for run in np.flatnonzero(np.diff(bounds) > 1).tolist():
        first, last = int(bounds[run]), int(bounds[run + 1])
        members = sorted(order[first:last].tolist(), key=lambda entry: (name(entry), entry))
        order[first:last] = members
        for i in range(first + 1, last):
            new_key[i] = name(members[i - first]) != name(members[i - first - 1])

    # Laid out in that order, each entry's postings land right after the previous entry's.
    sorted_counts = counts[order]
    entry_start = np.zeros(len(order) + 1, dtype=np.int64)
    np.cumsum(sorted_counts, out=entry_start[1:])
    key_start = np.r_[entry_start[:-1][new_key], entry_start[-1]]
    key_number = np.cumsum(new_key) - 1  # of each entry, in sorted position
    df = np.diff(key_start)
    destination = np.empty(len(order), dtype=np.int64)
    destination[order] = entry_start[:-1]
    source = np.zeros(len(order), dtype=np.int64)
    np.cumsum(counts[:-1], out=source[1:])
    total = int(entry_start[-1])
    position = np.repeat(destination - source, counts) + np.arange(total)

    # Whoosh's idf, with Python's own log for each distinct document frequency (a few hundred of them).
    distinct, which = np.unique(df, return_inverse=True)
    key_idf = np.array([math.log(doc_count / (int(n) + 1)) + 1 for n in distinct], dtype=np.float64)[which]
    entry_idf = np.empty(len(order), dtype=np.float64)
    entry_idf[order] = key_idf[key_number]
    idf = np.repeat(entry_idf, counts)
    posting_field = np.repeat(entry_field, counts)
    docs = np.concatenate([p.docs.astype(np.int64) + base for base, p in segments])
    tf = np.concatenate([p.tf for _, p in segments]).astype(np.float64)
    lengths = np.concatenate([p.lengths for _, p in segments]).astype(np.float64)
    b = field_b[posting_field]
    avgfl = field_avg[posting_field]
    scores = idf * (tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * lengths / avgfl))

    out_docs = np.empty(total, dtype=np.int32)
    out_scores = np.empty(total, dtype=np.float32)
    out_docs[position] = docs
    out_scores[position] = scores
    # Each key's name, gathered from its first entry without a Python object per key.
    named = order[new_key]
    sizes = name_end[named] - name_start[named]
    name_offsets = np.zeros(len(named) + 1, dtype=np.int64)
    np.cumsum(sizes, out=name_offsets[1:])
    gather = np.repeat(name_start[named] - name_offsets[:-1], sizes) + np.arange(int(name_offsets[-1]))
    return {
        "hashes": sorted_hashes[new_key],
        "names": blob[gather],
        "name_offsets": name_offsets,
        "spans": np.stack([key_start[:-1], key_start[1:]], axis=1),
        "docs": out_docs,
        "scores": out_scores,
    }
