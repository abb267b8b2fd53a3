"""The index's schema and folder layout: fields, analysers, build folders and the CURRENT pointer.

Both halves of search read these: ``build`` writes builds in this shape and the
searcher opens them. Imports nothing else of ours.
"""

from __future__ import annotations

import functools
import os
import secrets
from pathlib import Path
from typing import Any

from whoosh.analysis import LanguageAnalyzer, StandardAnalyzer, StemmingAnalyzer
from whoosh.analysis.analyzers import Analyzer
from whoosh.fields import BOOLEAN, ID, KEYWORD, TEXT, Schema

CURRENT = "CURRENT"
BUILDS = "builds"
KEEP_BUILDS = 3
# Bump when the schema or the build's files change: an update is then a full build.
SCHEMA_VERSION = 5

# Each supported language gets its own text fields, analysed the way that
# language is written: a German query is stemmed as German, an English one as
# English. Other locales are indexed with the English analysis.
LANGUAGES: dict[str, str] = {"en": "", "de": "_de"}
TEXT_FIELDS = ("title", "terms", "body")
FIELD_BOOSTS = {"title": 3.0, "terms": 1.5, "body": 1.0}
# The fields search scores words in: their impacts are computed with each build.
SCORED_FIELDS = [name + suffix for suffix in LANGUAGES.values() for name in TEXT_FIELDS]
# Whoosh-Reloaded's default token pattern counts "*" as a word character; ours
# does not, so "**Delete**" (Markdown bold) is the word "delete".
WORD_PATTERN = r"\w+(?:\.?\w+)*"


class IndexBuildError(Exception):
    """An index build could not be made or opened."""


def language_of(locale: str) -> str:
    lang = locale.split("-", 1)[0].lower()
    return lang if lang in LANGUAGES else "en"


@functools.lru_cache(maxsize=None)
def analyzer_for(lang: str) -> Analyzer:
    if lang == "en":
        return StemmingAnalyzer(expression=WORD_PATTERN)
    return LanguageAnalyzer(lang, expression=WORD_PATTERN)


@functools.lru_cache(maxsize=None)
def words_analyzer() -> Analyzer:
    """Lower-cased, unstemmed words: the vocabulary for corrections and completions."""
    return StandardAnalyzer(expression=WORD_PATTERN, stoplist=None, minsize=2)


def make_schema() -> Schema:
    fields: dict[str, Any] = {
        "key": ID(stored=True, unique=True, sortable=True),
        "id": ID(stored=True),
        "path": ID(stored=True),
        "locale": ID(stored=True),
        "product": ID(stored=True),
        "topics": KEYWORD(stored=True, commas=True, lowercase=True),
        "contexts": KEYWORD(commas=True, lowercase=True),
        "noindex": BOOLEAN(stored=True),
        # Unstemmed words, for "Did you mean" and autocomplete.
        "words": TEXT(analyzer=words_analyzer(), phrase=False),
    }
    for lang, suffix in LANGUAGES.items():
        analyzer = analyzer_for(lang)
        for name in TEXT_FIELDS:
            fields[name + suffix] = TEXT(
                analyzer=analyzer,
                field_boost=FIELD_BOOSTS[name],
                phrase=name != "terms",
            )
    return Schema(**fields)


def current_build_id(index_dir: Path) -> str | None:
    try:
        value = (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return value or None


def build_path(index_dir: Path, build_id: str) -> Path:
    return index_dir / BUILDS / build_id


def switch_current(index_dir: Path, build_id: str) -> None:
    """Points CURRENT at a build with an atomic rename."""
    tmp = index_dir / f".{CURRENT}.{secrets.token_hex(4)}"
    tmp.write_text(build_id + "\n", encoding="utf-8")
    os.replace(tmp, index_dir / CURRENT)
