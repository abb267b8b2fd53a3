"""What a search or an article lookup answers: hits, result pages and article views, with their JSON."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any


from ..content.articles import article_url

log = logging.getLogger(__name__)
class NotFound(LookupError):
    """No article (or context) matches what was asked for."""


class IndexUnavailable(RuntimeError):
    """No usable index build exists yet."""


@dataclass
class Hit:
    id: str
    title: str
    url: str
    snippet: str
    snippet_html: str
    score: float
    path: str
    locale: str
    product: str
    topics: list[str]
    summary: str
    key: str = ""
    pinned: bool = False
    duplicates: list[dict[str, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "url": self.url,
            "snippet": self.snippet,
            "snippet_html": self.snippet_html,
            "score": round(self.score, 4),
            "path": self.path,
            "locale": self.locale,
            "product": self.product,
            "topics": self.topics,
            "summary": self.summary,
            "pinned": self.pinned,
            "duplicates": self.duplicates,
        }


@dataclass
class SearchResult:
    query: str
    page: int
    per_page: int
    total: int
    hits: list[Hit]
    locale: str
    build_id: str
    suggestion: str | None = None  # "Did you mean …?"
    corrected_from: str | None = None  # results shown are for `suggestion` instead of `query`
    product: str | None = None
    topic: str | None = None
    # Set when the reader's locales found nothing and the hits come from another locale:
    # {"from": reader's locale, "locale": the hits' locale, "total": their count}.
    fallback: dict[str, Any] | None = None
    # The API's JSON of this result per organisation, cut where the search id goes (filled in
    # by the web layer): a cached result is serialised once, not per request.
    serialised: dict[str, list[bytes]] = field(default_factory=dict, repr=False, compare=False)
    # The query as search events store it (scrubbed), once known: (text,), where text may be None.
    stored_query: tuple[str | None] | None = field(default=None, repr=False, compare=False)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def as_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "page": self.page,
            "per_page": self.per_page,
            "total": self.total,
            "pages": self.pages,
            "locale": self.locale,
            "product": self.product,
            "topic": self.topic,
            "suggestion": self.suggestion,
            "corrected_from": self.corrected_from,
            "build_id": self.build_id,
            "fallback": dict(self.fallback) if self.fallback else None,
            # Made afresh for each response: a cached result's API body is kept serialised
            # already, and keeping the dicts too cost more memory than making them.
            "hits": [h.as_json() for h in self.hits],
        }

    def weight(self) -> int:
        """About how many bytes the result takes once cached: its hits' text three times over
        (the hits and the serialised API body, whose escaping and id pieces add more), plus fixed
        overheads."""
        text = sum(
            len(h.title) + len(h.url) + len(h.snippet) + len(h.snippet_html) + len(h.path) + len(h.summary)
            + sum(len(v) for d in h.duplicates for v in d.values())
            for h in self.hits
        )
        return 2048 + 3 * text + 1200 * len(self.hits)


@dataclass
class ArticleView:
    id: str
    locale: str
    title: str
    summary: str
    html: str
    path: str
    product: str
    topics: list[str]
    updated: str
    revision: str
    headings: list[dict[str, Any]]
    contexts: list[str]
    translations: list[str]
    noindex: bool
    build_id: str
    related: list[dict[str, Any]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return article_url(self.id, self.locale)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "locale": self.locale,
            "title": self.title,
            "summary": self.summary,
            "url": self.url,
            "path": self.path,
            "product": self.product,
            "topics": self.topics,
            "updated": self.updated,
            "revision": self.revision,
            "headings": self.headings,
            "contexts": self.contexts,
            "translations": self.translations,
            "html": self.html,
            "related": self.related,
            "build_id": self.build_id,
        }
