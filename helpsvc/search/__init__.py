"""Search: from articles to a ranked, snippeted answer.

Owns the index's schema and build folders (``schema``), atomic builds and updates
(``build``), what pages and snippets show (``docstore``), every word's precomputed
BM25F scores and the ranking over them (``impacts``, ``scoring``), query planning
that never fails on user text (``query``), near-duplicates (``similarity``), related
articles (``related``), bounded learning from anonymised use (``learning``), one
opened build (``state``) and ``SearchService``, which follows CURRENT and answers
searches and article lookups (``service``, ``results``). Only ``whoosh_internals``
reaches past Whoosh's public API.
May import: content, metrics, progress, and the store's rollups through ``learning``'s reader.
Nothing in content imports it.
"""

from .build import BuildReport, IndexBuildError, archive_build, build_index, install_archive, prune_builds
from .results import ArticleView, Hit, IndexUnavailable, NotFound, SearchResult
from .schema import (
    BUILDS,
    analyzer_for,
    build_path,
    current_build_id,
    field_suffix,
    language_of,
    languages_of,
    scored_fields,
    stemmed_languages,
    switch_current,
)
from .service import SearchService
from .state import IndexState, locale_chain, negotiate_locale

__all__ = [
    "BUILDS",
    "ArticleView",
    "BuildReport",
    "Hit",
    "IndexBuildError",
    "IndexState",
    "IndexUnavailable",
    "NotFound",
    "SearchResult",
    "SearchService",
    "analyzer_for",
    "archive_build",
    "build_index",
    "build_path",
    "current_build_id",
    "field_suffix",
    "install_archive",
    "language_of",
    "languages_of",
    "locale_chain",
    "negotiate_locale",
    "prune_builds",
    "scored_fields",
    "stemmed_languages",
    "switch_current",
]
