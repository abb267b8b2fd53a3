"""What the name tagger reads of a word: its shape, its frequency in seven languages, what
the lists say of it, its neighbours and the punctuation between them, and the decisions
for the words before it (``history``).

``Bands`` holds the word frequencies the model file carries; ``Features`` turns a text's
tokens into the feature strings whose weights ``tagger.NameTagger`` sums and
``train_names`` learns.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from .decode import NAME_AND
from .lexicon import Lexicon
from .tokens import LOWER, Token, tokenize
from .vocabulary import HONORIFICS, LANGUAGES, NAME_PARTICLES, STOPWORDS

_NO_BANDS = "0" * len(LANGUAGES)
_START, _END = "^", "$"


def gap_class(gap: str, edge: str | None = None) -> str:
    """What stands between two words, as one symbol: the cue a greeting or a sign-off leaves."""
    if gap == " ":
        return "_"
    # Long gaps (a pasted log between two words) say no more than their ends.
    return _gap_class(gap if len(gap) <= 12 else gap[:6] + gap[-6:], edge)


@lru_cache(maxsize=4096)
def _gap_class(gap: str, edge: str | None) -> str:
    if edge is not None and not gap.strip():
        return edge
    if "{{" in gap or "}}" in gap:
        return "P"  # a placeholder an earlier pass left ("{{NAME}} van der Meer")
    for chars, symbol in (("\n", "N"), (",", ","), ("@", "@"), ("(", "("), (")", ")"), (":", ":"),
                          ("-–—", "-"), (".!?", "."), ("'\"’‘«»“”", "q"), (";", ",")):
        if any(c in gap for c in chars):
            return symbol
    if any(c.isdigit() for c in gap):
        return "9"
    return "_" if not gap.strip() else "?"


def text_case(text: str) -> str:
    """U when the text is written in capitals, L when in lower case, M otherwise (or caseless)."""
    upper, lower = text.upper(), text.lower()
    if upper == lower:
        return "M"
    if text == upper:
        return "U"
    return "L" if text == lower else "M"


_PLACEHOLDER_RE = re.compile(r"\{\{[^{}\s]{1,40}\}\}")
PLACEHOLDER = "{{}}"


# What glues letters into no word: digits (as ``str.isdigit`` has them, superscripts too) and "_".
_GLUE_RE = re.compile(r"[\d_\u00b2\u00b3\u00b9\u2070-\u2079\u2080-\u2089]")


def words(text: str, tokens: Sequence[Token] | None = None) -> list[Token]:
    """The words the tagger reads: ``tokenize``'s, plus one for each placeholder an earlier
    pass left (see ``NameTagger.detect``)."""
    # Letters glued to digits ("e7b18" in an id, "x64") are no words.
    found = tokenize(text) if tokens is None else list(tokens)
    glued = {m.start() for m in _GLUE_RE.finditer(text)}
    if glued:
        found = [t for t in found if t.start - 1 not in glued and t.end not in glued]
    if "{{" not in text:
        return found
    marks = [Token(m.start(), m.end(), PLACEHOLDER, PLACEHOLDER, "P") for m in _PLACEHOLDER_RE.finditer(text)]
    found = [t for t in found if not any(m.start <= t.start < m.end for m in marks)]
    return sorted(found + marks, key=lambda t: t.start)


class Bands:
    """How common a word is in each of ``LANGUAGES``: one digit per language, the floor of its
    Zipf frequency (0 below 1, 3 about once per 100,000 words, 6 for "will" or "der")."""

    def __init__(self, table: dict[str, str], markers: dict[str, str] | None = None) -> None:
        self.table = table
        self.of = lru_cache(maxsize=65536)(self._of)
        # The words that say which language a text is in, and the languages (indexes) they say.
        self.markers = self._markers() if markers is None else markers
        self._votes = {key: tuple(map(int, langs)) for key, langs in self.markers.items()}

    def _markers(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for key in self.table:
            _, top, spread, peak = self.of(key)
            if top >= 4 and spread >= 1 and len(peak) <= 2:
                out[key] = "".join(str(i) for i in sorted(peak))
        self.of.cache_clear()
        return out

    def _of(self, key: str) -> tuple[str, int, int, frozenset[int]]:
        """(digits, highest band, how far it stands above the median band, the languages at the highest)."""
        digits = self.table.get(key)
        if digits is None and "-" in key:
            # A compound written with a hyphen is read by its last part, its head ("Skype-Besprechungen").
            digits = self.table.get(key.rsplit("-", 1)[1])
        if digits is None:
            return _NO_BANDS, 0, 0, frozenset()
        values = sorted(digits)  # digits sort as their numbers do
        top = int(values[-1])
        peak = frozenset(i for i, d in enumerate(digits) if d == values[-1]) if top else frozenset()
        return digits, top, min(3, top - int(values[len(values) // 2])), peak

    def language(self, keys: Iterable[str]) -> int:
        """The index in ``LANGUAGES`` of the language most of the frequent words are common in only there,
        or -1 when no word says: "dar de alta el teléfono" is Spanish, "Will Turner" nothing."""
        votes = [0] * len(LANGUAGES)
        get = self._votes.get
        for key in keys:
            for i in get(key, ()):
                votes[i] += 1
        best = max(votes)
        return votes.index(best) if best else -1


class Features:
    """Turns tokens into feature strings; the same code serves training and tagging."""

    def __init__(self, lexicon: Lexicon, article_words: dict[str, int], bands: Bands) -> None:
        self._lex = lexicon
        self._articles = article_words
        self.bands = bands
        self._stop = frozenset(STOPWORDS)
        self.places = lexicon.places
        self.word = lru_cache(maxsize=65536)(self._word)
        # The scrubber's passes read one text again: its language is looked up, not found again.
        self._language = lru_cache(maxsize=1024)(bands.language)

    def _signature(self, key: str) -> str:
        lex = self._lex
        count = self._articles.get(key, 0)
        return "".join((
            "g" if key in lex.given else "",
            "s" if key in lex.surnames else "",
            "c" if key in lex.common else "",
            "k" if key in lex.core_common else "",
            "p" if key in lex.places else "",
            "o" if key in lex.popular else "",
            "r" if key in NAME_PARTICLES else "",
            "h" if key in HONORIFICS or key + "." in HONORIFICS else "",
            "t" if key in self._stop else "",
            "v3" if count >= 50 else "v2" if count >= 5 else "v1" if count else "",
        )) or "-"

    def _word(self, key: str, shape: str) -> tuple[str, tuple[str, ...] | None, tuple[str, ...]]:
        """(signature, the features of the word itself, its band in each language), cached per
        word. A word no list knows as a name that is a function word, a title or an everyday
        word of the lists or the articles has no features: it is never tagged, which spares
        most words of a text. So has a function word in lower case ("will", "may") and a
        lower-case word no list has."""
        sig = self._signature(key)
        listed = "g" in sig or "s" in sig or "r" in sig
        lower = shape == LOWER
        if "r" not in sig and (lower and ("t" in sig or sig == "-")) or not listed and (
                len(key) < 2 or "t" in sig or "h" in sig or "c" in sig or "k" in sig or "v2" in sig or "v3" in sig):
            return sig, None, ()
        size = "2" if len(key) == 2 else "3" if len(key) < 5 else "5"
        digits, top, spread, peak = self.bands.of(key)
        where = "1" if len(peak) == 1 else "2" if len(peak) == 2 else "n"
        return sig, (
            "b", f"w={key}", f"s={shape}", f"p3={key[:3]}", f"x3={key[-3:]}", f"x2={key[-2:]}",
            f"g={sig}", f"gs={sig}{shape}", f"n={size}{shape}", f"h={self._parts(key)}{shape}",
            f"q={top}{spread}{shape}", f"qw={top}{spread}{where}", f"qg={top}{spread}{sig}",
        ), tuple(d + "p" if i in peak else d for i, d in enumerate(digits))  # "p": its highest band

    def _parts(self, key: str) -> str:
        """For a compound, what each of its first parts is: a listed name (n), an everyday word (w),
        unknown (u); "Hans-Peter" is nn, "Teams-Admin" ww. For a word without a hyphen, "-"."""
        if "-" not in key:
            return "-"
        lex = self._lex
        return "".join(
            "n" if (p in lex.given or p in lex.surnames) and p not in lex.common else
            "w" if p in lex.common or self.bands.of(p)[1] >= 3 else "u"
            for p in key.split("-")[:3])

    def context(self, tokens: Sequence[Token], text: str) -> list[tuple[tuple[str, ...], Around, tuple[str, str, str]] | None]:
        """For each token: (its own features, what surrounds it, pieces of the history
        features), or None for a word that is never a name.

        What surrounds a word is a plain tuple (see ``around``), so a tagger can cache its
        score: the passes of one scrubbing see the same words in the same places."""
        tc = text_case(text)
        n = len(tokens)
        words = [self.word(t.key, t.shape) for t in tokens]
        kinds = [t.shape + w[0] for t, w in zip(tokens, words)]
        keys = [t.key for t in tokens]
        lang, tl = -2, "?"  # the text's language, found at the first word that may be a name
        out: list[tuple[tuple[str, ...], Around, tuple[str, str, str]] | None] = []
        for i in range(n):
            own = words[i][1]
            if own is None:
                out.append(None)
                continue
            if lang == -2:
                lang = self._language(tuple(keys))
                tl = LANGUAGES[lang] if lang >= 0 else "?"
            tok = tokens[i]
            gl = gap_class(text[tokens[i - 1].end : tok.start]) if i else gap_class(text[: tok.start], _START)
            gr = gap_class(text[tok.end : tokens[i + 1].start]) if i + 1 < n else gap_class(text[tok.end :], _END)
            in_lang = words[i][2][lang] if lang >= 0 else "?"  # the word's band in the text's language
            key = (
                tc, tok.shape, words[i][0],
                keys[i - 1] if i else _START, keys[i + 1] if i + 1 < n else _END,
                keys[i - 2] if i > 1 else _START, keys[i + 2] if i + 2 < n else _END,
                kinds[i - 1] if i else _START, kinds[i + 1] if i + 1 < n else _END,
                gl, gr, tl, in_lang,
            )
            out.append((own, key, (kinds[i], gl, keys[i - 1] if i else _START)))
        return out


Around = tuple[str, str, str, str, str, str, str, str, str, str, str, str, str]


def around(key: Around) -> tuple[str, ...]:
    """Features of a word's surroundings: text case, neighbouring words and their kinds, punctuation,
    and how common the word is in the text's language."""
    tc, shape, sig, prev, nxt, prev2, nxt2, psig, nsig, gl, gr, tl, in_lang = key
    return (
        f"tc={tc}{shape}", f"tcg={tc}{shape}{sig}", f"pw={prev}", f"nw={nxt}", f"pw2={prev2}",
        f"nw2={nxt2}", f"ps={psig}", f"ns={nsig}", f"gl={gl}", f"gr={gr}", f"glr={gl}{gr}{shape}",
        f"gls={gl}{shape}{sig}", f"grs={gr}{shape}{sig}", f"pws={prev}|{shape}", f"pwg={prev}|{gl}",
        f"nwg={nxt}|{gr}", f"pns={psig}|{nsig}", f"pwn={prev}|{nxt}",
        f"qlt={tl}{in_lang}{shape}", f"qlg={in_lang}{gl}{shape}", f"qls={in_lang}{sig}",
    )


def history(prev_tag: int, pieces: tuple[str, ...]) -> tuple[str, ...]:
    """Features that read the decisions for the words before; ``pieces`` are the word's kind, the
    gap before it and the word before it (``Features.context``)."""
    shape_sig, gl = pieces[0], pieces[1]
    found = (f"pt={prev_tag}", f"pts={prev_tag}{shape_sig}", f"ptg={prev_tag}{gl}")
    # Which words join names into a list ("and", "i", "und", "y"): only read after a name.
    return found + (f"ptw={pieces[2]}",) if prev_tag == NAME_AND else found
