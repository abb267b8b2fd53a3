"""How found words become whole names: directory order, particles, lower-case surnames,
departments that are no family name, and a name's other mentions in the same text.

The tagger judges words one by one; these rules read what it tagged with the lists and
join or end names where the lists settle it ("Kowalczyk, Bartosz", "Thibault de la Tour",
"eilidh macleod", "Jan van Inkoop").
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from .span import Span
from .tokens import LOWER, TITLE, UPPER, Token
from .vocabulary import CALENDAR_WORDS, LANGUAGES, NAME_PARTICLES, SALUTATIONS, STOPWORDS

if TYPE_CHECKING:
    from .features import Features


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


def directory(f: Features, keep: frozenset[str], tokens: Sequence[Token], text: str, tags: list[int]) -> None:
    """"Surname, Given" is one name: where the tagger took one of the two words, the other
    joins it when the lists allow the order. A surname no list has ("Kowalczyk, Bartosz")
    stands before a tagged given name; a given name that is an everyday word ("Bishop, Hope")
    after a tagged surname. Both words are written alike (or the surname in capitals)."""
    lex, articles = f._lex, f._articles
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


def particle_names(f: Features, keep: frozenset[str], tokens: Sequence[Token], text: str, tags: list[int]) -> None:
    """After a name, particles and a capitalised word are the family name, even one that is an
    everyday word ("Thibault de la Tour", "Femke van den Berg"), which the tagger never weighs.
    Particles are written in lower case or capitalised as a family writes them ("Mohammed El
    Idrissi", "Chiara De Luca"). Not in German, where every noun is capitalised ("Müller von der
    Buchhaltung")."""
    n = len(tokens)
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
        if (word.shape != TITLE or len(word.key) < 3 or word.key in keep or word.key in f.places
                or word.key in STOPWORDS or word.key in SALUTATIONS):
            continue
        lang = f._language(tuple(t.key for t in tokens))
        if lang >= 0 and LANGUAGES[lang] == "de":
            continue
        if department(f, word, lang):
            continue
        tags[i + 1 : k + 1] = [1] * (k - i)


def lower_surnames(f: Features, keep: frozenset[str], tokens: Sequence[Token], text: str, tags: list[int]) -> None:
    """A name typed in lower case ends with the word after a tagged given name when no list,
    no article and no language knows that word well: "eilidh macleod", "aitor etxeberria".
    The tagger never weighs such a word (a lower-case word no list has is never a name)."""
    lex = f._lex
    for i in range(len(tokens) - 1):
        a, b = tokens[i], tokens[i + 1]
        if not tags[i] or tags[i + 1] or a.shape != LOWER or b.shape != LOWER or text[a.end : b.start] != " ":
            continue
        if i + 2 < len(tags) and tags[i + 2]:
            continue
        key = b.key
        if (a.key in lex.given and len(key) > 2 and key not in lex.common and key not in f._articles
                and key not in STOPWORDS and key not in keep and f.bands.of(key)[1] <= 3):
            tags[i + 1] = 1


def mentions(text: str, tokens: Sequence[Token], spans: Sequence[Span], common: frozenset[str],
             never: Callable[[Token], bool]) -> Iterator[Span]:
    """A name found once is a name wherever the text writes it again: "when Rose is out, her
    calls ... Rose Baker". Only the same word written the same way, not a function word or
    a month, and an everyday word only inside a sentence ("Hope this helps. Hope Mbeki ...")."""
    inside = [any(s.start <= t.start and t.end <= s.end for s in spans) for t in tokens]
    names = {t.text for t, found in zip(tokens, inside) if found and len(t.text) > 2 and t.shape != LOWER}
    if not names:
        return
    for tok, found in zip(tokens, inside):
        if found or tok.text not in names or never(tok) or tok.key in CALENDAR_WORDS:
            continue
        before = text[: tok.start].rstrip(" \t\"'(«")
        if tok.key in common and not (before and (before[-1].isalnum() or before[-1] in ",;:")):
            continue  # at the start of a sentence an everyday word is capitalised anyway
        yield Span(tok.start, tok.end, "NAME")
