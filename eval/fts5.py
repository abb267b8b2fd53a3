"""The SQLite FTS5 BM25 baseline that `make eval` and `make bench` both measure against.

One table (title, body) with the porter tokenizer, ranked by bm25() with the
title weighted as our title field is. NOINDEX articles are indexed (so term
statistics match ours, which indexes them too) and filtered out at query
time, as our search does. The reader's words become an OR of quoted terms, so
no text can be read as FTS5 syntax.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterable

WEIGHTS = (3.0, 1.0)  # bm25() weights for (title, body); our title field boost is 3.0


class Fts5Baseline:
    def __init__(self, rows: Iterable[tuple[str, str, str, bool]], weights: tuple[float, float] = WEIGHTS) -> None:
        """rows: (title, body text, path, noindex) per article."""
        started = time.perf_counter()
        self.db = sqlite3.connect(":memory:")
        self.db.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(title, body, path UNINDEXED, noindex UNINDEXED, "
            "tokenize='porter unicode61')"
        )
        self.db.executemany(
            "INSERT INTO docs(title, body, path, noindex) VALUES (?, ?, ?, ?)",
            ((title, body, path, int(noindex)) for title, body, path, noindex in rows),
        )
        self.db.commit()
        self.weights = weights
        self.sql = (
            "SELECT path FROM docs WHERE docs MATCH ? AND noindex = 0 "
            f"ORDER BY bm25(docs, {weights[0]}, {weights[1]}) LIMIT ?"
        )
        self.seconds = time.perf_counter() - started

    @staticmethod
    def match_expression(text: str) -> str | None:
        words = list(dict.fromkeys(w.lower() for w in re.findall(r"\w+", text)))
        if not words:
            return None
        return " OR ".join('"' + w.replace('"', '""') + '"' for w in words)

    def search(self, text: str, limit: int = 10) -> list[str]:
        """Paths of the best matches, best first; text is cut to the 1,000 characters our search reads."""
        expr = self.match_expression(" ".join(text.split())[:1000])
        if expr is None:
            return []
        return [row[0] for row in self.db.execute(self.sql, (expr, limit))]

    def close(self) -> None:
        self.db.close()
