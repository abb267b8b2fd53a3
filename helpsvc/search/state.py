"""One opened index build (``IndexState``) and the locale chains readers are served from.

An ``IndexState`` is everything a search needs from one build, opened once: the
Whoosh reader, the catalog, the per-locale masks, the precomputed word scores and
the stored related lists. It is read from one thread at a time.
"""

from __future__ import annotations

import json
import logging
import math
import weakref
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.filedb.filestore import FileStorage
from whoosh.query import Or, Query
from whoosh.searching import Searcher

from ..content.curation import Synonyms
from . import abbreviations
from .docstore import DocStore
from .scoring import ScoreCache, top_documents, weighting
from .schema import analyzer_for, field_suffix, language_of, languages_of, words_analyzer
from .query import QueryPlan, Vocabulary, highlight_terms, word_query

log = logging.getLogger(__name__)
KEY_TERMS = 12
# How many of the best field-score hits are re-ordered by passage cover, and how much a
# passage holding every query word lifts one (x1.5). On the dev sets 0.3 to 1.0 and a depth
# of 15 to 50 all gave within 0.003 of each other: the effect is the cover, not the numbers.
RERANK_DEPTH = 20
PASSAGE_WEIGHT = 0.5
COMMON_SHARE = 0.9  # a word nine in ten articles of its language hold is not marked in snippets
COMMON_MIN_ARTICLES = 10
FEW_RESULTS = 10  # fewer than a page of results for the reader's own words is "little"
RELATED_STORED = 5  # how many related articles a build stores per article


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


