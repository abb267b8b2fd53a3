"""Train the name tagger from text this script generates, reproducibly: same seed, same model bytes.

Positives: the sentence frames of ``name_frames`` in seven languages, filled with
given names and surnames from Faker's person providers (de_DE, fr_FR, es_ES, nl_NL,
it_IT, pl_PL, en_US, en_GB), with particles, initials, double names, the directory
form "Surname, Given", titles, greetings and sign-offs, and in lower case or capitals
as readers type them. Given names that are also everyday words ("Grace", "Will") are
drawn more often, so the tagger must learn them from their context.

Negatives: real sentences of the help articles (``content/`` and the shared corpus, each
in the language of its locale folder or front matter) as they stand, in lower case and in
capitals, with the sentences the rule-based name detector finds a name in left out;
sentences about towns and countries (Faker's address lists: a place is no person); and
ordinary words of each language capitalised as sentence starts, headings, menu labels
and shouting do, so that a capital alone does not make a name.

Word frequencies come from ``wordfreq`` (the ``models`` extra) through ``train_words``,
read here only: the model carries the frequency bands of each language's most frequent
words, which the tagger reads as features (``features.Bands``). The same seed and the same
wordfreq data give the same model bytes.

Usage:
    python -m helpsvc.privacy.detectors.train_names [--seed 13] [--examples 80000]
        [--epochs 5] [--articles DIR ...] [--out PATH]

Example:
    .venv/bin/python -m helpsvc.privacy.detectors.train_names --articles content ../shared/corpus
"""
from __future__ import annotations

import argparse
import gzip
import importlib
import json
import random
import re
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from .lexicon import Lexicon, fold, load_lexicon
from .name_frames import (COMPOUND_LINKS, FILLERS, FRAMES, GREETINGS, LOCALES, NEGATIVE_FRAMES, PARTICLES, PHRASES,
                          PLACE_FRAMES, SIGNOFFS, TITLES, UNITS, VERBS, WORLD_LOCALES)
from .names import NameDetector
from .decode import NONE, after
from .features import Bands, Features, around, history, words
from .tagger import MODEL_FILE, MODEL_VERSION, NameTagger, grouped
from .train_articles import article_sentences, article_words
from .train_words import capitalise, common_words, word_bands
from .tokens import LOWER, TITLE, Token, tokenize
from .vocabulary import NAME_PARTICLES

Example = tuple[str, list[tuple[int, int]]]  # text, the character ranges of the names in it

DEFAULT_OUT = Path(__file__).with_name("models") / MODEL_FILE
_SLOT_RE = re.compile(r"\{([A-Z]+)\}")


# ---------------------------------------------------------------------------- names
def place_pools() -> dict[str, list[str]]:
    """Per Faker locale: its towns, regions and countries."""
    pools: dict[str, list[str]] = {}
    for locale in sorted({loc for locs in LOCALES.values() for loc in locs}):
        provider = importlib.import_module(f"faker.providers.address.{locale}").Provider
        found: dict[str, None] = {}
        for attr in ("cities", "states", "regions", "provinces", "countries"):
            for place in getattr(provider, attr, ()):
                if isinstance(place, str) and "," not in place and len(place) > 2:
                    found.setdefault(place, None)
        pools[locale] = sorted(found)  # some of Faker's lists are sets, whose order varies by process
    return pools


def name_pools() -> dict[str, tuple[list[str], list[str]]]:
    """Per Faker locale (those of the frames' languages and ``WORLD_LOCALES``, whose names travel):
    (given names, surnames), in Faker's own order."""
    pools: dict[str, tuple[list[str], list[str]]] = {}
    for locale in sorted({loc for locs in LOCALES.values() for loc in locs} | set(WORLD_LOCALES)):
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        given: list[str] = []
        surnames: list[str] = []
        for attr in sorted(dir(provider)):
            value = getattr(provider, attr)
            if not isinstance(value, (tuple, list, dict)) or attr.startswith("_"):
                continue
            if attr.startswith("first_names"):
                given.extend(v for v in value if isinstance(v, str))
            elif "last_names" in attr:
                surnames.extend(v for v in value if isinstance(v, str))
        pools[locale] = (_clean(given), _clean(surnames))
    return pools


