"""Index builds: reading the articles into a new build folder, then switching CURRENT to it.

A build is a self-contained folder ``<index_dir>/builds/<build-id>/`` holding the
Whoosh files, ``catalog.json`` (article metadata for listings and lookups),
``docs.sqlite`` (what pages and snippets show), ``impacts/`` (every word's
BM25F scores, see ``impacts.py``) and ``build.json`` (what was built, when, and
what was skipped). Only after a build
is complete and has been opened successfully does ``CURRENT`` switch to it, with
an atomic rename, so no reader ever sees a half-built index.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import tarfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from collections.abc import Iterable
from typing import Any

from whoosh import index as whoosh_index

from ..content.articles import LOCALE_RE, Article, ContentError, LinkResolver, Rendered, Skipped, iter_markdown_files, load_collection, parse_article, render
from ..progress import ProgressFactory, bar as progress_bar
from . import abbreviations
from .docstore import DocStore, DocStoreWriter
from .schema import (
    BUILDS,
    KEEP_BUILDS,
    SCHEMA_VERSION,
    IndexBuildError,
    analyzer_for,
    build_path,
    current_build_id,
    field_suffix,
    language_of,
    make_schema,
    scored_fields,
    stemmed_languages,
    switch_current,
)
from .impacts import FOLDER as IMPACTS_FOLDER, write_impacts
from .scoring import weighting
from .whoosh_internals import slow_path

log = logging.getLogger(__name__)

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
    languages: list[str] = field(default_factory=list)  # the languages its text fields are analysed in


def _new_build_id() -> str:
    # Sortable by creation time (to the microsecond), so pruning keeps the newest.
    now = time.time()
    return f"{time.strftime('%Y%m%dT%H%M%S', time.gmtime(now))}.{int(now * 1e6) % 1_000_000:06d}-{secrets.token_hex(2)}"


def _document(article: Article, resolver: LinkResolver, lang: str) -> tuple[dict[str, Any], dict[str, Any], Rendered]:
    rendered = render(article, resolver)
    suffix = field_suffix(lang)
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


def scan_sources(content_dir: Path) -> dict[str, str]:
    """A content hash for every article file: what changed since the last build, without parsing."""
    return {
        path.relative_to(content_dir).as_posix(): hashlib.sha1(path.read_bytes()).hexdigest()
        for path in iter_markdown_files(content_dir)
    }


def build_index(
    content_dir: Path,
    index_dir: Path,
    default_locale: str = "en-US",
    progress: ProgressFactory | None = None,
    switch: bool = True,
    incremental: bool = True,
    locales: Iterable[str] | None = None,
) -> BuildReport:
    """Builds a new index from content_dir, then switches CURRENT to it.

    When the current build was made from the same folder and only a few files
    changed, the new build starts as a copy of it and only those files are
    re-read; otherwise every article is read and indexed afresh.
    ``locales``: the locales the site offers, whose languages are analysed each
    in its own way (see ``schema.stemmed_languages``); by default the locales
    the content's folders are named after.
    """
    started = time.monotonic()
    if not content_dir.is_dir():
        raise IndexBuildError(f"content folder {content_dir} does not exist")
    sources = scan_sources(content_dir)
    if locales is None:
        locales = [default_locale, *sorted({p.split("/", 1)[0] for p in sources if "/" in p})]
    languages = stemmed_languages(loc for loc in locales if LOCALE_RE.match(loc))
    index_dir.mkdir(parents=True, exist_ok=True)
    build_id = _new_build_id()
    target = build_path(index_dir, build_id)
    previous = _previous_build(index_dir, content_dir, languages) if incremental else None
    try:
        changed = _changed_paths(previous[1]["sources"], sources) if previous else None
        if previous and changed is not None and len(changed) <= max(20, len(sources) // 10):
            shutil.copytree(previous[0], target)
            report = _update(content_dir, target, previous[1], sources, changed, default_locale, started, progress, languages)
        else:
            target.mkdir(parents=True)
            report = _full(content_dir, target, sources, default_locale, progress, started, languages)
        verify_build(target, expected=report.indexed)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    if switch:
        switch_current(index_dir, build_id)
        prune_builds(index_dir)
    return report


def _previous_build(index_dir: Path, content_dir: Path, languages: tuple[str, ...]) -> tuple[Path, dict[str, Any]] | None:
    build_id = current_build_id(index_dir)
    if build_id is None:
        return None
    folder = build_path(index_dir, build_id)
    try:
        meta = json.loads((folder / "build.json").read_text(encoding="utf-8"))
        verify_build(folder)
    except (OSError, ValueError, IndexBuildError):
        return None
    same = (
        meta.get("schema") == SCHEMA_VERSION
        and meta.get("content_root") == str(content_dir.resolve())
        and meta.get("languages") == list(languages)  # other languages are other fields: a full build
    )
    return (folder, meta) if same and "sources" in meta else None


def _changed_paths(old: dict[str, str], new: dict[str, str]) -> set[str]:
    return {p for p in old.keys() | new.keys() if old.get(p) != new.get(p)}


def _full(
    content_dir: Path,
    target: Path,
    sources: dict[str, str],
    default_locale: str,
    progress: ProgressFactory | None,
    started: float,
    languages: tuple[str, ...],
) -> BuildReport:
    items = list(load_collection(content_dir, default_locale))
    articles = [a for a in items if isinstance(a, Article)]
    skipped = [{"path": s.path, "reason": s.reason} for s in items if isinstance(s, Skipped)]
    if not articles:
        raise IndexBuildError(f"no articles found under {content_dir}")
    resolver = LinkResolver.for_articles(articles, default_locale)
    ix = whoosh_index.create_in(str(target), make_schema(languages))
    writer = ix.writer(limitmb=256)
    catalog: dict[str, dict[str, Any]] = {}
    bar = progress_bar(progress, len(articles), "indexing")
    docs = DocStoreWriter(target)
    for article in articles:
        _add(writer, docs, catalog, article, resolver, sources, languages)
        bar.update(1)
    bar.close()
    writer.commit()
    return _finish(target, docs, catalog, skipped, content_dir, sources, started, progress, None, default_locale, languages)


def _update(
    content_dir: Path,
    target: Path,
    meta: dict[str, Any],
    sources: dict[str, str],
    changed: set[str],
    default_locale: str,
    started: float,
    progress: ProgressFactory | None,
    languages: tuple[str, ...],
) -> BuildReport:
    catalog: dict[str, dict[str, Any]] = json.loads((target / "catalog.json").read_text(encoding="utf-8"))
    by_path = {entry["path"]: key for key, entry in catalog.items()}
    # Articles that link to an added or removed file render their links differently now.
    appeared = {p for p in changed if p not in meta["sources"]} | {p for p in changed if p not in sources}
    relinked = {e["path"] for e in catalog.values() if appeared & set(e.get("links", []))} - changed
    reread = {p for p in changed | relinked if p in sources}
    items = [_load_one(content_dir, path, default_locale) for path in sorted(reread)]
    articles = [a for a in items if isinstance(a, Article)]
    gone = {by_path[p] for p in changed | relinked if p in by_path}
    taken = {k for k in catalog if k not in gone}
    skipped = [s for s in meta["skipped"] if s["path"] not in changed]
    for item in items:
        if isinstance(item, Skipped):
            skipped.append({"path": item.path, "reason": item.reason})
    fresh: list[Article] = []
    for article in articles:
        if article.key in taken:
            skipped.append({"path": article.path, "reason": f"duplicate id {article.id!r} in {article.locale} (first in {catalog[article.key]['path']})"})
        else:
            taken.add(article.key)
            fresh.append(article)
    paths = {e["path"]: (e["id"], e["locale"]) for k, e in catalog.items() if k not in gone}
    paths.update({a.path: (a.id, a.locale) for a in fresh})
    resolver = LinkResolver(paths, default_locale)
    ix = whoosh_index.open_dir(str(target))
    writer = ix.writer()
    docs = DocStoreWriter(target)
    for key in gone:
        writer.delete_by_term("key", key)
        docs.remove(key)
        del catalog[key]
    for article in fresh:
        _add(writer, docs, catalog, article, resolver, sources, languages)
    writer.commit()
    if not catalog:
        raise IndexBuildError(f"no articles found under {content_dir}")
    changed_keys = gone | {article.key for article in fresh}
    return _finish(target, docs, catalog, skipped, content_dir, sources, started, progress, changed_keys, default_locale, languages)


def _load_one(content_dir: Path, rel: str, default_locale: str) -> Article | Skipped:
    path = content_dir / rel
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return Skipped(rel, "not UTF-8 text")
    except OSError as exc:
        return Skipped(rel, f"cannot read: {exc.strerror or exc}")
    try:
        return parse_article(text, rel, default_locale)
    except ContentError as exc:
        return Skipped(rel, exc.reason)


def _add(
    writer: Any,
    docs: DocStoreWriter,
    catalog: dict[str, dict[str, Any]],
    article: Article,
    resolver: LinkResolver,
    sources: dict[str, str],
    languages: tuple[str, ...],
) -> None:
    from .similarity import signature  # datasketch is needed only while building

    lang = language_of(article.locale, languages)
    doc, entry, rendered = _document(article, resolver, lang)
    writer.add_document(**doc)
    docs.add(
        article.key, rendered.html, rendered.text, analyzer_for(lang),
        signature(article.title + "\n" + rendered.text),
    )
    entry["source"] = sources.get(article.path, "")
    catalog[article.key] = entry


def _finish(
    target: Path,
    docs: DocStoreWriter,
    catalog: dict[str, dict[str, Any]],
    skipped: list[dict[str, str]],
    content_dir: Path,
    sources: dict[str, str],
    started: float,
    progress: ProgressFactory | None,
    changed_keys: set[str] | None,
    default_locale: str,
    languages: tuple[str, ...],
) -> BuildReport:
    """Impacts, near-duplicate groups, the catalog, related lists and build.json.

    ``changed_keys``: what an update added, re-read or removed; None for a full build.
    """
    from .related import store_related
    from .similarity import near_duplicate_groups

    _impacts(target, progress, languages)
    groups = near_duplicate_groups(docs.signatures())
    docs.close()
    _abbreviations(target, catalog, languages)
    inbound = Counter(path for entry in catalog.values() for path in entry.get("links", []) if path)
    for key, entry in catalog.items():
        entry["dup_group"] = groups.get(key)
        entry["inlinks"] = inbound.get(entry["path"], 0)
    (target / "catalog.json").write_text(json.dumps(catalog, ensure_ascii=False), encoding="utf-8")
    store_related(target, changed_keys, default_locale, progress)
    report = BuildReport(
        build_id=target.name,
        indexed=len(catalog),
        searchable=sum(1 for e in catalog.values() if not e["noindex"]),
        skipped=sorted(skipped, key=lambda s: s["path"]),
        seconds=round(time.monotonic() - started, 2),
        content_dir=str(content_dir),
        created=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        locales=dict(Counter(e["locale"] for e in catalog.values())),
        languages=list(languages),
    )
    meta = {**asdict(report), "schema": SCHEMA_VERSION, "content_root": str(content_dir.resolve()), "sources": sources}
    (target / "build.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    return report


def _impacts(target: Path, progress: ProgressFactory | None, languages: tuple[str, ...]) -> None:
    """Every word's scores for the new build; without them it still serves, computing scores as asked."""
    try:
        write_impacts(target, weighting(), scored_fields(languages), progress)
    except ValueError as exc:  # postings laid out other than Whoosh 3 writes them, or another Whoosh
        log.warning("build %s has no precomputed scores: %s", target.name, exc)
        slow_path("impacts_not_written")
        shutil.rmtree(target / IMPACTS_FOLDER, ignore_errors=True)


