"""Abbreviations the articles define, mined when a build is made, used as synonyms at query time.

Writers define an abbreviation where they first use it: a phrase followed by its
short form in parentheses, "Survivable Branch Appliance (SBA)", "Quality of
Experience (QoE)". Readers then type the short form ("sba down") while other
articles spell out the long one, or the other way round. Each build finds such
pairs with the Schwartz-Hearst rule (A. Schwartz and M. Hearst, "A simple
algorithm for identifying abbreviation definitions in biomedical text", 2003):
the short form's letters, read from the right, are found in order in the words
before the parenthesis, its first letter starting a word. The build stores them
in ``abbreviations.json``; search adds them to the writers' synonym groups, and
the synonyms report lists those search uses so writers can accept them into
their file or reject them (a ``short != long`` line there, which search honours).
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

from whoosh.reading import IndexReader

from ..content.curation import Synonyms, words
from .schema import analyzer_for, field_suffix

FILE = "abbreviations.json"
# A short form: 2 to 10 letters or digits starting with a letter, at least two of them capitals
# ("SBA", "QoE", "CU"), an optional plural "s" ("ABPs"). Plain words in parentheses ("(Optional)") have one.
_SHORT_RE = re.compile(r"\(([A-Za-z][A-Za-z0-9&]{1,9})\)")
_WORD_RE = re.compile(r"[\w&'-]+")
MIN_LONG_WORDS = 2
RARE_ARTICLES = 3  # and in a small site, a few articles
RARE_SHARE = 0.005  # "few articles": at most 1 in 200 (dev short set: 0.002 and 0.005 alike; every short form, worse)


def _short_form(found: str) -> str | None:
    short = found[:-1] if found.endswith("s") and found[:-1].isupper() else found
    if sum(ch.isupper() for ch in short) < 2 or len(short) < 2:
        return None
    return short


def _long_form(short: str, before: str) -> str | None:
    """The words of ``before`` (the text up to the parenthesis) that ``short`` abbreviates, or None."""
    # Schwartz and Hearst allow min(|A| + 5, 2|A|) words; fewer keep out sentences that merely end in capitals.
    candidates = _WORD_RE.findall(before)[-(len(short) + 2):]
    text = " ".join(candidates)
    s, l = len(short) - 1, len(text) - 1
    while s >= 0:
        ch = short[s].lower()
        if not ch.isalnum():
            s -= 1
            continue
        # The short form's first letter must start a word; the others may sit anywhere.
        while l >= 0 and (text[l].lower() != ch or (s == 0 and l > 0 and text[l - 1].isalnum())):
            l -= 1
        if l < 0:
            return None
        l -= 1
        s -= 1
    long = text[text.rfind(" ", 0, l + 1) + 1:]
    if len(long.split()) < MIN_LONG_WORDS or long.lower() == short.lower():
        return None
    return long


def definitions(text: str) -> Iterable[tuple[str, str]]:
    """(short form, long form) for each "Long Form (LF)" in a text."""
    for match in _SHORT_RE.finditer(text):
        short = _short_form(match.group(1))
        if short is None:
            continue
        # The long form stands in the same sentence, just before the parenthesis.
        before = re.split(r"[.;:!?()\n]", text[max(0, match.start() - 200):match.start()])[-1]
        long = _long_form(short, before)
        if long is not None:
            yield short, long


def mine(texts: Iterable[tuple[str, str]]) -> dict[str, list[list[object]]]:
    """{language: [[short, long, articles defining it], ...]} from (language, article text) pairs.

    A short form defined with different long forms keeps the one most articles use.
    """
    counts: dict[str, Counter[tuple[str, tuple[str, ...]]]] = defaultdict(Counter)
    for lang, text in texts:
        seen = {(words(short), words(long)) for short, long in definitions(text)}
        counts[lang].update((" ".join(short), long) for short, long in seen if short and long)
    out: dict[str, list[list[object]]] = {}
    for lang, found in counts.items():
        best: dict[str, tuple[int, tuple[str, ...]]] = {}
        for (short, long), n in found.items():
            if short not in best or (n, long) > best[short]:
                best[short] = (n, long)
        out[lang] = [[short, " ".join(long), n] for short, (n, long) in sorted(best.items())]
    return out


def write(folder: Path, mined: dict[str, list[list[object]]]) -> None:
    (folder / FILE).write_text(json.dumps(mined, ensure_ascii=False, indent=0), encoding="utf-8")


def load(folder: Path) -> dict[str, list[list[object]]]:
    """A build's mined abbreviations (none for builds made before they were mined)."""
    try:
        return json.loads((folder / FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def worth_expanding(mined: dict[str, list[list[object]]], reader: IndexReader) -> dict[str, list[list[object]]]:
    """The abbreviations whose short form few articles use.

    Where many articles use a short form ("SIP", "QoE") it finds them by itself, and
    adding its long form only lifts the overview pages that spell it out; a short form
    few articles use is where readers and writers part ways.
    """
    most = max(RARE_ARTICLES, reader.doc_count_all() * RARE_SHARE)
    out: dict[str, list[list[object]]] = {}
    for lang, found in mined.items():
        fieldname = "body" + field_suffix(lang)
        out[lang] = [
            entry for entry in found
            if all(reader.doc_frequency(fieldname, t.text) <= most for t in analyzer_for(lang)(str(entry[0])))
        ]
    return out


def as_groups(mined: list[list[object]]) -> list[list[tuple[str, ...]]]:
    """Synonym groups, (short form words, long form words) each."""
    return [[words(str(short)), words(str(long))] for short, long, _ in mined]


def with_abbreviations(synonyms: Synonyms, mined: list[list[object]]) -> Synonyms:
    """The writers' groups, then the mined ones: a writer's group for the same words wins,
    and a pair the writers keep apart (``sba != ...``) is left out."""
    kept = [group for group in as_groups(mined) if not synonyms.keeps_apart(*group)]
    return Synonyms([*synonyms.groups, *kept], synonyms.apart) if kept else synonyms
