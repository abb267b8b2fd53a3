"""The document store: snippet passages chosen from the word index as from the full passage list."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from helpsvc.search.docstore import FILENAME, DocStore, Passage, Passages, best_passages, word_index
from helpsvc.search import analyzer_for, build_path, current_build_id


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


def _snippets(passages, terms: set[str], lang: str) -> list[tuple[str, str]]:
    """Each passage highlighted from its stored places and by stemming its words."""
    from helpsvc.search.query import make_snippet

    return [(make_snippet(p.text, terms, lang, p.spans(terms)), make_snippet(p.text, terms, lang)) for p in passages]


def test_stored_places_highlight_what_stemming_highlights(content_index: Path) -> None:
    from helpsvc.search import language_of

    build_id = current_build_id(content_index)
    assert build_id is not None
    store = DocStore(build_path(content_index, build_id))
    rows = list(store._conn.execute("SELECT key FROM docs"))
    catalog = json.loads((build_path(content_index, build_id) / "catalog.json").read_text(encoding="utf-8"))
    compared = marked = 0
    for (key,) in rows:
        lang = language_of(catalog[key]["locale"])
        stored = store.passages(key)
        vocabulary = sorted({term for p in stored for term in p.terms})
        for terms in ({"sign", "in"}, {"meet", "lobbi"}, {"besprechung", "teilnehm"}, set(vocabulary[::7][:4]), set(vocabulary[-3:])):
            for passage in stored:
                assert passage.spans(terms) is not None  # this build stored them
                from_places, from_stems = _snippets([passage], terms, lang)[0]
                assert from_places == from_stems, (key, terms, passage.text)
                compared += 1
                marked += '<mark class="hl">' in from_places
    store.close()
    assert compared > 500 and marked > 50  # the comparison covered real highlights


def test_an_update_of_an_older_build_stores_places_for_what_it_rereads(tmp_path: Path) -> None:
    """A build made before places were stored is still highlighted, and an update adds them where it re-reads."""
    from conftest import copy_content

    from helpsvc.search import build_index
    from helpsvc.search import SearchService

    content = copy_content(tmp_path / "content")
    index_dir = tmp_path / "ix"
    first = build_index(content, index_dir)
    folder = build_path(index_dir, first.build_id)
    # Make it look like a build from before: no places column.
    conn = sqlite3.connect(folder / FILENAME)
    conn.execute("ALTER TABLE passages DROP COLUMN spans")
    conn.commit()
    conn.close()
    old = SearchService(index_dir)
    old_hits = old.search("microphone").hits
    assert old_hits and any('<mark class="hl">' in h.snippet_html for h in old_hits)
    old.state().close()

    changed = next(p for p in sorted(content.rglob("*.md")) if "microphone" in p.read_text(encoding="utf-8").lower())
    changed.write_text(changed.read_text(encoding="utf-8") + "\nA microphone test tone plays for ten seconds.\n", encoding="utf-8")
    second = build_index(content, index_dir)
    assert second.build_id != first.build_id
    store = DocStore(build_path(index_dir, second.build_id))
    with_places = {key for key, spans in store._conn.execute("SELECT key, spans FROM passages") if spans is not None}
    without = {key for key, spans in store._conn.execute("SELECT key, spans FROM passages") if spans is None}
    assert len(with_places) == 1 and without  # only the re-read article has them
    for key in with_places | set(list(without)[:5]):
        lang = "de" if key.startswith("de-") else "en"
        for from_places, from_stems in _snippets(store.passages(key), {"microphon", "test", "mikrofon"}, lang):
            assert from_places == from_stems
    store.close()
    new = SearchService(index_dir)
    hits = new.search("microphone test tone").hits
    assert hits and "<mark" in hits[0].snippet_html
    new.state().close()
