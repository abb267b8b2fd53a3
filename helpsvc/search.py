"""Search and article lookup over the current index build.

User text is never parsed as query syntax: a reader's words are words, not
operators. The text is cut to a bounded length, analysed with each language's
analyzer, and turned into a disjunction of terms over title, terms (keywords,
summary, headings) and body, ranked with BM25F. Matching more words scores
higher, so a long natural-language question still finds the article that
answers it, and no input can make the query expensive.
"""

from __future__ import annotations

import html as html_lib
import json
import logging
import re
import threading
import time
import unicodedata
from collections import Counter, OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import highlight, index as whoosh_index, scoring
from whoosh.query import Or, Query, Term
from whoosh.searching import Searcher

from .content import article_url
from .index import LANGUAGES, TEXT_FIELDS, analyzer_for, words_analyzer, build_path, current_build_id, language_of

log = logging.getLogger(__name__)

MAX_QUERY_CHARS = 1000
MAX_TERMS = 32
MAX_PAGE = 100
CACHE_SIZE = 4096
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


class NotFound(LookupError):
    """No article (or context) matches what was asked for."""


class IndexUnavailable(RuntimeError):
    """No usable index build exists yet."""


def normalise_query(text: str) -> str:
    """Cleans user text: Unicode NFKC, no control characters, collapsed spaces, bounded length."""
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL_RE.sub(" ", text)
    text = " ".join(text.split())
    return text[:MAX_QUERY_CHARS].strip()


def locale_chain(requested: str | None, default: str, available: Iterable[str] = ()) -> list[str]:
    """Locales to try, most wanted first: de-DE -> de -> other de-* -> the default."""
    chain: list[str] = []
    available = sorted(set(available))
    if requested:
        chain.append(requested)
        base = requested.split("-", 1)[0].lower()
        if "-" in requested:
            chain.append(base)
        chain.extend(loc for loc in available if loc.split("-", 1)[0].lower() == base)
    chain.append(default)
    return list(dict.fromkeys(chain))


def negotiate_locale(accept_language: str | None, available: Iterable[str]) -> str | None:
    """Best available locale for an Accept-Language header, or None."""
    if not accept_language:
        return None
    available = list(available)
    lowered = {loc.lower(): loc for loc in available}
    choices: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")[:20]):
        piece = part.strip().split(";")
        tag = piece[0].strip().lower()
        quality = 1.0
        for param in piece[1:]:
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and quality > 0:
            choices.append((-quality, position, tag))
    for _, _, tag in sorted(choices):
        if tag in lowered:
            return lowered[tag]
        base = tag.split("-", 1)[0]
        for loc in available:
            if loc.lower().split("-", 1)[0] == base:
                return loc
    return None


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
            "hits": [h.as_json() for h in self.hits],
        }


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


