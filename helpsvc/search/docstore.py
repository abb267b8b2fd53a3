"""Per-build storage of what pages show: rendered HTML and snippet passages.

Whoosh's stored fields load a document's fields all at once, so keeping the
HTML there made every search hit pay for reading a whole article. Instead each
build folder has ``docs.sqlite``: the HTML for article pages and the text cut
into passages with the analysed words in each, so a snippet is chosen by how
many query words a passage holds and only the chosen passages are highlighted.

A snippet is made for every hit shown, so choosing passages must be cheap: a
document's passages are stored as one text (one passage a line) beside a word
index, a line per word listing the passages that hold it. Choosing the best
two is then a few substring searches, with no parsing and no objects for the
passages not chosen. Builds made before the index existed keep their JSON rows
and are read as before.

Where each word sits in its passage is stored too (a line per passage), so
highlighting a chosen passage reads the query words' places instead of
cutting the passage into words and stemming each one. Builds made
before these places were stored, and articles an update has not re-read since,
are highlighted by stemming as before.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import overload

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


Span = tuple[int, int]


class Passage:
    """A passage's text and the analysed words in it, decoded only if they are asked for."""

    __slots__ = ("text", "_terms", "_decode", "_spans")

    def __init__(self, text: str, terms: frozenset[str] | None = None,
                 decode: Callable[[], frozenset[str]] | None = None,
                 spans: Callable[[set[str]], list[Span] | None] | None = None) -> None:
        self.text = text
        self._terms = terms
        self._decode = decode
        self._spans = spans

    def spans(self, terms: set[str]) -> list[Span] | None:
        """Where the passage's words that analyse to one of ``terms`` start and end, in order;
        None when the build stored no places for it (the caller finds them by stemming)."""
        return self._spans(terms) if self._spans is not None else None

    @property
    def terms(self) -> frozenset[str]:
        if self._terms is None:
            self._terms = self._decode() if self._decode is not None else frozenset()
        return self._terms

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Passage) and (self.text, self.terms) == (other.text, other.terms)

    def __hash__(self) -> int:
        return hash(self.text)

    def __repr__(self) -> str:
        return f"Passage({self.text!r})"


def word_index(passages: list[list[str]]) -> str:
    """A line per word, "word n n …", naming the passages that hold it; with a newline at both ends.

    Words are analyser tokens (letters, digits and inner dots, see index.WORD_PATTERN),
    never spaces or newlines, so "\nword " finds exactly one line.
    """
    holders: dict[str, list[str]] = {}
    for number, words in enumerate(passages):
        for word in words:
            holders.setdefault(word, []).append(str(number))
    return "\n" + "".join(f"{word} {' '.join(numbers)}\n" for word, numbers in sorted(holders.items()))


def span_lines(passages: list[list[tuple[str, int, int]]]) -> str:
    """A line per passage, " word:start-end,start-end word:…", giving where each word's tokens
    sit in it: a query word's places in a chosen passage are one short substring search away."""
    lines = []
    for tokens in passages:
        places: dict[str, list[str]] = {}
        for word, start, end in tokens:
            places.setdefault(word, []).append(f"{start}-{end}")
        lines.append("".join(f" {word}:{','.join(spans)}" for word, spans in sorted(places.items())))
    return "\n".join(lines)