def _abbreviations(target: Path, catalog: dict[str, dict[str, Any]], languages: tuple[str, ...]) -> None:
    """The abbreviations the articles define ("Survivable Branch Appliance (SBA)"), per language."""
    store = DocStore(target)
    try:
        texts = (
            (language_of(entry["locale"], languages), entry["title"] + "\n" + "\n".join(p.text for p in store.passages(key)))
            for key, entry in catalog.items()
        )
        abbreviations.write(target, abbreviations.mine(texts))
    finally:
        store.close()


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


def archive_build(index_dir: Path, build_id: str, dest: Path) -> Path:
    """Packs one build folder into a .tar.gz that other nodes can install."""
    folder = build_path(index_dir, build_id)
    verify_build(folder)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{secrets.token_hex(4)}")
    with tarfile.open(tmp, "w:gz") as tar:
        for path in sorted(folder.iterdir()):
            if path.name != "MAIN_WRITELOCK":
                tar.add(path, arcname=f"{build_id}/{path.name}")
    os.replace(tmp, dest)
    return dest


def install_archive(archive: Path, index_dir: Path, switch: bool = True) -> str:
    """Unpacks a build made elsewhere, checks it opens, then switches CURRENT to it atomically."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            names = {member.name.split("/", 1)[0] for member in tar.getmembers()}
            if len(names) != 1:
                raise IndexBuildError(f"{archive} does not hold exactly one build")
            (build_id,) = names
            if not re.fullmatch(r"[\w.-]+", build_id):
                raise IndexBuildError(f"{archive} names an odd build id {build_id!r}")
            staging = index_dir / BUILDS / f".incoming-{secrets.token_hex(4)}"
            staging.mkdir(parents=True)
            try:
                # The "data" filter refuses absolute paths, links out of the folder and devices.
                tar.extractall(staging, filter="data")
                verify_build(staging / build_id)
                target = build_path(index_dir, build_id)
                if target.exists():
                    shutil.rmtree(target)
                os.replace(staging / build_id, target)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    except (tarfile.TarError, OSError) as exc:
        raise IndexBuildError(f"cannot install {archive}: {exc}") from exc
    if switch:
        switch_current(index_dir, build_id)
        prune_builds(index_dir)
    return build_id