class IndexState:
    """One opened build: its searcher, catalog and lookup tables. Immutable once made."""

    def __init__(self, folder: Path, build_id: str, default_locale: str) -> None:
        self.build_id = build_id
        self.default_locale = default_locale
        self.index = whoosh_index.open_dir(str(folder))
        self.searcher: Searcher = self.index.searcher(weighting=scoring.BM25F(B=0.75, K1=1.2))
        self.catalog: dict[str, dict[str, Any]] = json.loads((folder / "catalog.json").read_text(encoding="utf-8"))
        reader = self.searcher.reader()
        keys = reader.column_reader("key")
        self.docnum: dict[str, int] = {keys[n]: n for n in reader.all_doc_ids()}
        self.locales = sorted({e["locale"] for e in self.catalog.values()})
        self.by_id: dict[str, dict[str, str]] = {}
        for key, entry in self.catalog.items():
            self.by_id.setdefault(entry["id"], {})[entry["locale"]] = key
        self.contexts: dict[str, dict[str, str]] = {}
        for key in sorted(self.catalog, key=lambda k: self.catalog[k]["path"]):
            entry = self.catalog[key]
            for context in entry["contexts"]:
                self.contexts.setdefault(context.lower(), {}).setdefault(entry["locale"], entry["id"])
        self._visible: dict[tuple[Any, ...], frozenset[int]] = {}
        self.lock = threading.Lock()

    def close(self) -> None:
        self.searcher.close()

    def chain(self, locale: str | None) -> list[str]:
        return locale_chain(locale, self.default_locale, self.locales)

    def pick(self, article_id: str, chain: list[str]) -> str | None:
        """The catalog key of an article in the first locale of the chain that has it."""
        versions = self.by_id.get(article_id, {})
        for loc in chain:
            if loc in versions:
                return versions[loc]
        return None

    def visible(self, chain: list[str], product: str | None = None, topic: str | None = None) -> frozenset[int]:
        """Docnums search may return: one version per article, searchable, passing the filters."""
        cache_key = (tuple(chain), (product or "").lower(), (topic or "").lower())
        cached = self._visible.get(cache_key)
        if cached is not None:
            return cached
        docs = set()
        for article_id in self.by_id:
            key = self.pick(article_id, chain)
            if key is None:
                continue
            entry = self.catalog[key]
            if entry["noindex"]:
                continue
            if product and entry["product"].lower() != product.lower():
                continue
            if topic and topic.lower() not in {t.lower() for t in entry["topics"]}:
                continue
            if key in self.docnum:
                docs.add(self.docnum[key])
        result = frozenset(docs)
        if len(self._visible) > 256:
            self._visible.clear()
        self._visible[cache_key] = result
        return result