class Passages(Sequence[Passage]):
    """One document's passages as stored: the texts, the word index and, when stored, the places."""

    def __init__(self, texts: str, words: str, spans: str | None = None) -> None:
        self._texts = texts.split("\n") if texts else []
        self._words = words
        self._places = spans
        self._place_lines: list[str] | None = None
        self._forward: list[frozenset[str]] | None = None

    def __len__(self) -> int:
        return len(self._texts)

    @overload
    def __getitem__(self, index: int) -> Passage: ...

    @overload
    def __getitem__(self, index: slice) -> list[Passage]: ...

    def __getitem__(self, index: int | slice) -> Passage | list[Passage]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        number = range(len(self))[index]  # negative indexes, and IndexError past the end
        spans = None if self._places is None else (lambda terms: self._spans_of(number, terms))
        return Passage(self._texts[number], decode=lambda: self._terms_of(number), spans=spans)

    def __iter__(self) -> Iterator[Passage]:
        return (self[i] for i in range(len(self)))

    def _spans_of(self, number: int, terms: set[str]) -> list[Span]:
        if self._place_lines is None:
            self._place_lines = (self._places or "").split("\n")
        line = self._place_lines[number] if number < len(self._place_lines) else ""
        found: list[Span] = []
        for term in terms:
            at = line.find(f" {term}:")
            if at < 0:
                continue
            stop = line.find(" ", at + 1)
            for pair in line[at + len(term) + 2: stop if stop >= 0 else len(line)].split(","):
                begin, _, end = pair.partition("-")
                found.append((int(begin), int(end)))
        found.sort()
        return found

    def best(self, terms: set[str], top: int = 2) -> list[Passage]:
        """What best_passages chooses, found by searching the word index as text."""
        words = self._words
        holders: list[str] = []
        for term in terms:
            at = words.find(f"\n{term} ")
            if at >= 0:
                holders.append(words[at + len(term) + 2: words.find("\n", at + 1)])
        if not holders:
            return []
        # How many of the words each passage holds; most first, then the earliest passage.
        counts = Counter(" ".join(holders).split(" "))
        chosen = sorted(counts.items(), key=lambda item: (-item[1], int(item[0])))[:top]
        return [self[number] for number in sorted(int(n) for n, _ in chosen)]

    def _terms_of(self, number: int) -> frozenset[str]:
        if self._forward is None:
            forward: list[set[str]] = [set() for _ in self._texts]
            for line in self._words.strip("\n").split("\n") if self._words.strip("\n") else []:
                word, *numbers = line.split(" ")
                for n in numbers:
                    forward[int(n)].add(word)
            self._forward = [frozenset(words) for words in forward]
        return self._forward[number]


