"""What each topic is called in each locale: ``topics/<locale>.txt`` beside the articles.

Articles name their topics by slug (``topics: [screen-sharing, meetings]``); a
topic's display name is content, kept with the articles and translated by the
same writers, one file per locale, one ``slug = Display name`` per line (``#``
starts a comment). A page shows the name in its own locale, else the default
locale's, else one made from the slug ("screen-sharing" is "Screen sharing").

The site re-reads the files when they change, as it does the synonym lists, so
renaming a topic needs no new index build; ``version`` changes with them, for
caches of pages that show names. A bundle reads them once, being a snapshot.
"""

from __future__ import annotations

import functools
import os
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

TOPICS_DIR = "topics"


def slug_name(topic: str) -> str:
    """The name a topic has without a file that names it: "screen-sharing" is "Screen sharing"."""
    return topic.replace("-", " ").capitalize()


def parse_names(text: str) -> dict[str, str]:
    """``slug = Display name`` lines as a slug -> name map; blank lines, comments and lines without ``=`` are skipped."""
    names: dict[str, str] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        slug, equals, name = line.partition("=")
        if equals and slug.strip() and name.strip():
            names[slug.strip()] = " ".join(name.split())
    return names


@dataclass(frozen=True)
class TopicNames:
    """Every locale's names for the topics; ``name`` falls back locale, default locale, slug."""

    names: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # locale -> slug -> name
    default_locale: str = "en-US"

    def name(self, topic: str, locale: str | None) -> str:
        for candidate in (locale, self.default_locale):
            named = self.names.get(candidate or "", {}).get(topic)
            if named:
                return named
        return slug_name(topic)

    def has_name(self, topic: str, locale: str) -> bool:
        return topic in self.names.get(locale, {})

    def listing(self, topics: Iterable[str], locale: str | None) -> list[dict[str, str]]:
        """Topics as ``{"topic": slug, "name": name}``, for a page and its JSON twin."""
        return [{"topic": t, "name": self.name(t, locale)} for t in topics]


def _files(content_dir: Path | None) -> dict[str, Path]:
    folder = content_dir / TOPICS_DIR if content_dir else None
    if folder is None or not folder.is_dir():
        return {}
    return {path.stem: path for path in sorted(folder.glob("*.txt")) if path.is_file()}


def read_topic_names(content_dir: Path | None, default_locale: str = "en-US") -> TopicNames:
    """All of ``content_dir/topics/*.txt`` as they are now; no folder means names made from slugs."""
    return TopicNames({locale: parse_names(path.read_text(encoding="utf-8", errors="replace"))
                       for locale, path in _files(content_dir).items()}, default_locale)


class TopicNamesReader:
    """The names of one content folder, read again when a file is added, changed or removed.

    The folder is looked at most once every ``check_seconds``, so a busy page
    costs a dictionary lookup, not a directory listing.
    """

    def __init__(self, content_dir: Path | None, default_locale: str = "en-US", check_seconds: float = 1.0) -> None:
        self.content_dir = content_dir
        self.default_locale = default_locale
        self.check_seconds = check_seconds
        self._lock = threading.Lock()
        self._checked = float("-inf")
        self._stamps: tuple[tuple[str, float, int], ...] | None = None
        self._names = TopicNames({}, default_locale)

    def _stat(self) -> tuple[tuple[str, float, int], ...]:
        stamps = []
        for locale, path in _files(self.content_dir).items():
            try:
                info = os.stat(path)
            except OSError:
                continue
            stamps.append((locale, info.st_mtime, info.st_size))
        return tuple(stamps)

    def current(self) -> TopicNames:
        now = time.monotonic()
        if now - self._checked < self.check_seconds:
            return self._names
        with self._lock:
            stamps = self._stat()
            if stamps != self._stamps:
                self._names = read_topic_names(self.content_dir, self.default_locale)
                self._stamps = stamps
            self._checked = now
            return self._names

    def version(self) -> tuple[tuple[str, float, int], ...]:
        """Changes whenever a topic file changes (part of the key of a cached page that shows names)."""
        self.current()
        return self._stamps or ()


@functools.lru_cache(maxsize=16)
def topic_names_reader(content_dir: Path | None, default_locale: str = "en-US", check_seconds: float = 1.0) -> TopicNamesReader:
    """One reader per content folder for the whole process, so every request shares its cache."""
    return TopicNamesReader(content_dir, default_locale, check_seconds)
