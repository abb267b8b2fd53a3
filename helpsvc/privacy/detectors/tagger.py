"""A statistical name tagger: an averaged perceptron that reads word shape and context.

Lists and rules (``names``) miss names that do not look like their examples: "ray"
in lower case, "JOY" in capitals, "van den Bosch", "Summers, Faith", a name that is
also an everyday word but stands where a person stands. The tagger decides word by
word, left to right, from features that say *how* a word is written and *where* it
stands rather than *which* word it is:

* the word's shape (Title, UPPER, lower, caseless), prefix and suffix, its length;
* how common it is as an ordinary word in each of seven languages (English, German,
  French, Spanish, Italian, Dutch, Polish: word frequencies baked into the model) and
  whether it is common in one language rather than in all (a name travels, "alta" and
  "Kalender" do not), and how common it is in the language the text itself is in;
* what the lists say about it: given name, surname, everyday word, curated everyday
  word, place, popular given name, particle, title, function word; and how often it
  appears in lower case in the help articles (an everyday word of our own texts);
* its neighbours: the words before and after, their shapes and list signatures, the
  punctuation between (a comma after a greeting, a line break before a sign-off, a
  dash, the end of the text) and whether the whole text is in capitals or lower case;
* the decision for the word before (names come in runs), and for the word before a
  conjunction or preposition (names come in lists: "heather and tom").

The weights come from ``train_names`` (``make models``), which generates its training
text reproducibly; the model ships in ``models/names.json.gz`` and is loaded once.
"""
from __future__ import annotations

import gzip
import json
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from itertools import repeat
from importlib import resources
from typing import NamedTuple

from ..errors import ScrubError
from .context import listed_with_place, place_context
from .decode import NAME_AND, Step, best_path
from .lexicon import Lexicon
from .span import Span
from .tokens import LOWER, TITLE, UPPER, Token, tokenize
from .vocabulary import HONORIFICS, INNER_PARTICLES, NAME_PARTICLES, SALUTATIONS, STOPWORDS

MODEL_FILE = "names.json.gz"
MODEL_VERSION = 3
# The languages whose word frequencies the model carries, in the order of a word's band digits.
LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "pl")
_NO_BANDS = "0" * len(LANGUAGES)
_START, _END = "^", "$"
_ZEROS = repeat(0.0)
_WINDOW = 2  # words each side that a word's features read


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


# A word the caller keeps: judged like any other word for its neighbours' history, never a name.
_NEVER: Step = (lambda state: float("-inf"), False)


def pullable(lexicon: Lexicon, text: str) -> Callable[[Token], bool]:
    """Whether a word may join a name though it scores below zero there (``decode``): a name
    list has it, and it is capitalised, or the whole text is in lower case."""
    lower_text = text_case(text) == "L"
    return lambda tok: (tok.key in lexicon.given or tok.key in lexicon.surnames) and (tok.shape != LOWER or lower_text)


def history(prev_tag: int, pieces: tuple[str, ...]) -> tuple[str, ...]:
    """Features that read the decisions for the words before; ``pieces`` are the word's kind, the
    gap before it and the word before it (``Features.context``)."""
    shape_sig, gl = pieces[0], pieces[1]
    found = (f"pt={prev_tag}", f"pts={prev_tag}{shape_sig}", f"ptg={prev_tag}{gl}")
    # Which words join names into a list ("and", "i", "und", "y"): only read after a name.
    return found + (f"ptw={pieces[2]}",) if prev_tag == NAME_AND else found


def department(features: Features, tok: Token, lang: int) -> bool:
    """A capitalised word after a name and a particle that is a department, not the family name:
    frequent in the text's language and in no name list ("Jan van Inkoop", "Frau Lindemann von
    der Personalabteilung", "Carrasco de Recursos Humanos"), or a compound that ends in such a
    word. A family name that is an everyday word ("de la Tour") is the price."""
    key = tok.key
    lex = features._lex
    if lang < 0 or tok.shape == LOWER or key in lex.surnames or key in lex.given:
        return False
    if features.bands.of(key)[0][lang] >= "3":
        return True
    return len(key) >= 10 and any(features.bands.of(key[i:])[0][lang] >= "3" for i in range(3, len(key) - 4))


