"""Ordinary words of each language the name tagger is trained for, from ``wordfreq``.

``train_names`` reads them while training, never the scrubber: ``word_bands`` are the
frequency bands the model carries (``features.Bands``), ``common_words`` the words its
negatives are made of, and ``capitalise`` writes them as headings, menu labels,
shouting and sentence starts do, so that the tagger learns that a capital alone makes
no name. wordfreq is the ``models`` extra (``pip install -e '.[models]'``).
"""
from __future__ import annotations

import random
import re
from functools import lru_cache
from types import ModuleType

from .lexicon import Lexicon, fold
from .name_frames import FRAMES, LOCALES
from .vocabulary import LANGUAGES

_WORD_RE = re.compile(r"[^\W\d_]+(?:['\-][^\W\d_]+)*")
BAND_WORDS = 30000  # per language, the most frequent words whose bands the model carries
POOL_WORDS = 8000   # per language, the most frequent words the capitalised negatives are drawn from


def _wordfreq() -> ModuleType:
    try:
        import wordfreq
    except ImportError:
        raise SystemExit("training reads word frequencies from wordfreq: pip install -e '.[models]'") from None
    return wordfreq


@lru_cache(maxsize=2)
def word_bands(limit: int = BAND_WORDS) -> dict[str, str]:
    """For the ``limit`` most frequent words of each of ``LANGUAGES`` (folded as the tagger folds
    them): one digit per language, the floor of the word's Zipf frequency there."""
    wordfreq = _wordfreq()
    forms: dict[str, set[str]] = {}
    for lang in LANGUAGES:
        for word in wordfreq.top_n_list(lang, limit):
            key = fold(word)
            if len(key) > 1 and _WORD_RE.fullmatch(key):
                forms.setdefault(key, set()).add(word)
    out: dict[str, str] = {}
    for key in sorted(forms):
        out[key] = "".join(
            str(min(9, int(max(wordfreq.zipf_frequency(form, lang) for form in forms[key])))) for lang in LANGUAGES)
    return out


def common_words(pools: dict[str, tuple[list[str], list[str]]], lexicon: Lexicon) -> dict[str, list[str]]:
    """Per language of the frames: its most frequent words that its own locales' name lists do not
    give as a person's name, most frequent first."""
    wordfreq = _wordfreq()
    out: dict[str, list[str]] = {}
    for lang in sorted(FRAMES):
        names = {fold(n) for loc in LOCALES[lang] for listed in pools[loc] for n in listed} | lexicon.popular
        out[lang] = [w for w in wordfreq.top_n_list(lang, POOL_WORDS)
                     if len(w) > 2 and _WORD_RE.fullmatch(w) and fold(w) not in names and w not in lexicon.places]
    return out


def capitalise(rng: random.Random, text: str) -> str:
    """The text as a heading, a menu label, a shout or a sentence with a few words capitalised."""
    pieces = text.split(" ")
    r = rng.random()
    if r < 0.3:
        pieces = [p[:1].upper() + p[1:] if len(p) > 3 or not i else p for i, p in enumerate(pieces)]
    elif r < 0.45:
        return text.upper()
    else:
        for i in {0, *(rng.randrange(len(pieces)) for _ in range(rng.randint(1, 3)))}:
            pieces[i] = pieces[i][:1].upper() + pieces[i][1:]
    return " ".join(pieces)
