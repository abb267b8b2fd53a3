"""The Whoosh internals search relies on still exist and mean what we assume.

One test per internal (see helpsvc/search/whoosh_internals.py), each on a real
small index, so upgrading Whoosh-Reloaded fails here, loudly, instead of
ranking quietly wrong. Then: when a fast path does not apply, search still
answers the same and counts it in helpsvc_search_slow_path_total.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from prometheus_client import REGISTRY
from whoosh import index as whoosh_index
from whoosh.codec.plaintext import PlainTextCodec
from whoosh.codec.whoosh3 import W3LeafMatcher, W3TermsReader
from whoosh.fields import ID, TEXT, Schema
from whoosh.query import Phrase, Term
from whoosh.reading import IndexReader
from whoosh.scoring import BM25F, TF_IDF
from whoosh.searching import Searcher

from helpsvc import metrics
from helpsvc.search import build_path, current_build_id, impacts
from helpsvc.search.scoring import ScoreCache
from helpsvc.search.whoosh_internals import (
    SLOW_PATHS,
    W3_MAGIC,
    block_postings,
    bm25f_b,
    bm25f_field_b,
    field_terms,
    is_whoosh3,
    raw_matcher,
    w3_blocks,
)

DOCS = 300  # more than Whoosh 3's 128 postings a block, so "common" spans three blocks
WEIGHTING = BM25F(B=0.75, K1=1.2, title_B=0.3)


def _write_small(folder: Path) -> None:
    """300 documents, then an update that deletes one and adds a second segment."""
    ix = whoosh_index.create_in(str(folder), Schema(key=ID(stored=True, unique=True), title=TEXT, body=TEXT))
    writer = ix.writer()
    for n in range(DOCS):
        title = f"page {n}" + (" headset" if n % 7 == 0 else "")
        writer.add_document(key=f"d{n}", title=title, body=" ".join(["common"] * (1 + n % 5) + [f"word{n % 11}"]))
    writer.commit()
    writer = ix.writer()
    writer.delete_by_term("key", "d5")
    writer.add_document(key="late", title="late headset", body="common late")
    writer.commit(merge=False)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Searcher]:
    folder = tmp_path_factory.mktemp("small")
    _write_small(folder)
    with whoosh_index.open_dir(str(folder)).searcher(weighting=WEIGHTING) as searcher:
        yield searcher


def _first_leaf(searcher: Searcher) -> IndexReader:
    leaves = searcher.reader().leaf_readers()
    assert len(leaves) == 2 and leaves[0][0].has_deletions()  # the shape the tests below rely on
    return leaves[0][0]


def _postings_one_by_one(leaf: IndexReader, fieldname: str, btext: bytes) -> tuple[list[int], list[float]]:
    matcher = raw_matcher(leaf, fieldname, btext)
    ids: list[int] = []
    weights: list[float] = []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return ids, weights


# ---------------------------------------------------------------- one test per internal


def test_segment_reader_terms_lists_a_fields_words_in_key_order(small: Searcher) -> None:
    """``SegmentReader._terms.items_from``: ((field, word), terminfo) from a key on, across fields."""
    leaf = _first_leaf(small)
    found = list(field_terms(leaf, "body"))
    assert [text for text, _ in found] == list(leaf.lexicon("body"))  # every body word, and no title word
    assert [info.doc_frequency() for _, info in found] == [leaf.doc_frequency("body", t) for t, _ in found]
    assert dict(found)[b"common"].doc_frequency() == DOCS  # the deleted document still counts


def test_terms_reader_matcher_gives_postings_as_stored(small: Searcher) -> None:
    """``SegmentReader._terms.matcher``: no scorer, deleted documents included (the public postings skip them)."""
    leaf = _first_leaf(small)
    ids, weights = _postings_one_by_one(leaf, "body", b"common")
    assert ids == list(range(DOCS))
    assert weights == [float(1 + n % 5) for n in range(DOCS)]
    public = leaf.postings("body", "common")
    assert 5 not in list(public.all_ids()) and 5 in ids


def test_our_segments_are_whoosh3_terms_readers(small: Searcher, content_index: Path) -> None:
    """``W3TermsReader`` is what ``is_whoosh3`` looks for: every segment of a real build has one."""
    build_id = current_build_id(content_index)
    assert build_id is not None
    folder = build_path(content_index, build_id)
    with whoosh_index.open_dir(str(folder)).searcher() as built:
        readers = [leaf for leaf, _ in built.reader().leaf_readers()] + [leaf for leaf, _ in small.reader().leaf_readers()]
    assert all(isinstance(leaf._terms, W3TermsReader) for leaf in readers)
    assert all(is_whoosh3(leaf) for leaf in readers)


def test_w3_postings_file_layout_decodes_to_whooshs_own_postings(small: Searcher) -> None:
    """``W3TermsReader._postfile``, ``W3TermInfo.extent()`` and the block layout ``w3_blocks`` parses."""
    leaf = _first_leaf(small)
    terminfo = dict(field_terms(leaf, "body"))[b"common"]
    offset, length = terminfo.extent()
    length = length[0] if isinstance(length, tuple) else length  # from_bytes leaves struct's 1-tuple
    assert isinstance(offset, int) and isinstance(length, int)
    assert leaf._terms._postfile.get(offset, 4) == W3_MAGIC
    blocks = list(w3_blocks(leaf, terminfo))
    assert [count for _, _, count in blocks] == [128, 128, DOCS - 256]
    ids: list[int] = []
    weights: list[float] = []
    for deltas, block_weights, count in blocks:
        assert len(deltas) == count
        ids.extend(np.cumsum(deltas).tolist())  # ids are delta-coded, restarting in every block
        weights.extend([1.0] * count if block_weights is None else block_weights)
    assert (ids, weights) == _postings_one_by_one(leaf, "body", b"common")


def test_leaf_matcher_block_arrays_hold_every_posting(small: Searcher) -> None:
    """``W3LeafMatcher._ids``, ``_weights``, ``_read_ids``, ``_read_weights``, ``_next_block``."""
    leaf = _first_leaf(small)
    matcher = raw_matcher(leaf, "body", b"common")
    assert isinstance(matcher, W3LeafMatcher)
    assert matcher._ids is None and matcher._weights is None  # read lazily, hence the _read_* calls
    matcher._read_ids()
    matcher._read_weights()
    assert len(matcher._ids) == len(matcher._weights) == 128
    matcher._next_block()
    assert matcher.id() == 128  # the next block's first posting
    ids, weights = block_postings(leaf, "body", b"common")
    expected_ids, expected_weights = _postings_one_by_one(leaf, "body", b"common")
    assert ids.tolist() == expected_ids and weights.tolist() == expected_weights


def test_bm25f_field_b_is_the_b_whoosh_scores_each_field_with(small: Searcher) -> None:
    """``BM25F._field_B``: the ``title_B=`` values, which Whoosh's own scorer uses for that field."""
    assert WEIGHTING._field_B == {"title": 0.3}
    assert bm25f_field_b(WEIGHTING) == {"title": 0.3}
    assert (bm25f_b(WEIGHTING, "title"), bm25f_b(WEIGHTING, "body")) == (0.3, 0.75)
    reader = small.reader()
    avgfl = small.avg_field_length("title")
    idf = small.idf("title", "headset")
    matcher = Term("title", "headset").matcher(small)
    compared = 0
    while matcher.is_active():
        tf, length = matcher.weight(), reader.doc_field_length(matcher.id(), "title")
        b = bm25f_b(WEIGHTING, "title")
        assert matcher.score() == pytest.approx(idf * tf * 2.2 / (tf + 1.2 * (1 - b + b * length / avgfl)))
        compared += 1
        matcher.next()
    assert compared > 40