class NameTagger:
    """Tags person-name words with the shipped weights; ``detect`` reports them as NAME spans."""

    kind = "NAME"

    def __init__(self, weights: dict[str, float], features: Features, keep: Iterable[str] = ()) -> None:
        self._weights = weights
        self._features = features
        self._keep = frozenset(keep)
        # Scores of a word's own features, its surroundings and its history are cached: the
        # same words recur across texts, and the scrubber's passes re-read one text.
        self._static = lru_cache(maxsize=65536)(self._sum)
        self._around = lru_cache(maxsize=65536)(lambda key: self._sum(around(key)))
        self._history = lru_cache(maxsize=8192)(lambda prev, pieces: self._sum(history(prev, pieces)))

    def _sum(self, feats: tuple[str, ...]) -> float:
        return sum(map(self._weights.get, feats, _ZEROS))

    def tags(self, tokens: Sequence[Token], text: str) -> list[int]:
        """1 for each token that is part of a person's name, else 0 (``decode.best_path``)."""
        static, surroundings, hist, keep = self._static, self._around, self._history, self._keep
        steps: list[Step] = []
        pull = pullable(self._features._lex, text)
        for tok, found in zip(tokens, self._features.context(tokens, text)):
            if found is None or tok.key in keep:
                steps.append(None if found is None else _NEVER)
                continue
            own, key, pieces = found
            base = static(own) + surroundings(key)
            # The word before is read only after a name: the other states share one cached score.
            steps.append((lambda s, base=base, pieces=pieces: base + hist(s, pieces if s == NAME_AND else pieces[:2]),
                          pull(tok)))
        return best_path(steps)[0]

    def _directory(self, tokens: Sequence[Token], text: str, tags: list[int]) -> None:
        """"Surname, Given" is one name: where the tagger took one of the two words, the other
        joins it when the lists allow the order. A surname no list has ("Kowalczyk, Bartosz")
        stands before a tagged given name; a given name that is an everyday word ("Bishop, Hope")
        after a tagged surname. Both words are written alike (or the surname in capitals)."""
        f = self._features
        lex, articles, keep = f._lex, f._articles, self._keep
        for i in range(len(tokens) - 1):
            if tags[i] == tags[i + 1]:
                continue
            a, b = tokens[i], tokens[i + 1]
            if text[a.end : b.start] not in (", ", ","):
                continue
            if a.shape != b.shape and not (a.shape == UPPER and b.shape == TITLE) or a.shape not in (TITLE, UPPER, LOWER):
                continue
            if a.key in keep or b.key in keep or a.key in f.places or len(a.key) < 3 or len(b.key) < 2:
                continue
            if tags[i + 1]:
                unknown = (a.key not in lex.common and a.key not in articles and f.bands.of(a.key)[1] < 4
                           and a.key not in lex.given)
                if b.key in lex.given and (a.key in lex.surnames and a.key not in lex.core_common or unknown):
                    tags[i] = 1
            elif a.key in lex.surnames and b.key in lex.given and b.key not in STOPWORDS and b.shape != LOWER:
                tags[i + 1] = 1

    def _particle_names(self, tokens: Sequence[Token], text: str, tags: list[int]) -> None:
        """After a name, particles and a capitalised word are the family name, even one that is an
        everyday word ("Thibault de la Tour", "Femke van den Berg"), which the tagger never weighs.
        Particles are written in lower case or capitalised as a family writes them ("Mohammed El
        Idrissi", "Chiara De Luca"). Not in German, where every noun is capitalised ("Müller von der
        Buchhaltung")."""
        n = len(tokens)
        f = self._features
        for i in range(n - 2):
            if not tags[i] or tags[i + 1] or tokens[i + 1].key not in NAME_PARTICLES:
                continue
            case = tokens[i + 1].shape
            if case not in (LOWER, TITLE):
                continue
            k = i + 1
            while k < n and k - i <= 2 and tokens[k].key in NAME_PARTICLES and tokens[k].shape in (LOWER, case):
                k += 1
            if k >= n or tags[k] or any(text[tokens[m - 1].end : tokens[m].start] != " " for m in range(i + 1, k + 1)):
                continue
            word = tokens[k]
            if (word.shape != TITLE or len(word.key) < 3 or word.key in self._keep or word.key in f.places
                    or word.key in STOPWORDS or word.key in SALUTATIONS):
                continue
            lang = f._language(tuple(t.key for t in tokens))
            if lang >= 0 and LANGUAGES[lang] == "de":
                continue
            if department(f, word, lang):
                continue
            tags[i + 1 : k + 1] = [1] * (k - i)

    def detect(self, text: str, tokens: Sequence[Token] | None = None) -> list[Span]:
        """NAME spans in ``text``; ``tokens`` are its words when the caller has them already."""
        tokens = words(text, tokens)
        if not tokens:
            return []
        tags = self.tags(tokens, text)
        if "," in text:
            self._directory(tokens, text, tags)
        # Next to a placeholder an earlier pass left, a word's surroundings are not what the
        # tagger judged the first time: judging it again could take word after word. There
        # only the rules decide, so that scrubbing settles.
        for i, tok in enumerate(tokens):
            if tok.key == PLACEHOLDER:
                for j in range(max(0, i - _WINDOW), min(len(tags), i + _WINDOW + 1)):
                    tags[j] = 0
        # A run of tagged words that are all towns or countries is a place where a place stands:
        # a list of them ("Jordan, Georgia"), one that is no given name ("Berlin"), or one after
        # "in" or before "office" ("users in Jordan"). A given name that is also some town
        # ("ask Mark in our team") stays the tagger's. A run of greetings is a salutation
        # ("Moin,"); a particle ends no name ("buzón de voz").
        places, given = self._features.places, self._features._lex.given
        i = 0
        while i < len(tags):
            j = i
            while j < len(tags) and tags[j]:
                j += 1
            end = j
            while end > i and tokens[end - 1].key in NAME_PARTICLES:
                end -= 1
            run = tokens[i:end]
            if end == i or all(t.key in SALUTATIONS for t in run) or all(t.key in places for t in run) and (
                    len(run) > 1 or run[0].key not in given or place_context(text, run[0].start, run[-1].end)
                    or listed_with_place(tokens, i, end, places)):
                end = i
            tags[end:j] = [0] * (j - end)
            i = j + 1
        self._particle_names(tokens, text, tags)
        # Particles between two name words are the name's ("Rodrigo de los Santos"): the scorer of
        # a reader's privacy counts "los" left between two placeholders as much as the name.
        i = 1
        while i < len(tags):
            if tags[i] or not tags[i - 1] or tokens[i].key not in INNER_PARTICLES:
                i += 1
                continue
            j = i
            while j < len(tags) and not tags[j] and tokens[j].key in INNER_PARTICLES and j - i < 3:
                j += 1
            if j < len(tags) and tags[j] and all(
                    text[tokens[k - 1].end : tokens[k].start] in (" ", "\u00a0") for k in range(i, j + 1)):
                tags[i:j] = [1] * (j - i)
            i = j + 1
        spans: list[Span] = []
        for tok, tag in zip(tokens, tags):
            if not tag:
                continue
            if spans and not text[spans[-1].end : tok.start].strip(" .\u00a0"):
                spans[-1] = Span(spans[-1].start, tok.end, self.kind)
            else:
                spans.append(Span(tok.start, tok.end, self.kind))
        return spans


