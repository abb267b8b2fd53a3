"""The document store: snippet passages chosen from the word index as from the full passage list."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from helpsvc.docstore import FILENAME, DocStore, Passage, Passages, best_passages, word_index
from helpsvc.index import analyzer_for, build_path, current_build_id


def _generic(passages: list[Passage], terms: set[str], top: int = 2) -> list[Passage]:
    """best_passages over plain passages, the way builds before the word index are read."""
    return best_passages(list(passages), terms, top)


WORDS = st.sampled_from(["sign", "meet", "call", "audio", "set", "a.b", "x1", "lobbi", "ä"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(WORDS, max_size=5), min_size=1, max_size=12), st.sets(WORDS, max_size=4),
       st.integers(min_value=1, max_value=3))
def test_the_word_index_chooses_what_the_passage_list_chooses(words: list[list[str]], terms: set[str], top: int) -> None:
    texts = [f"passage {n}: {' '.join(w)}" for n, w in enumerate(words)]
    stored = Passages("\n".join(texts), word_index([sorted(set(w)) for w in words]))
    plain = [Passage(t, frozenset(w)) for t, w in zip(texts, words)]
    assert [p.text for p in stored.best(terms, top)] == [p.text for p in _generic(plain, terms, top)]
    assert list(stored) == plain  # iterating decodes each passage's words
    assert stored[-1] == plain[-1] and stored[1:3] == plain[1:3]


def test_every_document_of_a_build_chooses_the_same_passages(content_index: Path) -> None:
    build_id = current_build_id(content_index)
    assert build_id is not None
    store = DocStore(build_path(content_index, build_id))
    keys = [key for (key,) in store._conn.execute("SELECT key FROM docs")]
    queries = [{"sign", "in"}, {"meet", "lobbi"}, {"audio", "devic", "set"}, {"voicemail"}, {"besprechung"}, set()]
    for key in keys:
        stored = store.passages(key)
        assert isinstance(stored, Passages) and len(stored) > 0
        plain = [Passage(p.text, p.terms) for p in stored]
        for terms in queries:
            assert best_passages(stored, terms) == _generic(plain, terms), (key, terms)
    store.close()


def test_a_store_written_before_the_word_index_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / FILENAME
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE docs (key TEXT PRIMARY KEY, html TEXT NOT NULL, passages TEXT NOT NULL, signature BLOB NOT NULL)")
    analyzer = analyzer_for("en")
    rows = [[p, sorted({t.text for t in analyzer(p)})] for p in ["Sign in to the app.", "Meetings have a lobby."]]
    conn.execute("INSERT INTO docs VALUES (?, ?, ?, ?)", ("en-US/a", "<p>A</p>", json.dumps(rows), np.zeros(4, np.uint64).tobytes()))
    conn.commit()
    conn.close()
    store = DocStore(tmp_path)
    passages = store.passages("en-US/a")
    assert [p.text for p in best_passages(passages, {"lobbi"})] == ["Meetings have a lobby."]
    assert store.html("en-US/a") == "<p>A</p>" and store.passages("en-US/missing") == []
    store.close()