# ---------------------------------------------------------------- slow paths: same answers, counted


def _count(reason: str) -> float:
    return REGISTRY.get_sample_value("helpsvc_search_slow_path_total", {"reason": reason}) or 0.0


def test_every_slow_path_reason_is_in_metrics_from_the_start() -> None:
    text = metrics.render().decode("utf-8")
    for reason in SLOW_PATHS:
        assert f'helpsvc_search_slow_path_total{{reason="{reason}"}}' in text


def test_a_codec_without_block_arrays_scores_the_same_and_is_counted(tmp_path: Path) -> None:
    ix = whoosh_index.create_in(str(tmp_path), Schema(key=ID(stored=True), body=TEXT))
    writer = ix.writer(codec=PlainTextCodec())
    for n in range(40):
        writer.add_document(key=f"d{n}", body=" ".join(["common"] * (1 + n % 4) + [f"word{n % 3}"]))
    writer.commit()
    with ix.searcher(weighting=BM25F(B=0.75, K1=1.2)) as searcher:
        leaf = searcher.reader().leaf_readers()[0][0]
        assert not is_whoosh3(leaf)
        before = _count("internal_missing")
        docs, scores = ScoreCache(searcher).vector(Term("body", "common"))
        assert _count("internal_missing") == before + 1
        assert docs.tolist() == list(range(40))
        idf, avgfl = searcher.idf("body", "common"), searcher.avg_field_length("body")
        expected = []
        for n in range(40):
            tf, length = 1 + n % 4, 2 + n % 4
            expected.append(idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * length / avgfl)))
        assert np.allclose(scores, expected, rtol=1e-6)


def test_other_weights_and_phrases_take_whooshs_matcher_and_are_counted(small: Searcher, tmp_path: Path) -> None:
    _write_small(tmp_path)
    with whoosh_index.open_dir(str(tmp_path)).searcher(weighting=TF_IDF()) as tf_idf:
        before = _count("not_bm25f")
        docs, scores = ScoreCache(tf_idf).vector(Term("body", "common"))
        assert _count("not_bm25f") == before + 1
        assert len(docs) == DOCS and scores.min() > 0  # the deleted document is not among them
    cache = ScoreCache(small)
    before = _count("phrase")
    docs, _ = cache.vector(Phrase("title", ["late", "headset"]))
    assert docs.tolist() == [DOCS]  # the one document of the second segment
    cache.vector(Phrase("title", ["late", "headset"]))  # cached: computed, and counted, once
    assert _count("phrase") == before + 1
    before = _count("internal_missing")
    cache.vector(Term("body", "common"))  # Whoosh 3 postings with BM25F: the fast path
    assert _count("internal_missing") == before


def test_a_build_without_impacts_is_counted_when_opened(tmp_path: Path, content_index: Path) -> None:
    old = tmp_path / "old"
    shutil.copytree(content_index, old)
    build_id = current_build_id(old)
    assert build_id is not None
    folder = build_path(old, build_id)
    shutil.rmtree(folder / impacts.FOLDER)
    with whoosh_index.open_dir(str(folder)).searcher(weighting=BM25F(B=0.75, K1=1.2)) as searcher:
        before = _count("impacts_absent")
        assert impacts.Impacts.open(folder, searcher) is None
        assert _count("impacts_absent") == before + 1
