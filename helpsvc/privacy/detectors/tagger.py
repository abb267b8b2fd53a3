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
import threading
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from itertools import repeat
from importlib import resources
from typing import NamedTuple

from ..errors import ScrubError
from .context import listed_with_place, place_context
from .decode import NAME_AND, Step, best_path
from .features import PLACEHOLDER, Bands, Features, around, history, text_case, words
from .name_shapes import directory, lower_surnames, particle_names
from .lexicon import Lexicon
from .name_cues import PERSON_BEFORE_RE
from .span import Span
from .tokens import LOWER, Token
from .vocabulary import INNER_PARTICLES, LANGUAGES, NAME_PARTICLES, SALUTATIONS

MODEL_FILE = "names.json.gz"
MODEL_VERSION = 3
_ZEROS = repeat(0.0)
_WINDOW = 2  # words each side of a placeholder that only the rules judge
# A word the caller keeps: judged like any other word for its neighbours' history, never a name.
_NEVER: Step = (lambda state: float("-inf"), False)


def pullable(lexicon: Lexicon, text: str) -> Callable[[Token], bool]:
    """Whether a word may join a name though it scores below zero there (``decode``): a name
    list has it, and it is capitalised, or the whole text is in lower case."""
    lower_text = text_case(text) == "L"
    return lambda tok: (tok.key in lexicon.given or tok.key in lexicon.surnames) and (tok.shape != LOWER or lower_text)


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

    def detect(self, text: str, tokens: Sequence[Token] | None = None) -> list[Span]:
        """NAME spans in ``text``; ``tokens`` are its words when the caller has them already."""
        tokens = words(text, tokens)
        if not tokens:
            return []
        tags = self.tags(tokens, text)
        if "," in text:
            directory(self._features, self._keep, tokens, text, tags)
        # Next to a placeholder an earlier pass left, a word's surroundings are not what the
        # tagger judged the first time: judging it again could take word after word. There
        # only the rules decide, so that scrubbing settles.
        for i, tok in enumerate(tokens):
            if tok.key == PLACEHOLDER:
                for j in range(max(0, i - _WINDOW), min(len(tags), i + _WINDOW + 1)):
                    tags[j] = 0
        # A run of tagged words that are all towns or countries is a place where a place stands:
        # a list of them ("Jordan, Georgia"), one that is no given name ("Berlin"), or one after
        # "in" or before "office" ("users in Jordan"). A given name that is also some town stays
        # the tagger's after a greeting or a word that points at a person ("ask Mark", "hi
        # Jordan"): elsewhere a capital says too little ("Mark as read"). A run of greetings is a salutation
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
                    len(run) > 1 or run[0].key not in given or not PERSON_BEFORE_RE.search(text, max(0, run[0].start - 40), run[0].start)
                    or place_context(text, run[0].start, run[-1].end) or listed_with_place(tokens, i, end, places)):
                end = i
            tags[end:j] = [0] * (j - end)
            i = j + 1
        particle_names(self._features, self._keep, tokens, text, tags)
        lower_surnames(self._features, self._keep, tokens, text, tags)
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
