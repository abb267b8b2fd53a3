"""The two same-run baselines, built here from the same article text helpsvc indexes.

* ``NaiveWhoosh``: the textbook setup from the Whoosh docs. A schema of title,
  headings and body as ``TEXT()`` (the default analyzer: regex tokenizer,
  lower-case, stop words, no stemming), one ``writer()`` with default settings,
  and ``MultifieldParser(["title", "headings", "body"], schema, group=OrGroup)``
  on the raw user text, searched with Whoosh's default BM25F. ``group`` may be
  ``OrGroup.factory(0.9)`` to measure that trap.
* ``Fts5``: the SQLite FTS5 baseline of ``make eval`` (``eval/fts5.py``): one
  table (title, body) with ``tokenize='porter unicode61'``, ranked by ``bm25()``;
  the user's words become an OR of quoted terms, so both measurements compare
  against the same thing.

Neither is part of helpsvc: they exist only to give the figures a baseline.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import MultifieldParser, OrGroup

from corpus import REPO, Corpus

FIELDS = ["title", "headings", "body"]


class NaiveWhoosh:
    def __init__(self, folder: Path, group: Any = OrGroup) -> None:
        self.ix = whoosh_index.open_dir(str(folder))
        self.searcher = self.ix.searcher()
        self.parser = MultifieldParser(FIELDS, self.ix.schema, group=group)

    @staticmethod
    def build(corpus: Corpus, folder: Path) -> float:
        """Indexes every article (NOINDEX ones too, filtered at query time); returns seconds."""
        started = time.perf_counter()
        folder.mkdir(parents=True, exist_ok=True)
        schema = Schema(path=ID(stored=True), noindex=ID(stored=True), title=TEXT(), headings=TEXT(), body=TEXT())
        ix = whoosh_index.create_in(str(folder), schema)
        writer = ix.writer()
        for doc in corpus.docs:
            writer.add_document(path=doc.path, noindex="1" if doc.noindex else "0",
                                title=doc.title, headings=doc.headings, body=doc.body)
        writer.commit()
        return time.perf_counter() - started

    def search(self, text: str, limit: int = 10) -> list[str]:
        query = self.parser.parse(text)
        # NOINDEX articles must not be returned (helpsvc hides them too): fetch a few spare.
        results = self.searcher.search(query, limit=limit + 5)
        return [hit["path"] for hit in results if hit["noindex"] == "0"][:limit]

    def close(self) -> None:
        self.searcher.close()


class Fts5:
    """The same FTS5 baseline `make eval` uses (eval/fts5.py), over the bench corpus's text."""

    def __init__(self, corpus: Corpus) -> None:
        sys.path.insert(0, str(REPO / "eval"))
        try:
            from fts5 import Fts5Baseline  # type: ignore[import-not-found]
        finally:
            sys.path.remove(str(REPO / "eval"))
        self.base = Fts5Baseline((d.title, d.body, d.path, d.noindex) for d in corpus.docs)
        self.build_seconds = self.base.seconds

    def search(self, text: str, limit: int = 10) -> list[str]:
        return self.base.search(text, limit)

    def close(self) -> None:
        self.base.close()
