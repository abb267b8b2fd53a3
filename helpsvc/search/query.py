"""Turning what a reader typed into a safe, cheap Whoosh query.

User text is never parsed as query syntax: a reader's words are words, not
operators. The text is cut to a bounded length and analysed with each
language's analyzer; every word becomes a plain term over title, terms
(keywords, summary, headings) and body, scored by its best field, and the
words are OR-ed together with BM25 weights, so matching more words scores
higher and a long question still works. Writers'
synonyms and spelling corrections add alternatives with a lower weight; they
never remove what the reader typed.
"""

from __future__ import annotations

import functools
import html as html_lib
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from whoosh.lang import stopwords_for_language
from whoosh.query import DisjunctionMax, Or, Phrase, Query, Term
from whoosh.reading import IndexReader
from symspellpy import SymSpell, Verbosity

from ..content.curation import Synonyms
from .schema import TEXT_FIELDS, analyzer_for, field_suffix, words_analyzer

MAX_QUERY_CHARS = 1000
MAX_TERMS = 32
MAX_EDITS = 2  # the most edits a respelling may take
# SymSpell indexes deletions of each word's first 5 letters (its default is 7) and checks whole
# words after: on the corpus's 17,695 words the index takes 8.6 MB instead of 37.6 MB per worker,
# with the same corrections on the dev set's misspelled queries (MRR@10 0.691 either way).
SPELLING_PREFIX = 5
SYNONYM_BOOST = 0.6
CORRECTION_BOOST = 0.9
PAIR_MIN_WORDS = 6
PAIR_LIMIT = 4
PAIR_BOOST = 0.5
SHORT_WORDS = 6  # a query of at most this many words (after stopwords) is short: rarity is weighed over whole articles
TIEBREAK = 0.2  # share of a word's score in its other fields (measured on the known-item sets: 0.1-0.3 alike)
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
    own: Query | None = None  # the reader's words alone, and with the corrections: for "Did you mean"
    corrected: Query | None = None


class Vocabulary:
    """Which words a field holds, and how to respell a word it does not hold.

    Membership is a sorted array of the words' hashes (a few hundred KB): asking
    Whoosh costs a lookup in the segment file for every query word. Two words
    sharing a 64-bit hash would make an unknown word look known, so it would go
    uncorrected: about one chance in 10^14 per query word.

    Respellings come from a SymSpell deletion index of the same words, made once
    per opened build (a few seconds): a misspelled word then costs a few dictionary
    lookups instead of a Levenshtein walk over the whole lexicon, so a misspelled
    query costs about what a clean one does.
    """

    def __init__(self, reader: IndexReader, fieldname: str) -> None:
        self._hashes = np.unique(np.fromiter((hash(word) for word in reader.lexicon(fieldname)), dtype=np.int64))
        self._spelling = SymSpell(max_dictionary_edit_distance=MAX_EDITS, prefix_length=SPELLING_PREFIX)
        for word, info in reader.iter_field(fieldname):
            text = word.decode("utf-8") if isinstance(word, bytes) else word
            if len(text) >= 3 and not any(ch.isdigit() for ch in text):
                self._spelling.create_dictionary_entry(text, info.doc_frequency())

    def __contains__(self, word: bytes) -> bool:
        at = int(np.searchsorted(self._hashes, hash(word)))
        return at < len(self._hashes) and int(self._hashes[at]) == hash(word)

    def respell(self, word: str) -> str | None:
        """The commonest known word fewest edits away (one edit for words of five letters or
        fewer, two for longer ones: two edits turn most short words into other real words);
        one that keeps the first letter wins a tie, as readers rarely mistype it."""
        maxdist = 1 if len(word) <= 5 else MAX_EDITS
        found = self._spelling.lookup(word, Verbosity.CLOSEST, max_edit_distance=maxdist)
        if not found:
            return None
        best = min(found, key=lambda s: (s.distance, s.term[:1] != word[:1], -s.count, s.term))
        return best.term if best.term != word else None


def corrections_for(text: str, reader: IndexReader | None, known: Vocabulary | None = None) -> tuple[dict[str, str], bool]:
    """Respellings, from the index's own vocabulary, of words the index has never seen.

    Words the index knows are left alone: a query that matches is never rewritten. An
    English contraction typed without its apostrophe ("cant", "wont") is a function word,
    not a misspelling to respell into "can" or "want".
    Returns (corrections, whether every word of four letters or more was unknown).
    ``known`` is the "words" field's vocabulary (the service keeps one per build);
    without it one is made here, which takes seconds.
    """
    if reader is None:
        return {}, False
    vocabulary = known if known is not None else Vocabulary(reader, "words")
    found: dict[str, str] = {}
    checked = 0
    for token in words_analyzer()(text[:300]):
        word = token.text
        if len(word) < 4 or any(ch.isdigit() for ch in word) or word in found or word in _BARE_CONTRACTIONS:
            continue
        checked += 1
        if word.encode("utf-8") in vocabulary:
            continue
        better = vocabulary.respell(word)
        if better is not None:
            found[word] = better
    return found, bool(found) and len(found) == checked


