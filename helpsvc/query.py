"""Turning what a reader typed into a safe, cheap Whoosh query.

User text is never parsed as query syntax: a reader's words are words, not
operators. The text is cut to a bounded length and analysed with each
language's analyzer; every word becomes a plain term over title, terms
(keywords, summary, headings) and body, OR-ed together and ranked with BM25F,
so matching more words scores higher and a long question still works. Writers'
synonyms and spelling corrections add alternatives with a lower weight; they
never remove what the reader typed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from whoosh import highlight
from whoosh.query import Or, Phrase, Query, Term
from whoosh.reading import IndexReader
from whoosh.support.levenshtein import distance

from .curation import Synonyms
from .index import LANGUAGES, TEXT_FIELDS, analyzer_for, words_analyzer

MAX_QUERY_CHARS = 1000
MAX_TERMS = 32
SYNONYM_BOOST = 0.6
CORRECTION_BOOST = 0.9
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


def normalise_query(text: str) -> str:
    """Cleans user text: Unicode NFKC, no control characters, collapsed spaces, bounded length."""
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL_RE.sub(" ", text)
    text = " ".join(text.split())
    return text[:MAX_QUERY_CHARS].strip()


@dataclass
class QueryPlan:
    """A query ready to run, and what went into it (for snippets and "Did you mean")."""

    query: Query | None
    terms: dict[str, set[str]] = field(default_factory=dict)  # analysed terms per language, for highlighting
    corrections: dict[str, str] = field(default_factory=dict)  # unknown word -> correction
    unknown_only: bool = False  # every word was unknown: results come from corrections alone


def corrections_for(text: str, reader: IndexReader | None) -> tuple[dict[str, str], bool]:
    """Respellings, from the index's own vocabulary, of words the index has never seen.

    Words the index knows are left alone: a query that matches is never rewritten.
    Returns (corrections, whether every word of four letters or more was unknown).
    """
    if reader is None:
        return {}, False
    found: dict[str, str] = {}
    checked = 0
    for token in words_analyzer()(text[:300]):
        word = token.text
        if len(word) < 4 or any(ch.isdigit() for ch in word) or word in found:
            continue
        checked += 1
        if reader.doc_frequency("words", word) > 0:
            continue
        best: tuple[int, int, str] | None = None
        maxdist = 1 if len(word) <= 5 else 2  # two edits turn most short words into other real words
        for candidate in reader.terms_within("words", word, maxdist, prefix=1):
            if candidate == word or len(candidate) < 3:
                continue
            score = (-distance(word, candidate, limit=maxdist), reader.doc_frequency("words", candidate), candidate)
            if best is None or score > best:
                best = score
        if best is not None:
            found[word] = best[2]
    return found, bool(found) and len(found) == checked


def _analysed(lang: str, text: str) -> list[str]:
    return list(dict.fromkeys(t.text for t in analyzer_for(lang)(text)))


def _alternative(lang: str, suffix: str, phrase_words: Iterable[str], boost: float) -> list[Query]:
    tokens = _analysed(lang, " ".join(phrase_words))
    if not tokens:
        return []
    if len(tokens) == 1:
        return [Term(name + suffix, tokens[0], boost=boost) for name in TEXT_FIELDS]
    # A multi-word alternative must match as a phrase, or "present desktop" would match any "present".
    return [Phrase(name + suffix, tokens, boost=boost) for name in ("title", "body")]


def build_query(
    text: str,
    languages: list[str],
    reader: IndexReader | None = None,
    synonyms: dict[str, Synonyms] | None = None,
    corrections: dict[str, str] | None = None,
) -> QueryPlan:
    """A disjunction of analysed terms for every language in play."""
    subqueries: list[Query] = []
    terms: dict[str, set[str]] = {}
    for lang in languages:
        suffix = LANGUAGES[lang]
        tokens = _analysed(lang, text)
        if len(tokens) > MAX_TERMS and reader is not None:
            # Long questions: keep the rarest words, which carry the meaning; common ones cost time and add noise.
            tokens = sorted(tokens, key=lambda t: reader.doc_frequency("body" + suffix, t))[:MAX_TERMS]
        else:
            tokens = tokens[:MAX_TERMS]
        terms[lang] = set(tokens)
        for token in tokens:
            subqueries.extend(Term(name + suffix, token) for name in TEXT_FIELDS)
        for wrong, right in (corrections or {}).items():
            extra = _alternative(lang, suffix, [right], CORRECTION_BOOST)
            subqueries.extend(extra)
            terms[lang].update(_analysed(lang, right))
        group = (synonyms or {}).get(lang)
        if group is not None:
            for expansion in group.expand(text)[:8]:
                for alternative in expansion.alternatives[:6]:
                    subqueries.extend(_alternative(lang, suffix, alternative, SYNONYM_BOOST))
                    terms[lang].update(_analysed(lang, " ".join(alternative)))
    if not subqueries:
        return QueryPlan(None, terms)
    return QueryPlan(Or(subqueries), terms)


_FRAGMENTER = highlight.ContextFragmenter(maxchars=240, surround=60)
_FORMATTER = highlight.HtmlFormatter(tagname="mark", classname="hl", termclass="t", between=" … ")


def make_snippet(text: str, terms: set[str], lang: str) -> str:
    """An HTML snippet (escaped text, <mark> around matches) of the best passages of text."""
    if not text or not terms:
        return ""
    return highlight.highlight(text, terms, analyzer_for(lang), _FRAGMENTER, _FORMATTER, top=2)