class Model(NamedTuple):
    weights: dict[str, float]
    article_words: dict[str, int]  # word: how often the help articles have it in lower case
    bands: dict[str, str]          # word: its frequency band digits per language (see ``Bands``)
    markers: dict[str, str]        # word: the languages it says a text is in (``Bands.markers``)


_lock = threading.Lock()
_model: Model | None = None


def grouped(table: dict[str, str]) -> dict[str, str]:
    """A word table as the model file stores it: each value once, with its words joined by spaces
    (a few thousand band digit strings stand for 160,000 words: a smaller file)."""
    out: dict[str, list[str]] = {}
    for word, value in sorted(table.items()):
        out.setdefault(value, []).append(word)
    return {value: " ".join(found) for value, found in sorted(out.items())}


def ungrouped(table: dict[str, str]) -> dict[str, str]:
    """The word table ``grouped`` stored."""
    return {word: value for value, found in table.items() for word in found.split(" ")}


def read_model(data: bytes) -> Model:
    """The weights and word tables from the bytes of a model file."""
    model = json.loads(gzip.decompress(data))
    if model.get("version") != MODEL_VERSION:
        raise ValueError(f"model version {model.get('version')!r}, expected {MODEL_VERSION}")
    if any(len(d) != len(LANGUAGES) for d in model["bands"]):
        raise ValueError(f"word bands are not one digit for each of {', '.join(LANGUAGES)}")
    return Model(model["weights"], model["article_words"], ungrouped(model["bands"]), ungrouped(model["markers"]))


def load_model() -> Model:
    """The packaged model, read once per process; a missing or broken file stops the scrubber."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                try:
                    data = resources.files(__package__).joinpath("models", MODEL_FILE).read_bytes()
                    _model = read_model(data)
                except (OSError, ValueError, KeyError) as exc:
                    raise ScrubError(f"the name model could not be loaded: {exc}") from exc
    return _model


def default_tagger(lexicon: Lexicon, keep: Iterable[str] = ()) -> NameTagger:
    model = load_model()
    return NameTagger(model.weights, Features(lexicon, model.article_words, Bands(model.bands, model.markers)), keep)