class DocStoreWriter:
    """Writes a build's documents; opens an existing file to update a copied build."""

    def __init__(self, folder: Path) -> None:
        path = folder / FILENAME
        existed = path.exists()
        self.conn = sqlite3.connect(path)
        if not existed:
            self.conn.execute("CREATE TABLE docs (key TEXT PRIMARY KEY, html TEXT NOT NULL, signature BLOB NOT NULL)")
            self.conn.execute("CREATE TABLE passages (key TEXT PRIMARY KEY, texts TEXT NOT NULL, words TEXT NOT NULL, spans TEXT)")
        elif _has_column(self.conn, "passages", "words") and not _has_column(self.conn, "passages", "spans"):
            # A build copied from one made before places were stored: its other articles keep none.
            self.conn.execute("ALTER TABLE passages ADD COLUMN spans TEXT")

    def add(self, key: str, html: str, text: str, analyzer: Analyzer, signature: np.ndarray) -> None:
        texts = passages_of(text)
        tokens = [[(t.text, t.startchar, t.endchar) for t in analyzer(p, chars=True)] for p in texts]
        words = [sorted({word for word, _, _ in passage}) for passage in tokens]
        self.conn.execute(
            "INSERT OR REPLACE INTO docs VALUES (?, ?, ?)", (key, html, signature.astype(np.uint64).tobytes())
        )
        self.conn.execute(
            "INSERT OR REPLACE INTO passages (key, texts, words, spans) VALUES (?, ?, ?, ?)",
            (key, "\n".join(texts), word_index(words), span_lines(tokens)),
        )

    def remove(self, key: str) -> None:
        self.conn.execute("DELETE FROM docs WHERE key = ?", (key,))
        self.conn.execute("DELETE FROM passages WHERE key = ?", (key,))
        if self._has_related():
            self.conn.execute("DELETE FROM related WHERE key = ?", (key,))

    def _has_related(self) -> bool:
        return self.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'related'").fetchone() is not None

    def related(self) -> dict[str, tuple[str, ...]]:
        """Every stored related-articles list (empty for a build that has none yet)."""
        if not self._has_related():
            return {}
        return {key: tuple(keys.split("\n")) if keys else () for key, keys in self.conn.execute("SELECT key, keys FROM related")}

    def set_related(self, lists: dict[str, tuple[str, ...]]) -> None:
        self.conn.execute("CREATE TABLE IF NOT EXISTS related (key TEXT PRIMARY KEY, keys TEXT NOT NULL)")
        self.conn.executemany("INSERT OR REPLACE INTO related VALUES (?, ?)", [(k, "\n".join(v)) for k, v in lists.items()])

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
        tables = {name for (name,) in self._conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        self._indexed = "passages" in tables  # builds before the word index keep JSON in docs.passages
        self._has_related = "related" in tables  # builds before stored related lists compute them when asked
        # Builds made before places were stored highlight by stemming.
        self._passages_sql = (
            "SELECT texts, words, spans FROM passages WHERE key = ?" if self._indexed and _has_column(self._conn, "passages", "spans")
            else "SELECT texts, words, NULL FROM passages WHERE key = ?"
        )

    def html(self, key: str) -> str:
        with self._lock:
            row = self._conn.execute("SELECT html FROM docs WHERE key = ?", (key,)).fetchone()
        return row[0] if row else ""

    def passages(self, key: str) -> Sequence[Passage]:
        if self._indexed:
            with self._lock:
                row = self._conn.execute(self._passages_sql, (key,)).fetchone()
            return Passages(row[0], row[1], row[2]) if row else []
        with self._lock:
            row = self._conn.execute("SELECT passages FROM docs WHERE key = ?", (key,)).fetchone()
        return [Passage(text, frozenset(terms)) for text, terms in json.loads(row[0])] if row else []

    def cover(self, key: str, weights: dict[str, float]) -> float:
        """How much of a query's weight one passage of the document holds (see passage_cover);
        reads only the word index, not the passages' text."""
        if self._indexed:
            with self._lock:
                row = self._conn.execute("SELECT words FROM passages WHERE key = ?", (key,)).fetchone()
            return passage_cover(row[0], weights) if row else 0.0
        held = [sum(w for t, w in weights.items() if t in p.terms) for p in self.passages(key)]
        total = sum(weights.values())
        return max(held, default=0.0) / total if total > 0 else 0.0

    def related(self, key: str) -> tuple[str, ...] | None:
        """The related articles the build chose for this article, or None if it stored none."""
        if not self._has_related:
            return None
        with self._lock:
            row = self._conn.execute("SELECT keys FROM related WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        return tuple(row[0].split("\n")) if row[0] else ()

    def close(self) -> None:
        self._conn.close()


def _has_column(conn: sqlite3.Connection, table: str, column: str) -> bool:
    return any(row[1] == column for row in conn.execute(f"PRAGMA table_info({table})"))


def passage_cover(words: str, weights: dict[str, float]) -> float:
    """The share of a query's weight that one passage holds, from a document's word index
    (see word_index): the best passage's sum of its words' weights over the sum of them all,
    1.0 when one sentence holds every word."""
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    held: Counter[str] = Counter()
    for term, weight in weights.items():
        at = words.find(f"\n{term} ")
        if at >= 0:
            for number in set(words[at + len(term) + 2: words.find("\n", at + 1)].split(" ")):
                held[number] += weight
    return max(held.values(), default=0.0) / total


def best_passages(passages: Sequence[Passage], terms: set[str], top: int = 2) -> list[Passage]:
    """The passages matching the most distinct query terms, in document order."""
    if isinstance(passages, Passages):
        return passages.best(terms, top)
    scored = [(len(p.terms & terms), -i, p) for i, p in enumerate(passages)]
    chosen = sorted((s for s in scored if s[0] > 0), key=lambda s: (s[0], s[1]), reverse=True)[:top]
    return [p for _, _, p in sorted(chosen, key=lambda s: -s[1])]