class _OpenedFiles(FileStorage):
    """A FileStorage that remembers the files it opened, so a build that fails to open
    closes them at once instead of leaving them to the garbage collector."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.opened: list[Any] = []

    def open_file(self, name: str, **kwargs: Any) -> Any:
        opened = super().open_file(name, **kwargs)
        self.opened.append(opened)
        return opened

    def close_opened(self) -> None:
        for opened in self.opened:
            if not getattr(opened, "is_closed", False):  # Whoosh's files refuse a second close
                try:
                    opened.close()
                except (OSError, ValueError):
                    pass


class IndexState:
    """One opened build: its searcher, catalog and lookup tables. Immutable once made."""

    def __init__(self, folder: Path, build_id: str, default_locale: str) -> None:
        self.build_id = build_id
        self.default_locale = default_locale
        # Read the segment through the file, not a memory map: Whoosh copies each mapped part
        # it opens into a private BytesIO (19 MB of postings and terms per worker on the shared
        # corpus), while file reads keep one copy in the OS page cache for every worker.
        # Whoosh reads such a file by seeking and then reading one shared handle, so a state
        # is read from one thread at a time: in a worker, the event loop's.
        storage = _OpenedFiles(str(folder), supports_mmap=False, readonly=True)
        try:
            self.index = storage.open_index()
            self.searcher: Searcher = self.index.searcher(weighting=weighting())
        except Exception:
            storage.close_opened()  # a segment Whoosh could not read stays open inside it otherwise
            raise
        # The segment file stays open while the searcher lives: closed by close(), or once
        # nothing uses the searcher any more (a failed open, a short-lived service), never leaked.
        self._release = weakref.finalize(self.searcher, self.searcher.reader().close)
        # The languages this build's fields are analysed in: a build made with other locales still answers.
        self.languages = languages_of(self.index.schema)
        self.catalog: dict[str, dict[str, Any]] = json.loads((folder / "catalog.json").read_text(encoding="utf-8"))
        self.docs = DocStore(folder)
        reader = self.searcher.reader()
        column = reader.column_reader("key")
        self.keys: dict[int, str] = {n: column[n] for n in reader.all_doc_ids()}
        self.docnum: dict[str, int] = {key: n for n, key in self.keys.items()}
        self.group_of: dict[int, str] = {
            n: self.catalog[key]["dup_group"] for n, key in self.keys.items() if self.catalog[key].get("dup_group")
        }
        group_numbers: dict[str, int] = {}
        self.group_array = np.full(self.searcher.doc_count_all(), -1, dtype=np.int32)
        for n, group in self.group_of.items():
            self.group_array[n] = group_numbers.setdefault(group, len(group_numbers))
        self.scores = ScoreCache.for_build(self.searcher, folder)
        self._per_language: Counter[str] | None = None  # articles per analysed language, counted when first asked
        self._abbreviations = abbreviations.worth_expanding(abbreviations.load(folder), self.searcher.reader())
        self._merged: dict[str, tuple[Synonyms, Synonyms]] = {}
        self._vocabulary: Vocabulary | None = None
        self._chains: dict[str | None, tuple[str, ...]] = {}
        self._masks: dict[Any, np.ndarray] = {}  # keyed by a visible set, or ("locale", locale)
        self._title_words: dict[str, frozenset[str]] | None = None
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

    def close(self) -> None:
        self.scores.close()
        self._release.detach()
        self.searcher.close()
        self.docs.close()

    def folded_count(self, docnums: np.ndarray) -> int:
        """How many results remain once near-duplicates are folded together."""
        groups = self.group_array[docnums]
        return int((groups < 0).sum()) + len(np.unique(groups[groups >= 0]))

    def locale_mask(self, locale: str) -> np.ndarray:
        found = self._masks.get(("locale", locale))
        if found is None:
            found = np.zeros(self.searcher.doc_count_all(), dtype=bool)
            for n, key in self.keys.items():
                found[n] = self.catalog[key]["locale"] == locale
            self._masks[("locale", locale)] = found
        return found

    def key_terms_query(self, key: str, locale: str) -> Query | None:
        """The article's most distinctive words, as a query over its language's fields."""
        lang = self.language_of(locale)
        suffix = field_suffix(lang)
        counts: Counter[str] = Counter()
        for passage in self.docs.passages(key):
            counts.update(passage.terms)
        for token in analyzer_for(lang)(self.catalog[key]["title"]):
            counts[token.text] += 3  # the title says what the article is about
        total = max(1, self.searcher.doc_count_all())
        terms = list(counts)
        weighted = []
        for term, df in zip(terms, self._doc_frequencies("body" + suffix, terms)):
            if 0 < df < total:  # rarity weighs it: a word in every article says nothing
                weighted.append((counts[term] * math.log(total / df), term))
        chosen = [term for _, term in sorted(weighted, reverse=True)[:KEY_TERMS]]
        return Or([word_query(suffix, term) for term in chosen]) if chosen else None

    def prefer_close_words(self, top: list[tuple[int, float]], terms: dict[str, set[str]]) -> list[tuple[int, float]]:
        """The best few re-ordered by how much of the query one passage of each holds.

        Field scores count the words wherever they stand; an article whose one sentence
        says "anonymous users ... blocked from joining" answers the question, one that
        has "anonymous" in a list and "joining" three sections on only mentions both.
        Measured on the dev sets (MRR@10): short 0.711 -> 0.728, misspelled 0.649 -> 0.691,
        long 0.892 -> 0.912, title-derived unchanged at 0.918.
        """
        head = top[:RERANK_DEPTH]
        if len(head) < 2:
            return top
        weights: dict[str, dict[str, float]] = {}
        rescored = []
        for docnum, score in head:
            key = self.keys[docnum]
            lang = self.language_of(self.catalog[key]["locale"])
            if lang not in weights:
                weights[lang] = self.rarity(lang, terms.get(lang, set()))
            rescored.append((docnum, score * (1.0 + PASSAGE_WEIGHT * self.docs.cover(key, weights[lang]))))
        # Stable: equal scores keep the order the field scores gave them.
        rescored.sort(key=lambda item: -item[1])
        return rescored + top[RERANK_DEPTH:]

    def marked_terms(self, terms: dict[str, set[str]]) -> dict[str, set[str]]:
        """The query's terms worth marking in snippets, per language: not function words, and
        not words nearly every article holds ("Relay" on a site about Relay), which say nothing about
        why this article was found rather than another."""
        if self._per_language is None:
            self._per_language = Counter(self.language_of(entry["locale"]) for entry in self.catalog.values())
        out = {}
        for lang, found in terms.items():
            kept = sorted(highlight_terms(found, lang))
            frequencies = self._doc_frequencies("body" + field_suffix(lang), kept)
            articles = self._per_language[lang]
            # Among a handful of articles every word is in "nearly all": the rule needs a few to mean anything.
            most = articles * COMMON_SHARE if articles >= COMMON_MIN_ARTICLES else articles
            out[lang] = {term for term, df in zip(kept, frequencies) if df <= most}
        return out

    def _doc_frequencies(self, fieldname: str, terms: list[str]) -> list[int]:
        # In one vectorised lookup where the build has impacts (a hundred words cost tens
        # of microseconds, not a Whoosh lookup each).
        impacts = self.scores.impacts
        to_bytes = self.searcher.schema[fieldname].to_bytes
        found = impacts.doc_frequencies(fieldname, [to_bytes(t) for t in terms]) if impacts is not None else None
        if found is not None:
            return found.tolist()
        reader = self.searcher.reader()
        return [reader.doc_frequency(fieldname, t) for t in terms]

    def rarity(self, lang: str, terms: set[str]) -> dict[str, float]:
        """Each term's weight by how few articles' bodies hold it, log(1 + N / df); unknown terms are left out."""
        ordered = sorted(terms)
        total = max(1, self.searcher.doc_count_all())
        return {term: math.log(1 + total / df)
                for term, df in zip(ordered, self._doc_frequencies("body" + field_suffix(lang), ordered)) if df > 0}


    @property
    def abbreviations(self) -> dict[str, list[list[object]]]:
        """{language: [[short, long, articles defining it], ...]}: the mined abbreviations search expands."""
        return self._abbreviations

    def language_of(self, locale: str) -> str:
        """The analysis this build gives a locale: its own language's, or English's."""
        return language_of(locale, self.languages)

    def synonyms(self, lang: str, writers: Synonyms) -> Synonyms:
        """The writers' synonym groups for a language, then the abbreviations its articles define."""
        # Writers' files are re-read as they change, each time into a new Synonyms: merged once per version.
        found = self._merged.get(lang)
        if found is None or found[0] is not writers:
            found = (writers, abbreviations.with_abbreviations(writers, self._abbreviations.get(lang, [])))
            self._merged[lang] = found
        return found[1]

    def suggestion_helps(self, plan: QueryPlan, allowed: frozenset[int]) -> bool:
        """Whether "Did you mean" is worth showing: the reader's own words find little, and
        with the corrections more than twice as many. A query that finds plenty is never second-guessed,
        so a word the index happens not to know ("doesnt") is not "corrected" into a fragment."""
        if plan.corrected is None:
            return False
        mask = self.mask(allowed)
        found = int((top_documents(self.scores.scores(plan.own), mask, 0)[1]).size) if plan.own is not None else 0
        if found >= FEW_RESULTS:
            return False
        corrected = int(top_documents(self.scores.scores(plan.corrected), mask, 0)[1].size)
        return corrected > 2 * found  # clearly more: over twice as many

    @property
    def title_words(self) -> dict[str, frozenset[str]]:
        """Each article's title words, for suggestions (made on first use)."""
        if self._title_words is None:
            self._title_words = {
                key: frozenset(t.text for t in words_analyzer()(entry["title"])) for key, entry in self.catalog.items()
            }
        return self._title_words

    @property
    def vocabulary(self) -> Vocabulary:
        """The words field's vocabulary, for spelling (a quarter second to read: made on first use,
        which for a server is before the build is swapped in)."""
        if self._vocabulary is None:
            self._vocabulary = Vocabulary(self.searcher.reader(), "words")
        return self._vocabulary

    def related_keys(self, key: str, limit: int = 5) -> tuple[str, ...]:
        """The catalog keys of the articles most like this one: its most distinctive words
        (passage frequency times rarity) scored like a query, same locale, searchable, and
        no near-duplicates of the article or of each other."""
        locale = self.catalog[key]["locale"]
        docnum = self.docnum[key]
        allowed = self.mask(self.visible([locale])).copy()
        allowed &= self.locale_mask(locale)
        allowed[docnum] = False
        query = self.key_terms_query(key, locale)
        chosen: list[str] = []
        if query is not None:
            top, _ = top_documents(self.scores.scores(query), allowed, limit * 4)
            seen_groups = {self.group_of.get(docnum)} - {None}
            titles = {self.catalog[key]["title"].lower()}
            for other_doc, _score in top:
                other = self.keys[other_doc]
                group = self.group_of.get(other_doc)
                title = self.catalog[other]["title"].lower()
                if (group and group in seen_groups) or title in titles:
                    continue
                seen_groups.add(group)
                titles.add(title)
                chosen.append(other)
                if len(chosen) >= limit:
                    break
        return tuple(chosen)

    def mask(self, docs: frozenset[int]) -> np.ndarray:
        """A boolean array over docnums for a visible set (cached: sets come from `visible`'s cache)."""
        found = self._masks.get(docs)
        if found is None:
            found = np.zeros(self.searcher.doc_count_all(), dtype=bool)
            if docs:
                found[np.fromiter(docs, dtype=np.int64)] = True
            if len(self._masks) > 256:
                self._masks.clear()
            self._masks[docs] = found
        return found

    def chain(self, locale: str | None) -> list[str]:
        # Asked on every request, and a build's locales never change: worked out once per locale.
        found = self._chains.get(locale)
        if found is None:
            found = tuple(locale_chain(locale, self.default_locale, self.locales))
            if len(self._chains) < 256:  # callers pass offered locales; anything else is not kept
                self._chains[locale] = found
        return list(found)

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