def _clean(names: Iterable[str]) -> list[str]:
    """Distinct names whose words are capitalised or particles ("de Boer"), in first-seen order."""
    seen: dict[str, None] = {}
    for name in names:
        parts = name.split()
        if parts and "," not in name and all(w[:1].isupper() or w.lower() in NAME_PARTICLES for w in parts):
            seen.setdefault(name, None)
    return [n for n in seen if len(n) > 1]


class NameMaker:
    """Draws names as readers write them: given, full, initial + surname, particles, double names."""

    def __init__(self, rng: random.Random, pools: dict[str, tuple[list[str], list[str]]], lexicon: Lexicon,
                 places: dict[str, list[str]], bands: Bands) -> None:
        self.rng = rng
        self.pools = pools
        self.places = places
        # Given names that are also everyday words of some language ("Grace", "Rosa", "Will"):
        # the hard cases, drawn more often.
        self.wordlike = {
            loc: [g for g in given if fold(g) in lexicon.common or bands.of(fold(g))[1] >= 4]
            for loc, (given, _) in pools.items()
        }
        self.given_keys = frozenset(g.lower() for given, _ in pools.values() for g in given)
        self.common = lexicon.common
        self.lexicon, self.bands = lexicon, bands
        # Ordinary words per language (``Generator`` sets them): after a particle, a family name is
        # as often an ordinary word ("de la Tour", "van den Berg", "di Stefano").
        self.words: dict[str, list[str]] = {}

    def locale(self, lang: str) -> str:
        rng = self.rng
        if rng.random() < 0.25:
            return rng.choice(sorted(self.pools))
        return rng.choice(LOCALES[lang])

    def given(self, loc: str) -> str:
        rng = self.rng
        pool = self.wordlike[loc] if self.wordlike[loc] and rng.random() < 0.3 else self.pools[loc][0]
        name = rng.choice(pool)
        if rng.random() < 0.04:
            name = f"{name}-{rng.choice(self.pools[loc][0])}"
        return name

    def unlisted(self, loc: str) -> str:
        """A surname no list has, the start of one of the locale's surnames and the end of another:
        names that no list knows are found by where they stand and how they end ("-czyk", "-ini")."""
        pool = self.pools[loc][1]
        a, b = self.rng.choice(pool), self.rng.choice(pool)
        name = a[: max(2, len(a) // 2)] + b[len(b) // 2 :]
        key, lex = fold(name), self.lexicon
        known = key in lex.given or key in lex.surnames or key in lex.common or self.bands.of(key)[1] >= 2
        return a if known or " " in name or not name[1:].islower() else name

    def surname(self, loc: str, lang: str, alone: bool = False) -> str:
        """A surname; one no list has only next to a given name or an initial: alone, a capitalised
        word no list has is as often an ordinary word (a German compound noun)."""
        rng = self.rng
        name = self.unlisted(loc) if not alone and rng.random() < 0.12 else rng.choice(self.pools[loc][1])
        if rng.random() < 0.05:
            name = f"{name}-{rng.choice(self.pools[loc][1])}"
        particles = PARTICLES[lang] or PARTICLES.get(loc[:2], ())
        if particles and rng.random() < 0.3 and name[:1].isupper():
            pool = self.words.get(lang)
            if pool and rng.random() < 0.25:
                word = rng.choice(pool)
                name = word[:1].upper() + word[1:]
            name = f"{rng.choice(particles)} {name}"
        return name

    def person(self, loc: str, lang: str) -> str:
        r = self.rng.random()
        if r < 0.35:
            return self.given(loc)
        if r < 0.8:
            return f"{self.given(loc)} {self.surname(loc, lang)}"
        if r < 0.88:
            return f"{self.given(loc)[0]}. {self.surname(loc, lang)}"
        if r < 0.94:
            return f"{self.given(loc)} {self.given(loc)} {self.surname(loc, lang)}"
        return self.surname(loc, lang, alone=True)

    def directory(self, loc: str, lang: str) -> str:
        """"Surname, Given" as directories and address books write it, the surname at times in
        capitals, the given name at times an everyday word ("Bishop, Hope")."""
        rng = self.rng
        given = rng.choice(self.wordlike[loc]) if self.wordlike[loc] and rng.random() < 0.3 else self.given(loc)
        surname = self.surname(loc, lang)
        if rng.random() < 0.15:
            surname = surname.upper()
        name = f"{surname}, {given}"
        r = rng.random()
        if r < 0.2:
            return f"{name} {self.given(loc)[0]}."
        return f"{name} {self.given(loc)}" if r < 0.28 else name


def negatives(sentences: list[str], rng: random.Random, rules: NameDetector, count: int) -> list[str]:
    """A sample of article sentences in which the rule-based detector finds no name."""
    pool = list(sentences)
    rng.shuffle(pool)
    out: list[str] = []
    for sentence in pool:
        if len(out) >= count:
            break
        if not rules.detect(sentence):
            out.append(sentence)
    return out


# ---------------------------------------------------------------------------- examples
class Generator:
    """Training texts: filled frames, article sentences and strings of everyday words."""

    def __init__(self, rng: random.Random, maker: NameMaker, sentences: dict[str, list[str]],
                 common: dict[str, list[str]]) -> None:
        self.rng = rng
        self.maker = maker
        self.sentences = {lang: found for lang, found in sentences.items() if found}
        self.common = common
        maker.words = common
        # Parts of compound nouns: the nouns of the German articles (capitalised inside a
        # sentence) and the everyday words of German and Dutch that no list gives as a name.
        lex = maker.lexicon
        nouns: dict[str, None] = {}
        for sentence in self.sentences.get("de", ()):
            for t in tokenize(sentence)[1:]:
                if t.shape == TITLE and len(t.key) >= 4 and t.key not in lex.given and t.key not in lex.surnames:
                    nouns.setdefault(t.text, None)
        self.parts = {
            "de": sorted(nouns) + [w for w in common.get("de", ()) if len(w) >= 4][:3000],
            "nl": [w for w in common.get("nl", ()) if len(w) >= 4][:3000],
        }
        # Where the articles use a given name as an everyday word ("mark as read", "you will"):
        # the stretch from that word on, capitalised as a title or a query starts.
        given, common = maker.given_keys, maker.common
        self.wordlike = [
            sentence[t.start :] for found in self.sentences.values() for sentence in found
            for t in tokenize(sentence)[1:] if t.shape == LOWER and t.key in given and t.key in common
        ]

    def filler(self, lang: str) -> str:
        rng = self.rng
        if lang in self.sentences and rng.random() < 0.6:
            text = rng.choice(self.sentences[lang]).rstrip(".")
        else:
            text = rng.choice(FILLERS[lang])
        # Around a name too, ordinary words are capitalised ("the Exchange Calendar", a quoted label).
        return capitalise(rng, text) if rng.random() < 0.2 else text

    def capitalised(self, lang: str) -> str:
        """Ordinary words of one language, capitalised: a capital alone makes no name."""
        rng = self.rng
        if rng.random() < 0.5:
            return capitalise(rng, self.filler(lang))
        pool = self.common[lang]
        return capitalise(rng, " ".join(rng.choice(pool) for _ in range(rng.randint(2, 8))))

    def frame(self, lang: str, frames: dict[str, tuple[str, ...]] = FRAMES) -> Example:
        rng, maker = self.rng, self.maker
        loc = maker.locale(lang)
        template = rng.choice(frames[lang])
        parts: list[str] = []
        names: list[tuple[int, int]] = []
        pos = 0
        length = 0
        for m in _SLOT_RE.finditer(template):
            parts.append(template[pos : m.start()])
            length += m.start() - pos
            slot = m.group(1)
            value, name_at = self._slot(slot, loc, lang)
            if name_at is not None:
                names.append((length + name_at[0], length + name_at[1]))
            parts.append(value)
            length += len(value)
            pos = m.end()
        parts.append(template[pos:])
        return "".join(parts), names

    def _slot(self, slot: str, loc: str, lang: str) -> tuple[str, tuple[int, int] | None]:
        rng, maker = self.rng, self.maker
        if slot in ("P", "F", "L", "D"):
            if slot == "F":
                value = maker.given(loc)
            elif slot == "L":
                value = maker.surname(loc, lang)
            else:
                value = maker.person(loc, lang) if slot == "P" else maker.directory(loc, lang)
            return value, (0, len(value))
        if slot == "T":
            title = rng.choice(TITLES[lang])
            name = maker.surname(loc, lang) if rng.random() < 0.8 else maker.person(loc, lang)
            return f"{title} {name}", (len(title) + 1, len(title) + 1 + len(name))
        if slot == "C":
            return rng.choice(maker.places.get(loc) or maker.places[LOCALES[lang][0]]), None
        table = {"G": GREETINGS, "S": SIGNOFFS, "U": UNITS, "V": VERBS}
        if slot in table:
            return rng.choice(table[slot].get(lang) or table[slot]["en"]), None
        return self.filler(lang), None

    def compound(self, lang: str) -> str:
        """A compound noun no list has ("Kaffeekasse", "Vergaderruimte", "Voicemail-Transkription"):
        capitalised, unknown and long, as surnames are, but made of everyday words."""
        rng = self.rng
        parts = self.parts[lang]
        first, head = rng.choice(parts), rng.choice(parts)
        if rng.random() < 0.15:
            return f"{first[:1].upper()}{first[1:]}-{head[:1].upper()}{head[1:]}"
        word = first.lower().rstrip("e") + rng.choice(COMPOUND_LINKS[lang]) + head.lower()
        if rng.random() < 0.2:
            word += rng.choice(self.parts[lang]).lower()
        return word[:1].upper() + word[1:]

    def phrase(self, lang: str) -> str:
        """An everyday phrase: written (``PHRASES``), or everyday words joined as verbs and their
        particles are ("dar de alta"), or a compound noun in German and Dutch."""
        rng = self.rng
        r = rng.random()
        if lang in self.parts and r < 0.5:
            return self.compound(lang)
        if r < 0.75:
            return rng.choice(PHRASES[lang])
        pool = self.common[lang]
        particles = PARTICLES[lang] or ("of", "to", "in")
        return f"{rng.choice(pool)} {rng.choice(particles)} {rng.choice(pool)}"

    def phrase_text(self, lang: str) -> str:
        """A negative built around ``phrase``: a question, a complaint, a label."""
        rng = self.rng
        text = _SLOT_RE.sub(lambda m: self.phrase(lang) if m.group(1) == "W" else self.filler(lang),
                            rng.choice(NEGATIVE_FRAMES[lang]))
        r = rng.random()
        if r < 0.25:
            return capitalise(rng, text)
        return text[:1].upper() + text[1:] if r < 0.5 else text

    def negative(self) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.22:
            return self.capitalised(rng.choice(sorted(self.common)))
        if r < 0.34:
            return self.phrase_text(rng.choice(sorted(NEGATIVE_FRAMES)))
        if r < 0.72:
            # German nouns are capitalised: our few German articles weigh as much as a third.
            langs = sorted(self.sentences)
            lang = rng.choice(langs) if rng.random() < 0.35 else max(langs, key=lambda la: len(self.sentences[la]))
            text = rng.choice(self.sentences[lang])
            if rng.random() < 0.25:  # a search query: a few words out of a sentence
                pieces = text.split()
                start = rng.randrange(len(pieces))
                text = " ".join(pieces[start : start + rng.randint(2, 6)])
            return text
        if r < 0.82:
            return self.frame(rng.choice(sorted(PLACE_FRAMES)), PLACE_FRAMES)[0]
        if r < 0.87 and self.wordlike:
            text = rng.choice(self.wordlike)
            return text[0].upper() + text[1:]
        if r < 0.92:
            pool = self.common[rng.choice(sorted(self.common))]
            return " ".join(rng.choice(pool) for _ in range(rng.randint(3, 12)))
        return rng.choice(FILLERS[rng.choice(sorted(FILLERS))])

    def example(self) -> Example:
        rng = self.rng
        if rng.random() < 0.4:
            text, names = self.negative(), []
        else:
            lang = rng.choices(sorted(FRAMES), weights=[_LANG_WEIGHTS[lang] for lang in sorted(FRAMES)])[0]
            text, names = self.frame(lang)
            if rng.random() < 0.15:
                other, more = self.frame(lang)
                sep = rng.choice((" ", ". ", "\n"))
                offset = len(text) + len(sep)
                text, names = text + sep + other, names + [(s + offset, e + offset) for s, e in more]
        return _recase(rng, text, names), names


_LANG_WEIGHTS = {"en": 35, "de": 25, "fr": 8, "es": 8, "it": 8, "nl": 8, "pl": 8}


def _recase(rng: random.Random, text: str, names: list[tuple[int, int]]) -> str:
    """Readers type in lower case and in capitals, and type names in lower case."""
    r = rng.random()
    if r < 0.2:
        changed = text.lower()
    elif r < 0.27:
        changed = text.upper()
    elif r < 0.34 and names:
        chars = list(text)
        for s, e in names:
            chars[s:e] = text[s:e].lower()
        changed = "".join(chars)
    else:
        return text
    return changed if len(changed) == len(text) else text


def labels(tokens: Sequence[Token], names: list[tuple[int, int]]) -> list[int]:
    return [int(any(s < t.end and t.start < e for s, e in names)) for t in tokens]


# ---------------------------------------------------------------------------- training
# A missed name leaks, a word taken for a name only costs the word: a miss moves the weights more.
_MISS_COST = 2.0


def train(examples: list[Example], features: Features, epochs: int, rng: random.Random) -> dict[str, float]:
    """An averaged perceptron over left-to-right decisions (the word before's decision is a feature)."""
    weights: dict[str, float] = {}
    totals: dict[str, float] = {}
    stamps: dict[str, int] = {}
    step = 0
    data = [(text, words(text), names) for text, names in examples]
    data = [(text, toks, labels(toks, names)) for text, toks, names in data if toks]

    def update(feats: Iterable[str], delta: float) -> None:
        for f in feats:
            w = weights.get(f, 0.0)
            totals[f] = totals.get(f, 0.0) + (step - stamps.get(f, 0)) * w
            stamps[f] = step
            weights[f] = w + delta

    for _ in range(epochs):
        order = list(range(len(data)))
        rng.shuffle(order)
        for k in order:
            text, toks, gold = data[k]
            prev = NONE
            for found, y in zip(features.context(toks, text), gold):
                if found is None:
                    prev = after(prev, None)
                    continue
                own, key, pieces = found
                step += 1
                feats = own + around(key) + history(prev, pieces)
                score = sum(weights.get(f, 0.0) for f in feats)
                guess = 1 if score > 0 else 0
                if guess != y:
                    update(feats, _MISS_COST if y else -1.0)
                prev = guess
    averaged = {}
    for f, w in weights.items():
        total = totals.get(f, 0.0) + (step - stamps.get(f, 0)) * w
        avg = round(total / step, 4)
        if abs(avg) >= 0.0005:
            averaged[f] = avg
    return averaged


def model_bytes(weights: dict[str, float], counts: dict[str, int], bands: Bands, seed: int) -> bytes:
    """The model file: gzip'd JSON with sorted keys and no timestamp, so equal inputs give equal bytes."""
    payload = {"version": MODEL_VERSION, "seed": seed, "weights": weights, "article_words": counts,
               "bands": grouped(bands.table), "markers": grouped(bands.markers)}
    data = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return gzip.compress(data, compresslevel=9, mtime=0)


def build(seed: int, examples: int, epochs: int, articles: Sequence[Path]) -> tuple[bytes, NameTagger]:
    """Generate the training text, train, and return the model file's bytes and the tagger they make."""
    rng = random.Random(seed)
    lexicon = load_lexicon()
    sentences = article_sentences(articles)
    if not any(sentences.values()):
        raise SystemExit(f"no article sentences under {', '.join(map(str, articles))}")
    counts = article_words(sentences)
    bands = Bands(word_bands())
    features = Features(lexicon, counts, bands)
    rules = NameDetector(lexicon, use_tagger=False)
    clean = {lang: negatives(found, rng, rules, max(1, examples // 2)) for lang, found in sorted(sentences.items())}
    pools = name_pools()
    maker = NameMaker(rng, pools, lexicon, place_pools(), bands)
    generator = Generator(rng, maker, clean, common_words(pools, lexicon))
    data = [generator.example() for _ in range(examples)]
    weights = train(data, features, epochs, rng)
    return model_bytes(weights, counts, bands, seed), NameTagger(weights, features)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--examples", type=int, default=80000)
    parser.add_argument("--epochs", type=int, default=5)
    repo = Path(__file__).resolve().parents[3]
    parser.add_argument("--articles", type=Path, nargs="+",
                        default=[repo / "content", repo.parent / "shared" / "corpus"])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    articles = [p for p in args.articles if p.is_dir()]
    started = time.perf_counter()
    data, _ = build(args.seed, args.examples, args.epochs, articles)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    print(f"wrote {args.out} ({len(data) / 1024:,.0f} KiB) from {', '.join(map(str, articles))} "
          f"in {time.perf_counter() - started:,.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
