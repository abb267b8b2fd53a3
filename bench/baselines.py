"""The two same-run baselines, built here from the same article text helpsvc indexes.

* ``NaiveWhoosh``: the textbook setup from the Whoosh docs. A schema of title,
  headings and body as ``TEXT()`` (the default analyzer: regex tokenizer,
  lower-case, stop words, no stemming), one ``writer()`` with default settings,
  and ``MultifieldParser(["title", "headings", "body"], schema, group=OrGroup)``
  on the raw user text, searched with Whoosh's default BM25F. ``group`` may be
  ``OrGroup.factory(0.9)`` to measure that trap.
* ``Fts5``: one SQLite FTS5 table (title, headings, body) with
  ``tokenize='porter unicode61'``, ranked by ``bm25()``; the user's words become
  an OR of quoted terms (an OR query, like the naive Whoosh one).

Neither is part of helpsvc: they exist only to give the figures a baseline.
"""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import MultifieldParser, OrGroup

from .corpus import Corpus

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
    def __init__(self, corpus: Corpus, weights: tuple[float, float, float] = (3.0, 1.5, 1.0)) -> None:
        started = time.perf_counter()
        self.db = sqlite3.connect(":memory:")
        self.db.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(title, headings, body, path UNINDEXED, noindex UNINDEXED, "
            "tokenize='porter unicode61')"
        )
        self.db.executemany(
            "INSERT INTO docs(title, headings, body, path, noindex) VALUES (?, ?, ?, ?, ?)",
            ((d.title, d.headings, d.body, d.path, int(d.noindex)) for d in corpus.docs),
        )
        self.db.commit()
        self.weights = weights
        self.sql = (
            "SELECT path FROM docs WHERE docs MATCH ? AND noindex = 0 "
            f"ORDER BY bm25(docs, {weights[0]}, {weights[1]}, {weights[2]}) LIMIT ?"
        )
        self.build_seconds = time.perf_counter() - started

    @staticmethod
    def match_expression(text: str) -> str | None:
        words = list(dict.fromkeys(w.lower() for w in re.findall(r"\w+", text)))
        if not words:
            return None
        return " OR ".join('"' + w.replace('"', '""') + '"' for w in words)

    def search(self, text: str, limit: int = 10) -> list[str]:
        expr = self.match_expression(text[:1000])
        if expr is None:
            return []
        return [row[0] for row in self.db.execute(self.sql, (expr, limit))]

    def close(self) -> None:
        self.db.close()
