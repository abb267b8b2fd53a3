"""Word lists the name detector consults, built once per process from packaged data.

Sources, all shipped inside installed packages (nothing is downloaded):

* given names: gender-guesser's ``nam_dict.txt`` (about 48,000 first names from
  some 50 countries) and Faker's person providers (first names for ~80 locales,
  including romanised Chinese and Japanese, Indian, African and Arabic names);
* surnames: Faker's person providers;
* CJK names: the Chinese, Japanese and Korean entries of Faker's providers;
* common words: the lower-case entries of the Brill part-of-speech lexicon that
  TextBlob ships, plus Faker's lorem word lists for European languages; a capitalised
  word that is also an everyday word ("Will", "Grant", "Lobby") is not, on its own,
  evidence of a name;
* places: the real city, state and country names among Faker's address providers, so
  that a city that doubles as a surname is not taken for a person;
* popularity: gender-guesser's per-country frequencies mark names such as John or
  Peter that a corpus lexicon also lists in lower case; next to another listed name
  they still count ("John Smith").
"""
from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from .vocabulary import CALENDAR_WORDS, LANGUAGE_WORDS, PLACE_WORDS, PRODUCT_WORDS, STOPWORDS, TECH_WORDS

_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_SPLIT_RE = re.compile(r"[\s\-]+")


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Case- and accent-insensitive key: 'Émilie' and 'emilie' look up the same entry."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().replace("’", "'")


def is_cjk(word: str) -> bool:
    return not word.isascii() and bool(_CJK_RE.search(word))


@dataclass(frozen=True)
class Lexicon:
    given: frozenset[str]
    surnames: frozenset[str]
    common: frozenset[str]        # everyday words in any source
    core_common: frozenset[str]   # everyday words from curated lists (not the corpus lexicon)
    popular: frozenset[str]       # given names frequent in at least one country
    places: frozenset[str]
    cjk_given: frozenset[str]
    cjk_surnames: frozenset[str]


class LexiconError(RuntimeError):
    """A word list could not be loaded; the scrubber must not run without it."""


_lock = threading.Lock()
_cached: Lexicon | None = None


def load_lexicon() -> Lexicon:
    """The process-wide lexicon; the first call reads the data (about half a second)."""
    global _cached
    if _cached is None:
        with _lock:
            if _cached is None:
                _cached = _build()
    return _cached


def _build() -> Lexicon:
    try:
        given: set[str] = set()
        surnames: set[str] = set()
        popular: set[str] = set()
        cjk_given: set[str] = set()
        cjk_surnames: set[str] = set()
        for name, frequency in _gender_guesser_names():
            given.add(fold(name))
            if frequency >= _POPULAR:
                popular.add(fold(name))
        for kind, name in _faker_person_names():
            for part in _SPLIT_RE.split(name.strip()):
                if not part:
                    continue
                if is_cjk(part):
                    (cjk_given if kind == "first" else cjk_surnames).add(unicodedata.normalize("NFKC", part))
                elif len(part) > 1:
                    (given if kind == "first" else surnames).add(fold(part))
        core_common = set(_faker_lorem_words())
        core_common |= {fold(w) for w in STOPWORDS | CALENDAR_WORDS | PRODUCT_WORDS | TECH_WORDS | LANGUAGE_WORDS}
        common = core_common | set(_brill_common_words())
        places = set(_faker_places()) | set(_time_zone_cities()) | PLACE_WORDS
        # Words of multi-word country names ("United Kingdom", "Sri Lanka") that are not
        # given names themselves.
        places |= {part for part in _faker_country_words() if part not in given}
    except (OSError, ImportError, AttributeError, ValueError) as exc:
        raise LexiconError(f"name lists could not be loaded: {exc}") from exc
    if len(given) < 10000 or len(surnames) < 10000 or len(common) < 10000:
        raise LexiconError("name lists are incomplete")
    return Lexicon(
        given=frozenset(given),
        surnames=frozenset(surnames),
        common=frozenset(common),
        core_common=frozenset(core_common),
        popular=frozenset(popular - core_common),
        places=frozenset(places),
        cjk_given=frozenset(cjk_given),
        cjk_surnames=frozenset(cjk_surnames),
    )