def _analysed(lang: str, text: str) -> list[str]:
    return list(dict.fromkeys(t.text for t in analyzer_for(lang)(text)))


def _idf(total: int, df: int) -> float:
    """Whoosh's BM25 IDF, the one its field scores carry."""
    return math.log(total / (df + 1)) + 1.0


def shared_idf_weights(reader: IndexReader | None, suffix: str, token: str) -> list[float] | None:
    """Per field, what turns the field's own IDF of a word into its IDF over whole articles.

    BM25F takes a word's IDF per field, and a common word is rare among titles: "sign"
    stands in a few dozen titles and hundreds of bodies, so a title match on two or
    three common words outscored the article whose body holds the one rare word the
    reader meant. Scoring every field with the word's rarity over whole articles
    (the largest field frequency stands for the articles that hold it anywhere) keeps
    field weights and length normalisation and makes rarity count alike in every field.
    """
    if reader is None:
        return None
    total = reader.doc_count_all()
    dfs = [reader.doc_frequency(name + suffix, token) for name in TEXT_FIELDS]
    shared = _idf(total, max(dfs))
    return [shared / _idf(total, df) if df else 1.0 for df in dfs]


# A Windows error code's eight hex digits, as analysed (lower case), at least one a digit: a code, not a word.
_HRESULT_RE = re.compile(r"(?=[a-f]*[0-9])[0-9a-f]{8}")


def word_query(suffix: str, token: str, boost: float = 1.0, weights: list[float] | None = None) -> Query:
    """One word over every text field: its best field counts fully, the others a little.

    Adding the fields up counted a title word three times (title, the headings
    that repeat the title, body), so pages sharing a word or two with the query
    in their title beat the page whose body matches many of its rarer words.
    ``weights``: a factor per field (``TEXT_FIELDS`` order), on top of the schema's field boosts.
    """
    fields = [Term(name + suffix, token, boost=w) for name, w in zip(TEXT_FIELDS, weights or [1.0] * len(TEXT_FIELDS))]
    return DisjunctionMax(fields, boost=boost, tiebreak=TIEBREAK)


def _alternative(lang: str, suffix: str, phrase_words: Iterable[str], boost: float) -> list[Query]:
    tokens = _analysed(lang, " ".join(phrase_words))
    if not tokens:
        return []
    if len(tokens) == 1:
        return [word_query(suffix, tokens[0], boost)]
    # A multi-word alternative must match as a phrase, or "present desktop" would match any "present".
    phrases = [Phrase(name + suffix, tokens) for name in ("title", "body")]
    return [DisjunctionMax(phrases, boost=boost, tiebreak=TIEBREAK)]


def _pairs(text: str, lang: str, suffix: str, reader: IndexReader | None) -> list[Query]:
    """For long questions, a bonus where two adjacent words also stand together in a body.

    Only the rarest few pairs: they carry the meaning (an error message, a
    setting's name), and each costs a positional lookup.
    """
    if reader is None:
        return []
    sequence = [t.text for t in analyzer_for(lang)(text[:MAX_QUERY_CHARS])]
    if len(sequence) < PAIR_MIN_WORDS:
        return []
    field_name = "body" + suffix
    rarity = {t: reader.doc_frequency(field_name, t) for t in set(sequence)}
    pairs = {(a, b) for a, b in zip(sequence, sequence[1:]) if a != b and rarity[a] and rarity[b]}
    chosen = sorted(pairs, key=lambda p: rarity[p[0]] + rarity[p[1]])[:PAIR_LIMIT]
    return [Phrase(field_name, list(pair), boost=PAIR_BOOST) for pair in sorted(chosen)]


def build_query(
    text: str,
    languages: list[str],
    reader: IndexReader | None = None,
    synonyms: dict[str, Synonyms] | None = None,
    corrections: dict[str, str] | None = None,
) -> QueryPlan:
    """A disjunction of analysed terms for every language in play (each one the build analyses)."""
    subqueries: list[Query] = []
    own: list[Query] = []
    fixes: list[Query] = []
    terms: dict[str, set[str]] = {}
    for lang in languages:
        suffix = field_suffix(lang)
        tokens = _analysed(lang, text)
        if len(tokens) > MAX_TERMS and reader is not None:
            # Long questions: keep the rarest words, which carry the meaning; common ones cost time and add noise.
            tokens = sorted(tokens, key=lambda t: reader.doc_frequency("body" + suffix, t))[:MAX_TERMS]
        else:
            tokens = tokens[:MAX_TERMS]
        terms[lang] = set(tokens)
        # Long questions match many words and lean on titles; short ones carry one or two that matter.
        short = len(tokens) <= SHORT_WORDS
        words = [
            word_query(suffix, token, weights=shared_idf_weights(reader, suffix, token) if short else None)
            for token in tokens
        ]
        words.extend(_pairs(text, lang, suffix, reader))
        # An error code read off the screen is often typed without its "0x" ("80070005"); articles write it with.
        prefixed = [f"0x{token}" for token in tokens if _HRESULT_RE.fullmatch(token)]
        words.extend(word_query(suffix, token) for token in prefixed)
        terms[lang].update(prefixed)
        subqueries.extend(words)
        own.extend(words)
        for wrong, right in (corrections or {}).items():
            extra = _alternative(lang, suffix, [right], CORRECTION_BOOST)
            subqueries.extend(extra)
            fixes.extend(extra)
            terms[lang].update(_analysed(lang, right))
        group = (synonyms or {}).get(lang)
        if group is not None:
            for expansion in group.expand(text)[:8]:
                for alternative in expansion.alternatives[:6]:
                    subqueries.extend(_alternative(lang, suffix, alternative, SYNONYM_BOOST))
                    terms[lang].update(_analysed(lang, " ".join(alternative)))
    if not subqueries:
        return QueryPlan(None, terms)
    return QueryPlan(Or(subqueries), terms, own=Or(own) if own else None, corrected=Or(own + fixes) if fixes else None)


