"""Per-build storage of what pages show: rendered HTML and snippet passages.

Whoosh's stored fields load a document's fields all at once, so keeping the
HTML there made every search hit pay for reading a whole article. Instead each
build folder has ``docs.sqlite``: the HTML for article pages and the text cut
into passages, each with its analysed terms, so a snippet is chosen by set
overlap and only the chosen passages are highlighted.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from whoosh.analysis.analyzers import Analyzer

FILENAME = "docs.sqlite"
MAX_PASSAGES = 200
MAX_PASSAGE_CHARS = 320
_SENTENCE_RE = re.compile(r"(?<=[.!?:])\s+(?=[A-Z0-9\"'(])")


def passages_of(text: str) -> list[str]:
    """Lines, and long lines cut at sentence ends, each at most a few hundred characters."""
    found: list[str] = []
    for line in text.splitlines():
        line = " ".join(line.split())
        if not line:
            continue
        for sentence in _SENTENCE_RE.split(line) if len(line) > MAX_PASSAGE_CHARS else [line]:
            while sentence:
                # Cut long sentences between words, never inside one.
                cut = len(sentence) if len(sentence) <= MAX_PASSAGE_CHARS else sentence.rfind(" ", 0, MAX_PASSAGE_CHARS)
                cut = cut if cut > 0 else MAX_PASSAGE_CHARS
                found.append(sentence[:cut])
                sentence = sentence[cut:].lstrip()
            if len(found) >= MAX_PASSAGES:
                return found
    return found


@dataclass(frozen=True)
class Passage:
    text: str
    terms: frozenset[str]


class DocStoreWriter:
    """Writes a build's documents; opens an existing file to update a copied build."""

    def __init__(self, folder: Path) -> None:
        path = folder / FILENAME
        existed = path.exists()
        self.conn = sqlite3.connect(path)
        if not existed:
            self.conn.execute(
                "CREATE TABLE docs (key TEXT PRIMARY KEY, html TEXT NOT NULL, passages TEXT NOT NULL, signature BLOB NOT NULL)"
            )

    def add(self, key: str, html: str, text: str, analyzer: Analyzer, signature: np.ndarray) -> None:
        rows = [[p, sorted({t.text for t in analyzer(p)})] for p in passages_of(text)]
        self.conn.execute(
            "INSERT OR REPLACE INTO docs VALUES (?, ?, ?, ?)",
            (key, html, json.dumps(rows, ensure_ascii=False), signature.astype(np.uint64).tobytes()),
        )

    def remove(self, key: str) -> None:
        self.conn.execute("DELETE FROM docs WHERE key = ?", (key,))

    def signatures(self) -> dict[str, np.ndarray]:
        return {key: np.frombuffer(blob, dtype=np.uint64) for key, blob in self.conn.execute("SELECT key, signature FROM docs")}

    def close(self) -> None:
        self.conn.commit()
        self.conn.close()


class DocStore:
    """Read-only access to one build's documents; safe to share between threads."""

    def __init__(self, folder: Path) -> None:
        path = folder / FILENAME
        if not path.is_file():
            raise FileNotFoundError(f"{path} is missing")
        self._conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        self._lock = threading.Lock()

    def html(self, key: str) -> str:
        with self._lock:
            row = self._conn.execute("SELECT html FROM docs WHERE key = ?", (key,)).fetchone()
        return row[0] if row else ""

    def passages(self, key: str) -> list[Passage]:
        with self._lock:
            row = self._conn.execute("SELECT passages FROM docs WHERE key = ?", (key,)).fetchone()
        return [Passage(text, frozenset(terms)) for text, terms in json.loads(row[0])] if row else []

    def close(self) -> None:
        self._conn.close()


def best_passages(passages: list[Passage], terms: set[str], top: int = 2) -> list[Passage]:
    """The passages matching the most distinct query terms, in document order."""
    scored = [(len(p.terms & terms), -i, p) for i, p in enumerate(passages)]
    chosen = sorted((s for s in scored if s[0] > 0), key=lambda s: (s[0], s[1]), reverse=True)[:top]
    return [p for _, _, p in sorted(chosen, key=lambda s: -s[1])]
