"""Search and article lookup over the current index build.

``SearchService`` follows the CURRENT pointer and keeps one opened build
(``IndexState``) at a time. Every read of a build holds a lease on it
(``lease()``): a build swapped out stays open until its last reader lets go,
and that reader closes it, so no read ever meets a closed build. A search
plans its query (``query.py``), runs it over the articles visible in the
reader's locale chain, folds near-duplicates under their best-ranked copy and
puts a writer's pinned answer first. When the chain finds nothing, the same
query runs over each other offered locale the build holds, and the best of
those answers is returned with ``fallback`` saying so.
"""
from __future__ import annotations

import html as html_lib
import logging
import re
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from cachetools import LRUCache

from ..content.articles import article_url
from ..content.curation import Curation, Synonyms
from ..locale import N_
from .docstore import best_passages
from ..metrics import serving_build
from .scoring import top_documents
from .schema import build_path, current_build_id, words_analyzer
from .learning import Learning
from .results import ArticleView, Hit, IndexUnavailable, NotFound, SearchResult
from .state import IndexState
from .query import QueryPlan, build_query, corrections_for, make_snippet, normalise_query
from .related import LIMIT as RELATED_STORED

log = logging.getLogger(__name__)
MAX_PAGE = 100
# Cached results are bounded by their bytes (``SearchResult.weight``): a page of hits for a long
# description weighs several times one for two words. 20 MB per worker hold the head of the query
# distribution (about 450 short queries). In make bench's Zipf mix of 500 queries, 12 MB gave
# 0.20 x hello-world, 18 MB 0.39 x and 20 MB 0.55 x; the long tail is cheap to recompute.
CACHE_BYTES = 20 * 1024 * 1024
RELATED_CACHE_SIZE = 8192


@dataclass
class _Ranked:
    docnum: int
    score: float
    pinned: bool = False
    duplicates: list[int] = field(default_factory=list)