class SearchService:
    """The long-lived search side of the server: follows CURRENT, answers searches and lookups."""

    def __init__(self, index_dir: Path, default_locale: str = "en-US", check_seconds: float = 1.0) -> None:
        self.index_dir = index_dir
        self.default_locale = default_locale
        self.check_seconds = check_seconds
        self._state: IndexState | None = None
        self._checked = 0.0
        self._swap_lock = threading.Lock()
        self._cache: OrderedDict[tuple[Any, ...], SearchResult] = OrderedDict()
        self.last_error: str | None = None

    # -- index lifecycle

    def state(self) -> IndexState:
        now = time.monotonic()
        if self._state is None or now - self._checked >= self.check_seconds:
            self._checked = now
            self.refresh()
        if self._state is None:
            raise IndexUnavailable(self.last_error or "no index has been built yet: run 'helpsvc index'")
        return self._state

    def refresh(self) -> bool:
        """Opens the build CURRENT names, if it is new. A build that fails to open is not used."""
        build_id = current_build_id(self.index_dir)
        if build_id is None or (self._state is not None and self._state.build_id == build_id):
            if build_id is None and self._state is None:
                self.last_error = f"no index in {self.index_dir}: run 'helpsvc index'"
            return False
        with self._swap_lock:
            if self._state is not None and self._state.build_id == build_id:
                return False
            try:
                state = IndexState(build_path(self.index_dir, build_id), build_id, self.default_locale)
            except Exception as exc:  # a broken build must not take the server down
                self.last_error = f"index build {build_id} cannot be opened: {exc}"
                log.error("index build %s cannot be opened; keeping the previous one", build_id)
                return False
            old, self._state = self._state, state
            self._cache.clear()
            self.last_error = None
        if old is not None:
            # Requests already holding the old state finish with it; close it a little later.
            threading.Timer(30.0, old.close).start()
        log.info("serving index build %s", build_id)
        return True

    @property
    def build_id(self) -> str | None:
        return self._state.build_id if self._state else None

    # -- search

    def search(
        self,
        text: str,
        locale: str | None = None,
        product: str | None = None,
        topic: str | None = None,
        page: int = 1,
        per_page: int = 10,
        correct: bool = True,
    ) -> SearchResult:
        state = self.state()
        query_text = normalise_query(text)
        cache_key = (state.build_id, query_text.lower(), locale, product, topic, page, per_page, correct)
        cached = self._cache.get(cache_key)
        if cached is not None:
            self._cache.move_to_end(cache_key)
            return cached
        chain = state.chain(locale)
        result = self._search(state, query_text, chain, product, topic, page, per_page)
        if correct and result.total < 3 and query_text:
            suggestion = self.suggest_correction(state, query_text)
            if suggestion:
                corrected = self._search(state, suggestion, chain, product, topic, page, per_page)
                if corrected.total > result.total:
                    if result.total == 0:
                        corrected.corrected_from = query_text
                        corrected.suggestion = suggestion
                        corrected.query = query_text
                        result = corrected
                    else:
                        result.suggestion = suggestion
        self._cache[cache_key] = result
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return result

    def _search(
        self,
        state: IndexState,
        query_text: str,
        chain: list[str],
        product: str | None,
        topic: str | None,
        page: int,
        per_page: int,
    ) -> SearchResult:
        languages = list(dict.fromkeys(language_of(loc) for loc in chain))
        query, terms = build_query(query_text, languages, state.searcher)
        hits: list[Hit] = []
        total = 0
        if query is not None:
            allowed = state.visible(chain, product, topic)
            if allowed:
                results = state.searcher.search(query, limit=page * per_page, filter=set(allowed))
                total = len(results)
                for hit in results[(page - 1) * per_page: page * per_page]:
                    hits.append(self._hit(state, hit.docnum, hit.score, terms))
        return SearchResult(
            query=query_text,
            page=page,
            per_page=per_page,
            total=total,
            hits=hits,
            locale=chain[0],
            build_id=state.build_id,
            product=product,
            topic=topic,
        )

    def _hit(self, state: IndexState, docnum: int, score: float, terms: dict[str, set[str]]) -> Hit:
        stored = state.searcher.stored_fields(docnum)
        entry = state.catalog[stored["key"]]
        lang = language_of(entry["locale"])
        snippet_html = make_snippet(stored.get("snippet_text", ""), terms.get(lang, set()), lang)
        if not snippet_html:
            snippet_html = html_lib.escape(entry["summary"] or stored.get("snippet_text", "")[:200])
        return Hit(
            id=entry["id"],
            title=entry["title"],
            url=article_url(entry["id"], entry["locale"], self.default_locale),
            snippet=html_lib.unescape(re.sub(r"<[^>]+>", "", snippet_html)),
            snippet_html=snippet_html,
            score=float(score),
            path=entry["path"],
            locale=entry["locale"],
            product=entry["product"],
            topics=entry["topics"],
            summary=entry["summary"],
        )

    def suggest_correction(self, state: IndexState, query_text: str) -> str | None:
        """A respelling of the query from the index's own vocabulary, or None if nothing changes."""
        reader = state.searcher.reader()
        changed = False
        words: list[str] = []
        for token in words_analyzer()(query_text[:200]):
            word = token.text
            if len(word) < 4 or word.isdigit() or reader.doc_frequency("words", word) > 0:
                words.append(word)
                continue
            best = None
            for maxdist in (1, 2):
                candidates = [
                    (reader.doc_frequency("words", cand), cand)
                    for cand in reader.terms_within("words", word, maxdist, prefix=1)
                    if cand != word
                ]
                if candidates:
                    best = max(candidates)[1]
                    break
            if best:
                changed = True
                words.append(best)
            else:
                words.append(word)
        return " ".join(words) if changed else None

    # -- articles, contexts, listings

    def article(self, article_id: str, locale: str | None = None) -> ArticleView:
        state = self.state()
        chain = state.chain(locale)
        key = state.pick(article_id, chain)
        if key is None or key not in state.docnum:
            raise NotFound(f"no article with id {article_id!r}")
        entry = state.catalog[key]
        stored = state.searcher.stored_fields(state.docnum[key])
        return ArticleView(
            id=entry["id"],
            locale=entry["locale"],
            title=entry["title"],
            summary=entry["summary"],
            html=stored["html"],
            path=entry["path"],
            product=entry["product"],
            topics=entry["topics"],
            updated=entry["updated"],
            revision=entry["revision"],
            headings=entry["headings"],
            contexts=entry["contexts"],
            translations=sorted(state.by_id.get(entry["id"], {})),
            noindex=entry["noindex"],
            build_id=state.build_id,
        )

    def context(self, context_id: str, locale: str | None = None) -> tuple[str, str]:
        """The (article id, locale) mapped to a client help context."""
        state = self.state()
        versions = state.contexts.get(context_id.strip().lower())
        if not versions:
            raise NotFound(f"no article is mapped to help context {context_id!r}")
        for loc in state.chain(locale):
            if loc in versions:
                article_id = versions[loc]
                key = state.pick(article_id, state.chain(locale))
                return article_id, state.catalog[key]["locale"] if key else loc
        loc, article_id = sorted(versions.items())[0]
        return article_id, loc

    def popular(self, locale: str | None = None, limit: int = 8, ids: Iterable[str] = ()) -> list[dict[str, Any]]:
        """Articles to offer when nothing else is known: the given ids first, then the most linked-to."""
        state = self.state()
        chain = state.chain(locale)
        visible = state.visible(chain)
        chosen: list[str] = []
        for article_id in ids:
            key = state.pick(article_id, chain)
            if key and state.docnum.get(key) in visible and key not in chosen:
                chosen.append(key)
        ranked = sorted(
            (k for k in state.catalog if state.docnum.get(k) in visible),
            key=lambda k: (-state.catalog[k]["inlinks"], state.catalog[k]["title"]),
        )
        for key in ranked:
            if len(chosen) >= limit:
                break
            if key not in chosen:
                chosen.append(key)
        return [self.summary_of(state, key) for key in chosen[:limit]]

    def topics(self, locale: str | None = None) -> list[tuple[str, int]]:
        state = self.state()
        visible = state.visible(state.chain(locale))
        counts: Counter[str] = Counter()
        for key, entry in state.catalog.items():
            if state.docnum.get(key) in visible:
                counts.update(entry["topics"])
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))

    def products(self, locale: str | None = None) -> list[str]:
        state = self.state()
        visible = state.visible(state.chain(locale))
        return sorted({e["product"] for k, e in state.catalog.items() if e["product"] and state.docnum.get(k) in visible})

    def summary_of(self, state: IndexState, key: str) -> dict[str, Any]:
        entry = state.catalog[key]
        return {
            "id": entry["id"],
            "title": entry["title"],
            "summary": entry["summary"],
            "url": article_url(entry["id"], entry["locale"], self.default_locale),
            "locale": entry["locale"],
            "path": entry["path"],
        }

    def exists(self, article_id: str) -> bool:
        return article_id in self.state().by_id


