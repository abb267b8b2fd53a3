"""What writers curate beside the articles: synonyms and pinned answers, read at query time.

Both live in plain text files under the content folder, one file per locale:

- ``synonyms/<locale>.txt``: one group per line, terms separated by `` = ``
  (``share screen = present desktop = screen sharing``). A term may be several words.
  A line ``sba != survivable branch appliance`` says two terms are *not* synonyms:
  search then leaves out an abbreviation it mined from the articles for that pair.
- ``pins/<locale>.txt``: ``query words => article-id`` per line: that article is shown first
  for that query (a "best bet").

Files are re-read when they change, so an edit takes effect without re-indexing.
"""

from __future__ import annotations

import os
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

_SPLIT_RE = re.compile(r"\s*=\s*")
_APART_RE = re.compile(r"\s*!=\s*")
_WORD_RE = re.compile(r"\w+(?:[.'’-]\w+)*", re.UNICODE)


def words(text: str) -> tuple[str, ...]:
    """Lower-cased words, the unit synonyms and pins match on."""
    return tuple(w.lower().replace("’", "'") for w in _WORD_RE.findall(text))


@dataclass(frozen=True)
class Expansion:
    matched: tuple[str, ...]  # the words of the query that matched a synonym term
    alternatives: tuple[tuple[str, ...], ...]  # the group's other terms, as word tuples


class Synonyms:
    """Synonym groups for one locale, matched longest-first on the query's words,
    and the pairs a writer said are not synonyms."""

    def __init__(self, groups: list[list[tuple[str, ...]]], apart: frozenset[frozenset[tuple[str, ...]]] = frozenset()) -> None:
        self.groups = groups
        self.apart = apart
        self._index: dict[tuple[str, ...], int] = {}
        for number, group in enumerate(groups):
            for term in group:
                self._index.setdefault(term, number)
        self.longest = max((len(t) for t in self._index), default=0)

    @classmethod
    def parse(cls, text: str) -> "Synonyms":
        groups = []
        apart = set()
        for line in text.splitlines():
            line = line.split("#", 1)[0].strip()
            if "!=" in line:
                pair = frozenset(t for t in (words(part) for part in _APART_RE.split(line, maxsplit=1)) if t)
                if len(pair) == 2:
                    apart.add(pair)
                continue
            if "=" not in line:
                continue
            terms = [words(part) for part in _SPLIT_RE.split(line)]
            terms = list(dict.fromkeys(t for t in terms if t))
            if len(terms) >= 2:
                groups.append(terms)
        return cls(groups, frozenset(apart))

    def keeps_apart(self, first: tuple[str, ...], second: tuple[str, ...]) -> bool:
        return frozenset((first, second)) in self.apart

    def expand(self, query: str) -> list[Expansion]:
        tokens = words(query)
        found: list[Expansion] = []
        i = 0
        while i < len(tokens):
            for size in range(min(self.longest, len(tokens) - i), 0, -1):
                span = tokens[i:i + size]
                group = self._index.get(span)
                if group is not None:
                    others = tuple(t for t in self.groups[group] if t != span)
                    found.append(Expansion(span, others))
                    i += size
                    break
            else:
                i += 1
        return found


class Pins:
    """Pinned answers: an exact (normalised) query mapped to the article to show first."""

    def __init__(self, pins: dict[tuple[str, ...], str]) -> None:
        self.pins = pins

    @classmethod
    def parse(cls, text: str) -> "Pins":
        pins: dict[tuple[str, ...], str] = {}
        for line in text.splitlines():
            line = line.split("#", 1)[0].strip()
            if "=>" not in line:
                continue
            query, _, article_id = line.partition("=>")
            key = words(query)
            if key and article_id.strip():
                pins[key] = article_id.strip()
        return cls(pins)

    def lookup(self, query: str) -> str | None:
        return self.pins.get(words(query))


def read_synonyms(path: Path) -> Synonyms:
    try:
        return Synonyms.parse(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Synonyms([])


def synonym_terms(path: Path) -> list[set[str]]:
    """The groups of a synonym file as sets of normalised terms ("sign in"), for comparing with queries."""
    return [{" ".join(term) for term in group} for group in read_synonyms(path).groups]


def add_synonym_group(path: Path, terms: list[str], comment: str = "") -> None:
    """Appends a group to a synonym file (a writer accepting a suggested synonym); raises OSError."""
    _append(path, " = ", terms, comment)


def add_apart_pair(path: Path, first: str, second: str, comment: str = "") -> None:
    """Appends ``first != second`` to a synonym file (a writer rejecting a mined abbreviation); raises OSError."""
    _append(path, " != ", [first, second], comment)


def _append(path: Path, joiner: str, terms: list[str], comment: str) -> None:
    clean = [" ".join(words(t)) for t in terms]
    clean = [t for t in dict.fromkeys(clean) if t]
    if len(clean) < 2:
        raise ValueError("a synonym line needs at least two different terms")
    path.parent.mkdir(parents=True, exist_ok=True)
    needs_newline = path.exists() and path.stat().st_size > 0 and not path.read_bytes().endswith(b"\n")
    lines = ["\n" if needs_newline else "", f"# {comment}\n" if comment else "", joiner.join(clean) + "\n"]
    with path.open("a", encoding="utf-8") as handle:
        handle.write("".join(lines))
        handle.flush()
        os.fsync(handle.fileno())


class Curation:
    """Per-locale synonyms and pins from a content folder, reloaded when a file changes."""

    def __init__(self, content_dir: Path | None, check_seconds: float = 1.0) -> None:
        self.content_dir = content_dir
        self.check_seconds = check_seconds
        self._cache: dict[tuple[str, str], tuple[float, float, object]] = {}
        self._lock = threading.Lock()

    def _load(self, kind: str, locale: str, parser: type) -> object:
        key = (kind, locale)
        now = time.monotonic()
        cached = self._cache.get(key)
        if cached and now - cached[0] < self.check_seconds:
            return cached[2]
        path = self.content_dir / kind / f"{locale}.txt" if self.content_dir else None
        try:
            mtime = os.stat(path).st_mtime if path else -1.0
        except OSError:
            mtime = -1.0
        if cached and cached[1] == mtime:
            value = cached[2]
        elif mtime < 0 or path is None:
            value = parser.parse("")
        else:
            value = parser.parse(path.read_text(encoding="utf-8", errors="replace"))
        with self._lock:
            self._cache[key] = (now, mtime, value)
        return value

    def version(self, locales: list[str]) -> tuple[float, ...]:
        """Changes whenever a synonym or pin file of these locales changes."""
        stamps = []
        for locale in locales:
            for kind, parser in (("synonyms", Synonyms), ("pins", Pins)):
                self._load(kind, locale, parser)
                stamps.append(self._cache[(kind, locale)][1])
        return tuple(stamps)

    def synonyms(self, locale: str) -> Synonyms:
        return self._load("synonyms", locale, Synonyms)  # type: ignore[return-value]

    def pins(self, locale: str) -> Pins:
        return self._load("pins", locale, Pins)  # type: ignore[return-value]