class SearchService:
    """The long-lived search side of the server: follows CURRENT, answers searches and lookups."""

    def __init__(
        self,
        index_dir: Path,
        default_locale: str = "en-US",
        check_seconds: float = 1.0,
        content_dir: Path | None = None,
        learning: Learning | None = None,
        locales: Iterable[str] | None = None,
    ) -> None:
        self.index_dir = index_dir
        # The locales the site offers readers: only these are searched when the reader's finds nothing.
        self.locales = frozenset(locales) if locales is not None else None
        self.learning = learning
        self.curation = Curation(content_dir, check_seconds)
        self.default_locale = default_locale
        self.check_seconds = check_seconds
        self._state: IndexState | None = None
        self._checked = 0.0
        self._swap_lock = threading.Lock()
        # Readers per opened build, guarded by its own lock: taking a lease never waits for a
        # new build to open (which holds _swap_lock for seconds).
        self._readers: dict[IndexState, int] = {}
        self._readers_lock = threading.Lock()
        # Both caches are used only from the thread that answers requests (the event loop's): no lock.
        self._cache: LRUCache[tuple[Any, ...], SearchResult] = LRUCache(maxsize=CACHE_BYTES, getsizeof=SearchResult.weight)
        self.last_error: str | None = None
        self._failed: set[str] = set()
        self._related: LRUCache[tuple[Any, ...], tuple[str, ...]] = LRUCache(maxsize=RELATED_CACHE_SIZE)

    # -- index lifecycle

    def state(self) -> IndexState:
        """The current build, for its plain data (build id, locales, catalog); reading its files takes a ``lease()``."""
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
        if build_id in self._failed:
            return False  # tried and broken: wait for the next build instead of retrying on every request
        if build_id is None or (self._state is not None and self._state.build_id == build_id):
            if build_id is None and self._state is None:
                self.last_error = f"no index in {self.index_dir}: run 'helpsvc index'"
            return False
        with self._swap_lock:
            if self._state is not None and self._state.build_id == build_id:
                return False
            try:
                state = IndexState(build_path(self.index_dir, build_id), build_id, self.default_locale)
                state.vocabulary, state.title_words  # made now, so no request after the swap waits for them
            except Exception as exc:  # a broken build must not take the server down
                self._failed.add(build_id)
                self.last_error = f"index build {build_id} cannot be opened: {exc}"
                log.error("index build %s cannot be opened; keeping the previous one", build_id)
                return False
            with self._readers_lock:
                old, self._state = self._state, state
                unread = old if old is not None and old not in self._readers else None
            self._cache.clear()
            self.last_error = None
        if unread is not None:
            # Nobody reads it and nobody can lease it any more; otherwise its last reader closes it.
            unread.close()
        serving_build(build_id)
        log.info("serving index build %s", build_id)
        return True

    @property
    def build_id(self) -> str | None:
        return self._state.build_id if self._state else None

    def close(self) -> None:
        """Closes the open build (its segment file is read through a file handle, not a map), or lets its last reader."""
        with self._swap_lock, self._readers_lock:
            state, self._state = self._state, None
            unread = state if state is not None and state not in self._readers else None
        if unread is not None:
            unread.close()

    @contextmanager
    def lease(self) -> Iterator[IndexState]:
        """The current build, kept open for the block even if a newer build is swapped in meanwhile."""
        self.state()  # follows CURRENT when due; raises IndexUnavailable when there is no build
        with self._readers_lock:
            # Taken under the lock that swaps, so the build cannot be retired between reading and counting.
            state = self._state
            if state is None:
                raise IndexUnavailable(self.last_error or "the search service is closed")
            self._readers[state] = self._readers.get(state, 0) + 1
        try:
            yield state
        finally:
            with self._readers_lock:
                left = self._readers.pop(state) - 1
                if left:
                    self._readers[state] = left
                retired = not left and state is not self._state
            if retired:
                state.close()

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
        query_text = normalise_query(text)
        # A repeated search is answered from the cache without taking a lease: the key names the
        # build, so a result of a build swapped out a moment ago is still that build's answer.
        current = self.state()
        cache_key = self._cache_key(current, query_text, locale, product, topic, page, per_page, correct)
        cached = self._cache.get(cache_key)
        if cached is not None:  # a hit makes it the most recently used
            return cached
        with self.lease() as state:
            chain = state.chain(locale)
            if state is not current:  # swapped in meanwhile: the result is the new build's
                cache_key = self._cache_key(state, query_text, locale, product, topic, page, per_page, correct)
            result = self._search(state, query_text, chain, product, topic, page, per_page, correct)
            if not result.total and query_text:
                result = self._fallback(state, query_text, chain, product, topic, page, per_page, correct) or result
            self._cache[cache_key] = result
            return result

    def _cache_key(
        self, state: IndexState, query_text: str, locale: str | None, product: str | None, topic: str | None,
        page: int, per_page: int, correct: bool,
    ) -> tuple[Any, ...]:
        # Writers' synonym and pin files change without a new build: their versions are part of the key.
        learned = self.learning.version if self.learning else 0
        version = self.curation.version(state.chain(locale))
        return (state.build_id, version, learned, query_text.lower(), locale, product, topic, page, per_page, correct)

    def _fallback(
        self, state: IndexState, query_text: str, chain: list[str], product: str | None, topic: str | None,
        page: int, per_page: int, correct: bool,
    ) -> SearchResult | None:
        """The query over each other offered locale alone; the one with the most hits, or None."""
        best: SearchResult | None = None
        for other in state.locales:
            if other in chain or (self.locales is not None and other not in self.locales):
                continue
            found = self._search(state, query_text, [other], product, topic, page, per_page, correct)
            if found.total and (best is None or found.total > best.total):
                best = found
        if best is None:
            return None
        # The result stays the reader's (search events log their locale); the hits keep their own.
        best.fallback = {"from": chain[0], "locale": best.locale, "total": best.total}
        best.locale = chain[0]
        return best

    def plan(self, state: IndexState, query_text: str, chain: list[str], correct: bool = True) -> QueryPlan:
        languages = list(dict.fromkeys(state.language_of(loc) for loc in chain))
        synonyms: dict[str, Synonyms] = {}
        for loc in chain:
            lang = state.language_of(loc)
            if lang not in synonyms and "-" in loc:
                synonyms[lang] = state.synonyms(lang, self.curation.synonyms(loc))
        reader = state.searcher.reader()
        corrections, unknown_only = corrections_for(query_text, reader, state.vocabulary) if correct else ({}, False)
        plan = build_query(query_text, languages, reader, synonyms, corrections)
        plan.corrections, plan.unknown_only = corrections, unknown_only
        return plan

    def _search(
        self,
        state: IndexState,
        query_text: str,
        chain: list[str],
        product: str | None,
        topic: str | None,
        page: int,
        per_page: int,
        correct: bool,
    ) -> SearchResult:
        plan = self.plan(state, query_text, chain, correct)
        hits: list[Hit] = []
        total = 0
        allowed = state.visible(chain, product, topic)
        pinned_key = self._pinned(state, query_text, chain, allowed)
        if plan.query is not None and allowed:
            # Fetch past the page: folded near-duplicates and the pin take places.
            want = page * per_page
            scores = state.scores.scores(plan.query)
            if self.learning is not None:
                self._apply_learning(state, scores, chain, query_text)
            top, matched = top_documents(scores, state.mask(allowed), want * 2 + 10)
            top = state.prefer_close_words(top, plan.terms)
            total = state.folded_count(matched)
            if pinned_key and scores[state.docnum[pinned_key]] <= 0:
                total += 1
            ranked = self._fold(state, top, pinned_key)
            # Snippets cost the most: make them only for the page shown.
            shown = state.marked_terms(plan.terms)
            hits = [self._to_hit(state, item, shown) for item in ranked[(page - 1) * per_page: want]]
        elif pinned_key:
            total = 1
            hits = [self._hit(state, state.docnum[pinned_key], 0.0, state.marked_terms(plan.terms), pinned=True)] if page == 1 else []
        suggestion = None
        if plan.corrections and state.suggestion_helps(plan, allowed):
            suggestion = " ".join(plan.corrections.get(t.text, t.text) for t in words_analyzer()(query_text[:300]))
        return SearchResult(
            query=query_text,
            page=page,
            per_page=per_page,
            total=total,
            hits=hits,
            locale=chain[0],
            build_id=state.build_id,
            suggestion=suggestion,
            corrected_from=query_text if plan.unknown_only and hits else None,
            product=product,
            topic=topic,
        )

    def _apply_learning(self, state: IndexState, scores: np.ndarray, chain: list[str], query_text: str) -> None:
        """Bounded lifts from anonymised use, only for articles the words already matched."""
        assert self.learning is not None
        for article_id, factor in self.learning.boosts(chain[0], query_text.lower()).items():
            key = state.pick(article_id, chain)
            docnum = state.docnum.get(key) if key else None
            if docnum is not None and scores[docnum] > 0:
                scores[docnum] *= factor

    def _pinned(self, state: IndexState, query_text: str, chain: list[str], allowed: frozenset[int]) -> str | None:
        for loc in dict.fromkeys(c for c in chain if "-" in c):
            article_id = self.curation.pins(loc).lookup(query_text)
            if article_id:
                key = state.pick(article_id, chain)
                if key and state.docnum.get(key) in allowed:
                    return key
        return None

    def _fold(self, state: IndexState, ranked: list[tuple[int, float]], pinned_key: str | None) -> list[_Ranked]:
        """Results in rank order, one per near-duplicate group (its best-ranked copy), the pin first."""
        order: list[_Ranked] = []
        by_group: dict[str, _Ranked] = {}
        pinned_doc = state.docnum[pinned_key] if pinned_key else None
        if pinned_doc is not None:
            order.append(_Ranked(pinned_doc, 0.0, pinned=True))
            group = state.group_of.get(pinned_doc)
            if group:
                by_group[group] = order[0]
        for docnum, score in ranked:
            if docnum == pinned_doc:
                order[0].score = score
                continue
            group = state.group_of.get(docnum)
            if group and group in by_group:
                by_group[group].duplicates.append(docnum)
                continue
            item = _Ranked(docnum, score)
            if group:
                by_group[group] = item
            order.append(item)
        return order

    def _to_hit(self, state: IndexState, item: _Ranked, terms: dict[str, set[str]]) -> Hit:
        hit = self._hit(state, item.docnum, item.score, terms, pinned=item.pinned)
        for docnum in item.duplicates:
            entry = state.catalog[state.keys[docnum]]
            hit.duplicates.append({
                "id": entry["id"], "title": entry["title"], "path": entry["path"],
                "url": article_url(entry["id"], entry["locale"], self.default_locale),
            })
        return hit

    def _hit(self, state: IndexState, docnum: int, score: float, terms: dict[str, set[str]], pinned: bool = False) -> Hit:
        key = state.keys[docnum]
        entry = state.catalog[key]
        lang = state.language_of(entry["locale"])
        passages = state.docs.passages(key)
        wanted = terms.get(lang, set())
        chosen = best_passages(passages, wanted)
        snippet_html = " … ".join(make_snippet(p.text, wanted, lang, p.spans(wanted)) for p in chosen)
        if not snippet_html:
            fallback = entry["summary"] or (passages[0].text if passages else "")
            snippet_html = html_lib.escape(fallback[:240])
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
            key=key,
            pinned=pinned,
        )

    def suggest(self, text: str, locale: str | None = None, limit: int = 8) -> list[dict[str, Any]]:
        """Completions for the search box: article titles, then words, for what was typed so far."""
        with self.lease() as state:
            tokens = [t.text for t in words_analyzer()(normalise_query(text)[:100])]
            if not tokens or len(tokens[-1]) < 2:
                return []
            *done, partial = tokens
            visible = state.visible(state.chain(locale))
            titles: list[tuple[int, int, str]] = []
            for key, title_words in state.title_words.items():
                if state.docnum.get(key) not in visible:
                    continue
                if all(w in title_words for w in done) and any(w.startswith(partial) for w in title_words):
                    entry = state.catalog[key]
                    titles.append((-entry["inlinks"], len(entry["title"]), key))
            reader = state.searcher.reader()
            vocabulary = (w.decode("utf-8") if isinstance(w, bytes) else w for w in reader.expand_prefix("words", partial))
            words = sorted(((reader.doc_frequency("words", w), w) for w in vocabulary), reverse=True)
            prefix = " ".join(done)
            found: list[dict[str, Any]] = []
            for _, _, key in sorted(titles)[: max(1, limit // 2)]:
                entry = state.catalog[key]
                found.append({"text": entry["title"], "kind": "article",
                              "url": article_url(entry["id"], entry["locale"], self.default_locale)})
            for _, word in words[: limit - len(found)]:
                found.append({"text": f"{prefix} {word}".strip(), "kind": "query"})
            return found

    # -- articles, contexts, listings

    def locate(self, article_id: str, locale: str | None = None) -> tuple[str, str, str]:
        """The build, id and locale of the article a reader in ``locale`` gets: what names a cached page."""
        with self.lease() as state:
            entry = state.catalog[self._article_key(state, article_id, locale)]
            return state.build_id, entry["id"], entry["locale"]

    @staticmethod
    def _article_key(state: IndexState, article_id: str, locale: str | None) -> str:  # or NotFound
        key = state.pick(article_id, state.chain(locale))
        if key is None or key not in state.docnum:
            raise NotFound(N_("no article with id %(id)r", id=article_id))
        return key

    def article(self, article_id: str, locale: str | None = None, with_html: bool = True) -> ArticleView:
        with self.lease() as state:
            key = self._article_key(state, article_id, locale)
            entry = state.catalog[key]
            return ArticleView(
                id=entry["id"],
                locale=entry["locale"],
                title=entry["title"],
                summary=entry["summary"],
                html=state.docs.html(key) if with_html else "",
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
        with self.lease() as state:
            versions = state.contexts.get(context_id.strip().lower())
            if not versions:
                raise NotFound(N_("no article is mapped to help context %(context)r", context=context_id))
            for loc in state.chain(locale):
                if loc in versions:
                    article_id = versions[loc]
                    key = state.pick(article_id, state.chain(locale))
                    return article_id, state.catalog[key]["locale"] if key else loc
            loc, article_id = sorted(versions.items())[0]
            return article_id, loc

    def popular(self, locale: str | None = None, limit: int = 8, ids: Iterable[str] = ()) -> list[dict[str, Any]]:
        """Articles to offer when nothing else is known: the given ids first, then the most linked-to."""
        with self.lease() as state:
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
        with self.lease() as state:
            visible = state.visible(state.chain(locale))
            counts: Counter[str] = Counter()
            for key, entry in state.catalog.items():
                if state.docnum.get(key) in visible:
                    counts.update(entry["topics"])
            return sorted(counts.items(), key=lambda item: (-item[1], item[0]))

    def products(self, locale: str | None = None) -> list[str]:
        with self.lease() as state:
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

    def related(self, article_id: str, locale: str, limit: int = 5) -> list[dict[str, Any]]:
        """More like this: same locale, searchable, no near-duplicates of the article or of each other.

        Builds store each article's list (see ``related.py``); for builds made
        before that, the list is worked out here and cached.
        """
        with self.lease() as state:
            key = state.pick(article_id, [locale])
            if key is None:
                return []
            stored = state.docs.related(key) if limit <= RELATED_STORED else None
            if stored is not None:
                # Chosen when the build was made; a key the catalog no longer has is skipped.
                return [self.summary_of(state, other) for other in stored[:limit] if other in state.catalog]
            cache_key = (state.build_id, key, limit)
            # Only catalog keys are kept (a few bytes each); the summaries are built per call.
            chosen = self._related.get(cache_key)
            if chosen is None:
                chosen = state.related_keys(key, limit)
                self._related[cache_key] = chosen
            return [self.summary_of(state, other) for other in chosen]

