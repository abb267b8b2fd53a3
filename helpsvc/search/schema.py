"""The index's schema and folder layout: fields, analysers, build folders and the CURRENT pointer.

Both halves of search read these: ``build`` writes builds in this shape and the
searcher opens them. Imports nothing else of ours.
"""

from __future__ import annotations

import functools
import os
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from whoosh.analysis import CharsetFilter, LanguageAnalyzer, StandardAnalyzer, StemmingAnalyzer
from whoosh.analysis.analyzers import Analyzer
from whoosh.fields import BOOLEAN, ID, KEYWORD, TEXT, Schema
from whoosh.lang import has_stemmer
from whoosh.support.charset import accent_map

CURRENT = "CURRENT"
BUILDS = "builds"
KEEP_BUILDS = 3
# Bump when the schema or the build's files change: an update is then a full build.
SCHEMA_VERSION = 6

# Each language a build analyses gets its own text fields ("title", "title_de",
# "title_fr"...), analysed the way that language is written: a German query is
# stemmed as German, a French one as French. A build analyses English and every
# language of the locales it is made for that Whoosh can stem; a locale whose
# language it cannot stem is indexed and searched with the English analysis.
ENGLISH = "en"
TEXT_FIELDS = ("title", "terms", "body")
FIELD_BOOSTS = {"title": 3.0, "terms": 1.5, "body": 1.0}
# Whoosh-Reloaded's default token pattern counts "*" as a word character; ours
# does not, so "**Delete**" (Markdown bold) is the word "delete".
WORD_PATTERN = r"\w+(?:\.?\w+)*"


class IndexBuildError(Exception):
    """An index build could not be made or opened."""


def _base(locale: str) -> str:
    return locale.split("-", 1)[0].lower()


def stemmed_languages(locales: Iterable[str]) -> tuple[str, ...]:
    """The languages a build for these locales analyses: English, then each locale's
    language Whoosh has a stemmer for, in the locales' order."""
    return tuple(dict.fromkeys([ENGLISH, *(_base(loc) for loc in locales if has_stemmer(_base(loc)))]))


def language_of(locale: str, languages: Iterable[str] | None = None) -> str:
    """The analysis a locale's articles and queries get: its language where ``languages``
    (a build's, see ``languages_of``) holds it, else English. Without ``languages``, the
    one a build offering the locale would use."""
    lang = _base(locale)
    known = has_stemmer(lang) if languages is None else lang in languages
    return lang if known else ENGLISH


def field_suffix(lang: str) -> str:
    """What a language's text fields are named with: "" for English, "_de" for German."""
    return "" if lang == ENGLISH else f"_{lang}"


def scored_fields(languages: Iterable[str]) -> list[str]:
    """The fields search scores words in, for these languages: their impacts are computed with each build."""
    return [name + field_suffix(lang) for lang in languages for name in TEXT_FIELDS]


def languages_of(schema: Schema) -> tuple[str, ...]:
    """The languages a build analyses, read from its fields: the query side asks only for these."""
    names = set(schema.names())
    found = [ENGLISH] if "title" in names else []
    found += sorted(name.split("_", 1)[1] for name in names if name.startswith("title_"))
    return tuple(found)


@functools.lru_cache(maxsize=None)
def analyzer_for(lang: str) -> Analyzer:
    if lang == ENGLISH:
        return StemmingAnalyzer(expression=WORD_PATTERN)
    # Readers often type without accents ("ecran", "reunion"): stems are folded to plain
    # letters, as German's stemmer already folds umlauts. Folding after stemming leaves the
    # stemmer the real word, whose accented endings ("-ée") it knows how to take off.
    return LanguageAnalyzer(lang, expression=WORD_PATTERN) | CharsetFilter(accent_map)


@functools.lru_cache(maxsize=None)
def words_analyzer() -> Analyzer:
    """Lower-cased, unstemmed words: the vocabulary for corrections and completions."""
    return StandardAnalyzer(expression=WORD_PATTERN, stoplist=None, minsize=2)


def make_schema(languages: Iterable[str] = (ENGLISH,)) -> Schema:
    """A build's fields: the shared ones, and title, terms and body for each language."""
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
    for lang in dict.fromkeys([ENGLISH, *languages]):
        analyzer = analyzer_for(lang)
        for name in TEXT_FIELDS:
            fields[name + field_suffix(lang)] = TEXT(
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