SNIPPET_CHARS = 240
_WORD_RE = re.compile(r"\w+(?:\.?\w+)*", re.UNICODE)


@functools.lru_cache(maxsize=200_000)
def _stem(lang: str, word: str) -> str | None:
    """A word as the index knows it (lower-cased, stemmed), or None for a stop word."""
    tokens = [t.text for t in analyzer_for(lang)(word)]
    return tokens[0] if len(tokens) == 1 else None


# What the word pattern leaves of an English negative contraction ("doesn't" -> "doesn", "t");
# Whoosh's list has "don" but not the others (NLTK's English list has them all).
_CONTRACTION_FRAGMENTS = {"en": ("aren", "couldn", "didn", "doesn", "hadn", "hasn", "haven", "isn", "mightn",
                                 "mustn", "needn", "shan", "shouldn", "wasn", "weren", "wouldn")}


# The same contractions typed without the apostrophe, as readers in a hurry do ("doesnt", "cant").
_BARE_CONTRACTIONS = frozenset(
    [fragment + "t" for fragment in _CONTRACTION_FRAGMENTS["en"]] + ["cant", "wont", "dont", "youre", "theyre", "thats", "whats"]
)


@functools.lru_cache(maxsize=None)
def _function_words(lang: str) -> frozenset[str]:
    """The language's function words ("my", "how", "mon") as the index knows them."""
    listed = [*(stopwords_for_language(lang) or ()), *_CONTRACTION_FRAGMENTS.get(lang, ())]
    return frozenset(stem for stem in (_stem(lang, word) for word in listed) if stem)


def highlight_terms(terms: set[str], lang: str) -> set[str]:
    """The query terms worth marking in a snippet: its words, less the function words.

    They still count in the ranking (rarity weighs them down); marked, "my" and "how"
    only draw the eye away from the words that say why the article was found.
    """
    return set(terms) - _function_words(lang)


def matching_spans(text: str, terms: set[str], lang: str) -> list[tuple[int, int]]:
    """Where the words of ``text`` that analyse to one of ``terms`` start and end.

    For passages whose places the build did not store. Passages are a sentence or
    a line, and their words repeat across articles, so each word's stem is looked
    up once per process instead of running the analyzer over every passage.
    """
    # Stemming only changes a word's ending (and, in languages other than English, folds
    # accents), so a word whose first two letters are plain ASCII can only match a term that
    # starts with them: most words of a passage are ruled out without running the analyzer
    # (checked on the 42,933 distinct English words of the shared corpus and the German and
    # French articles).
    heads = {term[:2] for term in terms}
    return [
        m.span() for m in _WORD_RE.finditer(text)
        if ((head := m.group()[:2].lower()) in heads or not head.isascii()) and _stem(lang, m.group()) in terms
    ]


def make_snippet(text: str, terms: set[str], lang: str, spans: list[tuple[int, int]] | None = None) -> str:
    """One passage as HTML: escaped text, <mark> around the words that matched, cut near the first match.

    ``spans``: where the matching words are, as the build stored them; found by
    stemming the passage's words when None.
    """
    if not text or not terms:
        return ""
    matches = matching_spans(text, terms, lang) if spans is None else spans
    if not matches:
        return ""
    first_start, first_end = matches[0]
    start = 0
    if len(text) > SNIPPET_CHARS and first_start > SNIPPET_CHARS // 3:
        start = text.rfind(" ", 0, first_start - SNIPPET_CHARS // 4) + 1
    end = min(len(text), start + SNIPPET_CHARS)
    if end < len(text):
        end = max(text.rfind(" ", start, end), first_end)
    out = ["… " if start else ""]
    position = start
    for match_start, match_end in matches:
        if match_start < start or match_end > end:
            continue
        out.append(html_lib.escape(text[position:match_start]))
        out.append(f'<mark class="hl">{html_lib.escape(text[match_start:match_end])}</mark>')
        position = match_end
    out.append(html_lib.escape(text[position:end]))
    if end < len(text):
        out.append(" …")
    return "".join(out)