def _package_dir(package: str) -> Path:
    """Locate a package's folder without importing it (TextBlob's import pulls in NLTK)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(f"package {package!r} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


# gender-guesser rates each name per country from 1 (rare) to 13 (very common).
_POPULAR = 6


def _gender_guesser_names() -> Iterator[tuple[str, int]]:
    path = _package_dir("gender_guesser") / "data" / "nam_dict.txt"
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line or line[0] in "#=":
                continue
            parts = line.split()
            if len(parts) < 2:
                continue
            name = parts[1]
            # Popularity in Great Britain, Ireland and the USA: the English corpus behind
            # the lexicon is where a popular name shows up in lower case by accident.
            frequency = max((int(c, 16) for c in line[30:33] if c in _HEX), default=0)
            # '+' marks a compound written joined, spaced or hyphenated ("Jean+Pierre").
            for piece in name.split("+"):
                if len(piece) > 1:
                    yield piece, frequency


_HEX = frozenset("123456789ABCDEFabcdef")


def _faker_modules(kind: str) -> Iterator[object]:
    base = importlib.import_module(f"faker.providers.{kind}")
    for info in pkgutil.iter_modules(base.__path__):
        yield importlib.import_module(f"faker.providers.{kind}.{info.name}").Provider


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, (tuple, list, set, frozenset, dict)):
        return (v for v in value if isinstance(v, str))
    return ()


def _faker_person_names() -> Iterator[tuple[str, str]]:
    for provider in _faker_modules("person"):
        for attr in dir(provider):
            if attr.endswith("_names") or attr.endswith("_names_male") or attr.endswith("_names_female"):
                if attr.startswith(("first_name", "first_romanized", "first_kana")):
                    kind = "first"
                elif attr.startswith(("last_name", "last_romanized", "last_kana")):
                    kind = "last"
                else:
                    continue
                for name in _strings(getattr(provider, attr)):
                    yield kind, name


def _faker_lorem_words() -> Iterator[str]:
    # Real word lists only: lorem ipsum itself ('la', 'en_PH') is not a language, and the
    # Spanish and Czech lists are corpus counts that include names (José, John).
    for locale in ("en_US", "de_DE", "fr_FR", "it_IT", "nl_NL", "pl_PL", "da_DK", "ar_AA", "fa_IR", "ru_RU",
                   "uk_UA", "el_GR", "th_TH", "hy_AM", "bn_BD", "zh_CN", "ja_JP"):
        provider = importlib.import_module(f"faker.providers.lorem.{locale}").Provider
        for word in _strings(getattr(provider, "word_list", ())):
            if " " not in word:
                yield fold(word)


def _faker_places() -> Iterator[str]:
    for provider in _faker_modules("address"):
        for attr in ("cities", "city_names", "states", "regions", "provinces", "countries"):
            for place in _strings(getattr(provider, attr, ())):
                place = place.strip()
                # Single-word names only: parts of "Sint-Joost" or "Saint Lucia" are names too.
                if len(place) > 3 and not _SPLIT_RE.search(place):
                    yield fold(place)


def _faker_country_words() -> Iterator[str]:
    provider = importlib.import_module("faker.providers.address.en_US").Provider
    for country in _strings(getattr(provider, "countries", ())):
        for part in _SPLIT_RE.split(country.strip()):
            if len(part) > 3 and part.isalpha():
                yield fold(part)


def _time_zone_cities() -> Iterator[str]:
    """Major cities from the IANA time-zone names ("Europe/London", "Asia/Kolkata")."""
    import zoneinfo

    for zone in zoneinfo.available_timezones():
        for part in re.split(r"[/_\-]", zone):
            if len(part) > 3 and part.isalpha():
                yield fold(part)


def _brill_common_words() -> Iterator[str]:
    path = _package_dir("textblob") / "en" / "en-lexicon.txt"
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith(";;;"):
                continue
            parts = line.split()
            if len(parts) < 2:
                continue
            word, tags = parts[0], parts[1:]
            # Lower-case entries tagged only as proper nouns are corpus noise ("chris NNP").
            if word.islower() and word.isalpha() and any(not t.startswith("NNP") for t in tags):
                yield fold(word)


# Polish case endings and the nominative they come from (folded, as the lists are).
_INFLECTIONS: tuple[tuple[str, str], ...] = (
    ("iego", "i"), ("ego", "y"), ("skiej", "ska"), ("ckiej", "cka"), ("kiem", "ek"), ("kowi", "ek"), ("iem", ""),
    ("em", ""), ("owi", ""), ("ki", "ka"),
)


def nominative(key: str) -> str:
    """The listed form of a Polish name in another case ("grzegorzem" -> "grzegorz", "jarkiem"
    -> "jarek", "wisniewskiego" -> "wisniewski", "agnieszki" -> "agnieszka"); other words as
    they are. The endings mark a case in Polish and end few words of other languages."""
    for ending, base in _INFLECTIONS:
        if key.endswith(ending):
            return key[: -len(ending)] + base
    return key
