"""Precomputed impacts: every word's scores equal what ScoreCache computes from the postings."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import copy_content
from whoosh.query import Term

from helpsvc.search import impacts
from helpsvc.search import build_index, build_path, current_build_id, languages_of, scored_fields
from helpsvc.search.scoring import ScoreCache
from helpsvc.search import SearchService


def _folder(index_dir: Path) -> Path:
    build_id = current_build_id(index_dir)
    assert build_id is not None
    return build_path(index_dir, build_id)


def _every_word(cache: ScoreCache) -> list[tuple[str, str]]:
    reader = cache.searcher.reader()
    fields = scored_fields(languages_of(cache.searcher.schema))
    return [(field, text.decode("utf-8")) for field in fields for text in reader.lexicon(field)]


def _assert_same_as_postings(cache: ScoreCache, step: int = 1) -> int:
    """Every word of every scored field (or every step-th): the mapped vector is the computed one, exactly."""
    assert cache.impacts is not None
    words = _every_word(cache)[::step]
    for field, text in words:
        found = cache.impacts.vector(field, text.encode("utf-8"))
        assert found is not None, (field, text)
        docs, scores = cache._bm25_vector(field, text)
        assert np.array_equal(found[0], docs), (field, text)
        assert np.array_equal(found[1], scores), (field, text)
    return len(words)


def test_every_words_impacts_equal_the_scores_computed_from_postings(content_index: Path) -> None:
    cache = SearchService(content_index).state().scores
    assert _assert_same_as_postings(cache) > 1000
    # And Whoosh's own matcher agrees, within float32 rounding, for a sample of words.
    for field, text in _every_word(cache)[::97]:
        docs, scores = cache.vector(Term(field, text))
        slow_docs, slow_scores = cache._matcher_vector(Term(field, text))
        assert list(docs) == list(slow_docs)
        assert np.allclose(scores, slow_scores, rtol=1e-6), (field, text)


def test_unknown_words_and_unscored_fields(content_index: Path) -> None:
    cache = SearchService(content_index).state().scores
    assert cache.impacts is not None
    docs, scores = cache.impacts.vector("body", b"zzqnosuchword")
    assert len(docs) == len(scores) == 0
    assert cache.impacts.vector("words", b"meeting") is None  # not scored: the caller computes it
    assert len(cache.vector(Term("words", "meeting"))[0]) > 0


def test_an_update_rescores_everything_but_reads_only_the_new_segment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = copy_content(tmp_path / "content")
    build_index(content, tmp_path / "ix")
    extracted: list[str] = []
    original = impacts.extract_segment

    def counting(leaf, fields, advance=None):  # type: ignore[no-untyped-def]
        extracted.append(leaf.segment().segment_id())
        return original(leaf, fields, advance)

    monkeypatch.setattr(impacts, "extract_segment", counting)
    page = content / "en-US" / "calls-make.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nThe quorbly headset is new.\n", encoding="utf-8")
    build_index(content, tmp_path / "ix")
    state = SearchService(tmp_path / "ix").state()
    reader = state.searcher.reader()
    leaves = list(reader.leaf_readers())
    assert len(leaves) == 2 and reader.has_deletions()  # the case reuse must get right
    assert extracted == [leaves[1][0].segment().segment_id()]  # the first segment came from its cache
    assert _assert_same_as_postings(state.scores) > 1000
    assert [h.id for h in SearchService(tmp_path / "ix").search("quorbly").hits] == ["calls-make"]


def test_caches_of_merged_segments_are_dropped(tmp_path: Path) -> None:
    content = copy_content(tmp_path / "content")
    build_index(content, tmp_path / "ix")
    page = content / "en-US" / "calls-make.md"
    for n in range(4):
        page.write_text(page.read_text(encoding="utf-8") + f"\nEdit number {n}.\n", encoding="utf-8")
        build_index(content, tmp_path / "ix")
    folder = _folder(tmp_path / "ix")
    state = SearchService(tmp_path / "ix").state()
    live = {leaf.segment().segment_id() for leaf, _ in state.searcher.reader().leaf_readers()}
    cached = {p.name.removeprefix("segment-").removesuffix(".npz") for p in (folder / impacts.FOLDER).glob("segment-*.npz")}
    assert cached == live
    _assert_same_as_postings(state.scores)


def test_words_sharing_a_hash_are_told_apart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A hash with three values: thousands of keys collide, and lookups must still be exact.
    monkeypatch.setattr(impacts, "hash_of", lambda key: len(key) % 3)
    content = copy_content(tmp_path / "content")
    build_index(content, tmp_path / "ix")
    page = content / "en-US" / "calls-make.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nThe quorbly headset is new.\n", encoding="utf-8")
    build_index(content, tmp_path / "ix")  # two segments: keys repeated across them, and colliding
    cache = SearchService(tmp_path / "ix").state().scores
    assert _assert_same_as_postings(cache, step=7) > 100
    assert cache.impacts is not None and len(cache.impacts.vector("body", b"zzqnosuchword")[0]) == 0  # type: ignore[index]


def test_a_build_without_impacts_ranks_the_same(tmp_path: Path, content_index: Path) -> None:
    old = tmp_path / "old"
    shutil.copytree(content_index, old)
    shutil.rmtree(_folder(old) / impacts.FOLDER)  # as a build made before impacts existed
    without, with_ = SearchService(old), SearchService(content_index)
    assert without.state().scores.impacts is None and with_.state().scores.impacts is not None
    for query in ["sign in error", "meeting lobby", "voicemail", "besprechung planen", "headset audio settings"]:
        assert [(h.id, round(h.score, 4)) for h in without.search(query).hits] == \
            [(h.id, round(h.score, 4)) for h in with_.search(query).hits], query


def test_impacts_are_not_used_with_other_weights_or_other_segments(tmp_path: Path, content_index: Path) -> None:
    from whoosh import index as whoosh_index
    from whoosh.scoring import BM25F

    folder = _folder(content_index)
    ix = whoosh_index.open_dir(str(folder))
    with ix.searcher(weighting=BM25F(B=0.5, K1=1.2)) as searcher:
        assert impacts.Impacts.open(folder, searcher) is None
    # Impacts copied next to another build's segments are refused too.
    other = tmp_path / "other"
    build_index(copy_content(tmp_path / "content"), other)
    other_folder = _folder(other)
    shutil.rmtree(other_folder / impacts.FOLDER)
    shutil.copytree(folder / impacts.FOLDER, other_folder / impacts.FOLDER)
    assert SearchService(other).state().scores.impacts is None


def test_the_shared_corpus_impacts_match_for_sampled_words(tmp_path: Path) -> None:
    from conftest import shared_or_skip

    corpus = shared_or_skip("corpus")
    build_index(corpus, tmp_path / "ix")
    cache = SearchService(tmp_path / "ix").state().scores
    assert _assert_same_as_postings(cache, step=53) > 300  # words of every field were compared


def test_query_scores_follow_the_best_field_rule(content_index: Path) -> None:
    """Each word: its best field's score plus `tiebreak` times the others' (each field's times its term's
    boost), times the word's boost; words add up."""
    from helpsvc.search.query import build_query

    service = SearchService(content_index)
    cache = service.state().scores
    reader = cache.searcher.reader()
    for text in ["sign in error", "meeting lobby audio", "headset", "besprechung planen", "voicemail greeting phone"]:
        query = build_query(text, ["en", "de"], reader).query
        assert query is not None
        expected = np.zeros(cache.size, dtype=np.float64)
        for word in query.subqueries:
            per_field = np.zeros((len(word.subqueries), cache.size))
            for row, sub in enumerate(word.subqueries):
                docs, values = cache.vector(sub)
                per_field[row, docs] = values * sub.boost
            best = per_field.max(axis=0)
            expected += (best + word.tiebreak * (per_field.sum(axis=0) - best)) * word.boost
        assert np.allclose(cache.scores(query), expected, rtol=1e-5, atol=1e-6), text


def test_document_frequencies_match_whoosh_for_every_word_and_unknown_words(content_index: Path) -> None:
    cache = SearchService(content_index).state().scores
    assert cache.impacts is not None
    reader = cache.searcher.reader()
    for field in ("body", "title"):
        words = [text for text in reader.lexicon(field)] + [b"zzqnosuchword"]
        found = cache.impacts.doc_frequencies(field, words)
        assert found is not None
        assert found.tolist() == [reader.doc_frequency(field, w.decode("utf-8")) for w in words]
    assert cache.impacts.doc_frequencies("words", [b"meeting"]) is None
