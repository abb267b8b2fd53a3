"""The Whoosh index: its schema, atomic builds, and the CURRENT pointer.

A build is a self-contained folder ``<index_dir>/builds/<build-id>/`` holding the
Whoosh files, ``catalog.json`` (article metadata for listings and lookups) and
``build.json`` (what was built, when, and what was skipped). Only after a build
is complete and has been opened successfully does ``CURRENT`` switch to it, with
an atomic rename, so no reader ever sees a half-built index.
"""

from __future__ import annotations

import functools
import json
import os
import secrets
import shutil
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.analysis import LanguageAnalyzer, StandardAnalyzer, StemmingAnalyzer
from whoosh.analysis.analyzers import Analyzer
from whoosh.fields import BOOLEAN, ID, KEYWORD, TEXT, Schema

from .content import Article, LinkResolver, Rendered, Skipped, load_collection, render
from .docstore import DocStore, DocStoreWriter
from .similarity import near_duplicate_groups

CURRENT = "CURRENT"
BUILDS = "builds"
KEEP_BUILDS = 3

# Each supported language gets its own text fields, analysed the way that
# language is written: a German query is stemmed as German, an English one as
# English. Other locales are indexed with the English analysis.
LANGUAGES: dict[str, str] = {"en": "", "de": "_de"}
TEXT_FIELDS = ("title", "terms", "body")
FIELD_BOOSTS = {"title": 3.0, "terms": 1.5, "body": 1.0}
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


@dataclass
class BuildReport:
    build_id: str
    indexed: int
    searchable: int
    skipped: list[dict[str, str]]
    seconds: float
    content_dir: str
    created: str
    locales: dict[str, int] = field(default_factory=dict)


def _new_build_id() -> str:
    # Sortable by creation time (to the microsecond), so pruning keeps the newest.
    now = time.time()
    return f"{time.strftime('%Y%m%dT%H%M%S', time.gmtime(now))}.{int(now * 1e6) % 1_000_000:06d}-{secrets.token_hex(2)}"


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


def _document(article: Article, resolver: LinkResolver) -> tuple[dict[str, Any], dict[str, Any], Rendered]:
    rendered = render(article, resolver)
    suffix = LANGUAGES[language_of(article.locale)]
    heading_text = " ".join(h.text for h in rendered.headings)
    terms = " ".join([*article.keywords, article.summary, heading_text])
    doc = {
        "key": article.key,
        "id": article.id,
        "path": article.path,
        "locale": article.locale,
        "product": article.product,
        "topics": ",".join(article.topics),
        "contexts": ",".join(article.contexts),
        "noindex": article.noindex,
        "words": " ".join([article.title, terms, rendered.text]),
        "title" + suffix: article.title,
        "terms" + suffix: terms,
        "body" + suffix: rendered.text,
    }
    entry = {
        "id": article.id,
        "locale": article.locale,
        "title": article.title,
        "summary": article.summary,
        "path": article.path,
        "product": article.product,
        "topics": article.topics,
        "contexts": article.contexts,
        "updated": article.updated,
        "revision": article.revision,
        "noindex": article.noindex,
        "headings": [asdict(h) for h in rendered.headings if h.level <= 3],
        "links": [resolver.target(article.path, href) for href, _ in rendered.links],
    }
    return doc, entry, rendered


ProgressFactory = Callable[[int, str], Any]


class _NoProgress:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def build_index(
    content_dir: Path,
    index_dir: Path,
    default_locale: str = "en-US",
    progress: ProgressFactory | None = None,
    switch: bool = True,
) -> BuildReport:
    """Builds a new index from every article under content_dir, then switches CURRENT to it."""
    started = time.monotonic()
    if not content_dir.is_dir():
        raise IndexBuildError(f"content folder {content_dir} does not exist")
    items = list(load_collection(content_dir, default_locale))
    articles = [a for a in items if isinstance(a, Article)]
    skipped = [{"path": s.path, "reason": s.reason} for s in items if isinstance(s, Skipped)]
    if not articles:
        raise IndexBuildError(f"no articles found under {content_dir}")
    resolver = LinkResolver.for_articles(articles, default_locale)

    index_dir.mkdir(parents=True, exist_ok=True)
    build_id = _new_build_id()
    target = build_path(index_dir, build_id)
    target.mkdir(parents=True)
    try:
        ix = whoosh_index.create_in(str(target), make_schema())
        writer = ix.writer(limitmb=256)
        catalog: dict[str, dict[str, Any]] = {}
        bar = progress(len(articles), "indexing") if progress else _NoProgress()
        texts: dict[str, str] = {}
        docs = DocStoreWriter(target)
        for article in articles:
            doc, entry, rendered = _document(article, resolver)
            writer.add_document(**doc)
            docs.add(article.key, rendered.html, rendered.text, analyzer_for(language_of(article.locale)))
            catalog[article.key] = entry
            texts[article.key] = article.title + "\n" + rendered.text
            bar.update(1)
        bar.close()
        docs.close()
        writer.commit()
        groups = near_duplicate_groups(texts)
        for key, entry in catalog.items():
            entry["dup_group"] = groups.get(key)
        inbound = Counter(
            target_path for entry in catalog.values() for target_path in entry.pop("links") if target_path
        )
        for entry in catalog.values():
            entry["inlinks"] = inbound.get(entry["path"], 0)
        (target / "catalog.json").write_text(json.dumps(catalog, ensure_ascii=False), encoding="utf-8")
        report = BuildReport(
            build_id=build_id,
            indexed=len(articles),
            searchable=sum(1 for a in articles if not a.noindex),
            skipped=skipped,
            seconds=round(time.monotonic() - started, 2),
            content_dir=str(content_dir),
            created=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            locales=dict(Counter(a.locale for a in articles)),
        )
        (target / "build.json").write_text(json.dumps(asdict(report), indent=2), encoding="utf-8")
        verify_build(target, expected=len(articles))
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    if switch:
        switch_current(index_dir, build_id)
        prune_builds(index_dir)
    return report


def verify_build(folder: Path, expected: int | None = None) -> None:
    """Opens a build and checks it is whole; raises IndexBuildError if not."""
    try:
        ix = whoosh_index.open_dir(str(folder))
        with ix.searcher() as searcher:
            count = searcher.doc_count()
        json.loads((folder / "catalog.json").read_text(encoding="utf-8"))
        DocStore(folder).close()
    except Exception as exc:  # any failure to open means the build is unusable
        raise IndexBuildError(f"build {folder.name} cannot be opened: {exc}") from exc
    if expected is not None and count != expected:
        raise IndexBuildError(f"build {folder.name} has {count} articles, expected {expected}")


def prune_builds(index_dir: Path, keep: int = KEEP_BUILDS) -> list[str]:
    """Deletes old builds, keeping the newest few so servers still reading them are not cut off."""
    current = current_build_id(index_dir)
    builds_dir = index_dir / BUILDS
    if not builds_dir.is_dir():
        return []
    builds = sorted((p for p in builds_dir.iterdir() if p.is_dir()), key=lambda p: p.name, reverse=True)
    removed = []
    for folder in builds[keep:]:
        if folder.name != current:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder.name)
    return removed