def build_query(text: str, languages: list[str], searcher: Searcher | None = None) -> tuple[Query | None, dict[str, set[str]]]:
    """Turns user text into a disjunction of analysed terms; returns (query, terms per language)."""
    subqueries: list[Query] = []
    terms: dict[str, set[str]] = {}
    for lang in languages:
        suffix = LANGUAGES[lang]
        tokens = list(dict.fromkeys(t.text for t in analyzer_for(lang)(text)))
        if len(tokens) > MAX_TERMS and searcher is not None:
            # Long questions: keep the rarest words, which carry the meaning; common ones cost time and add noise.
            tokens = sorted(tokens, key=lambda t: searcher.doc_frequency("body" + suffix, t))[:MAX_TERMS]
        else:
            tokens = tokens[:MAX_TERMS]
        terms[lang] = set(tokens)
        for token in tokens:
            subqueries.extend(Term(name + suffix, token) for name in TEXT_FIELDS)
    if not subqueries:
        return None, terms
    return Or(subqueries), terms


_FRAGMENTER = highlight.ContextFragmenter(maxchars=240, surround=60)
_FORMATTER = highlight.HtmlFormatter(tagname="mark", classname="hl", termclass="t", between=" … ")


def make_snippet(text: str, terms: set[str], lang: str) -> str:
    """An HTML snippet (escaped text, <mark> around matches) of the best passages of text."""
    if not text or not terms:
        return ""
    return highlight.highlight(text, terms, analyzer_for(lang), _FRAGMENTER, _FORMATTER, top=2)
