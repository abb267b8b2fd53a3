"""Person-name detection: name lists and the cues people write around names, plus a tagger.

Evidence, strongest first:

1. a title before the words ("Mr Tanabe", "Frau Müller", "mr bongani dube") or an
   honorific after them ("Tanabe-san", "Sharma ji", "田中さん");
2. a phrase that introduces a person: "my name is", greetings ("dear Maeve",
   "hi, ravi here"), sign-offs ("Regards,\\nAbena Owusu", "cheers, Niamh"),
   "From: X <mail>", and verbs or roles ("ask", "cc", "contact", "my boss");
3. capitalised words side by side where one is a known given name or surname that is
   not also an everyday word ("Colm Fitzgerald", "Ngozi Eze");
4. a single capitalised known given name that is not an everyday word ("Kasia");
5. lower-case (or caseless-script) given name + surname pairs ("konstantin petrov",
   "أحمد حسن");
6. CJK surname + given name from the lists ("王伟", "佐藤健一");
7. what ``tagger`` (an averaged perceptron on word shape and context) adds: names in
   any case, with particles, in directory order, or that are also everyday words.

Product and feature words (and the caller's ``extra_keep``) are never names.
"""
from __future__ import annotations

import re
from typing import Iterable

from .name_cues import ANGLE_MAIL_RE, APPOSITION_RE, CUES, GREETING, GREETING_RE, HERE_RE, SIGNOFF_MARKS, SIGNOFF_RE, SUFFIX_AFTER_RE
from .lexicon import Lexicon, fold, is_cjk, nominative
from .tokens import _AMBIGUOUS_LOWER_TITLES, _CONTRACTIONS, CASELESS, LOWER, OTHER, TITLE, UPPER, Token, tokenize
from .span import Span, SpanDetector
from .cjk_names import CjkNames
from .context import place_context
from .name_shapes import department, mentions
from .tagger import default_tagger
from .vocabulary import HONORIFICS, LANGUAGES, INNER_PARTICLES, LOCATIVE_WORDS, NAME_PARTICLES, NAME_SUFFIXES, PRODUCT_WORDS, SALUTATIONS, STOPWORDS, WEAK_HONORIFICS



# A word's frequency band (``features.Bands``) from which it is an everyday word of a language.
_FREQUENT_BAND = "4"
_GERMAN = LANGUAGES.index("de")


class NameDetector(SpanDetector):
    """Finds person names; see the module docstring for the rules."""

    kind = "NAME"

    def __init__(self, lexicon: Lexicon, extra_keep: Iterable[str] = (), *, use_tagger: bool = True) -> None:
        self._lex = lexicon
        self._keep = frozenset(fold(w) for w in PRODUCT_WORDS) | frozenset(
            fold(part) for w in extra_keep for part in re.split(r"\s+", w.strip()) if part
        )
        # The statistical tagger finds what the rules miss (case, particles, word-like names);
        # its spans are added to theirs. Training runs without it.
        self._tagger = default_tagger(lexicon, self._keep) if use_tagger else None
        self._stop = frozenset(fold(w) for w in STOPWORDS)
        self._cjk = CjkNames(lexicon)

    # ------------------------------------------------------------------ token tests
    def _listed(self, key: str) -> tuple[bool, bool]:
        """(is a given name, is a surname), looking at the parts of hyphenated words."""
        lex = self._lex
        g = key in lex.given
        s = key in lex.surnames
        if not (g or s) and len(key) > 5 and key not in lex.common:
            stem = nominative(key)
            g, s = stem in lex.given, stem in lex.surnames
        if not (g or s) and "-" in key:
            parts = [p for p in key.split("-") if p]
            if len(parts) < 2 or any(len(p) < 2 or p in lex.common for p in parts):
                return False, False
            g = all(p in lex.given for p in parts)
            s = not g and parts[-1] in lex.surnames and all(p in lex.given or p in lex.surnames for p in parts)
        return g, s

    def _never(self, tok: Token) -> bool:
        key = tok.key
        return (
            key in self._keep
            or key in self._stop
            or len(tok.text) < 2
            or key in HONORIFICS
            or key + "." in HONORIFICS
            or key.endswith(_CONTRACTIONS)
        )

    def _anchor(self, tok: Token) -> bool:
        """A word that on its own says 'person': listed, and not an everyday word or a place."""
        g, s = self._listed(tok.key)
        return (g or s) and tok.key not in self._lex.common and (g or tok.key not in self._lex.places)

    def _weak_anchor(self, tok: Token) -> bool:
        """A popular given name the corpus lexicon also has in lower case ("John", "Peter")."""
        return tok.key in self._lex.popular and tok.key not in self._lex.places

    def _nameish(self, tok: Token) -> bool:
        """A capitalised word that may be part of a name (a greeting or a sign-off is none)."""
        if tok.shape != TITLE or self._never(tok) or tok.key in SALUTATIONS:
            return False
        g, s = self._listed(tok.key)
        return g or s or tok.key not in self._lex.common

    def _accept_after_cue(self, tok: Token, strength: int) -> bool:
        """Strength 2: intro, greeting, sign-off, title; 1: person cue; 0: verb that also takes things."""
        if self._never(tok) or tok.key in LOCATIVE_WORDS:
            return False  # "Un saludo desde Valencia": a place, not a name, follows
        g, s = self._listed(tok.key)
        common = tok.key in self._lex.common
        if strength == 0 and tok.key in self._lex.places:
            return False
        listed_ok = (g or s) and (not common or self._weak_anchor(tok) or (strength == 2 and tok.key not in self._lex.core_common))
        if tok.shape == TITLE:
            return listed_ok or (strength >= 1 and not (g or s) and not common)
        if tok.shape in (LOWER, CASELESS):
            return ((g or s) and not common) or (strength == 2 and not common and len(tok.text) > 2)
        if tok.shape == UPPER:
            return strength == 2 and (g or s) and not common and len(tok.text) > 2
        return False

    # ------------------------------------------------------------------ detection
    def detect(self, text: str) -> list[Span]:
        tokens = tokenize(text)
        spans: list[Span] = []
        tagged = self._tagger.detect(text, tokens) if self._tagger is not None else []
        if tokens:
            german = self._german(tokens)
            index = {t.start: i for i, t in enumerate(tokens)}
            named = [False] * len(tokens)
            self._by_honorific(text, tokens, named)
            self._by_suffix(text, tokens, named, spans)
            salutation = self._by_cues(text, tokens, index, named)
            runs = [False] * len(tokens)
            self._by_runs(text, tokens, runs, salutation, german)
            self._agreed(tokens, runs, named, tagged, german)
            self._by_lowercase_pairs(text, tokens, named)
            for i in salutation:
                named[i] = False
            spans.extend(self._spans_from(tokens, named, text))
        if is_cjk(text):
            spans.extend(self._cjk.find(text, self.kind))
        if self._tagger is not None:
            spans.extend(tagged)
            if spans and tokens:
                spans = self._without_departments(text, tokens, spans)
        if spans and tokens:
            spans.extend(mentions(text, tokens, spans, self._lex.common, self._never))
        return spans

    def _agreed(self, tokens: list[Token], runs: list[bool], named: list[bool], tagged: list[Span], german: bool) -> None:
        """Marks the words of capitalised runs as names, except in German, where every noun is
        capitalised: there a word frequent in the language ("Kalender", "Termin") is a name only
        where the tagger, which reads its context, takes it too ("Klara Bauer")."""
        for i, tok in enumerate(tokens):
            if not runs[i] or named[i]:
                continue
            if german and self._tagger._features.bands.of(tok.key)[0][_GERMAN] >= _FREQUENT_BAND and not any(
                    s.start <= tok.start and tok.end <= s.end for s in tagged):
                continue
            named[i] = True

    def _without_departments(self, text: str, tokens: list[Token], spans: list[Span]) -> list[Span]:
        """A name ends before particles and a department ("Jan van Inkoop" is Jan of purchasing,
        "Carrasco de Recursos Humanos"): whichever pass took the department, it is no name, nor
        are the particles before it."""
        named = [any(s.start <= t.start and t.end <= s.end for s in spans) for t in tokens]
        features = self._tagger._features
        lang = -2
        cut: list[tuple[int, int]] = []
        n = len(tokens)
        for p in range(n - 1):
            tok = tokens[p]
            if tok.key not in INNER_PARTICLES or tok.shape != LOWER or p and tokens[p - 1].key in INNER_PARTICLES:
                continue
            # After a name, or after the placeholder an earlier pass left for it.
            if not (p and named[p - 1] or text[: tok.start].rstrip().endswith("}}")):
                continue
            q = p
            while q < n and tokens[q].key in INNER_PARTICLES and tokens[q].shape == LOWER:
                q += 1
            if q >= n:
                continue
            if lang == -2:
                lang = features._language(tuple(t.key for t in tokens))
            if not department(features, tokens[q], lang):
                continue
            r = q + 1
            while r < n and text[tokens[r - 1].end : tokens[r].start] == " " and department(features, tokens[r], lang):
                r += 1
            cut.append((tok.start, tokens[r - 1].end))
        if not cut:
            return spans
        out: list[Span] = []
        for span in spans:
            pieces = [(span.start, span.end)]
            for a, b in cut:
                pieces = [piece for s, e in pieces for piece in ((s, min(e, a)), (max(s, b), e)) if piece[0] < piece[1]]
            for s, e in pieces:
                s2, e2 = s + len(text[s:e]) - len(text[s:e].lstrip(" .,")), e - len(text[s:e]) + len(text[s:e].rstrip(" .,"))
                if any(c.isalpha() for c in text[s2:e2]):
                    out.append(Span(s2, e2, span.kind))
        return out

    def _adjacent(self, text: str, a: Token, b: Token) -> bool:
        """b directly follows a as the next word of the same name."""
        gap = text[a.end : b.start]
        return gap in (" ", "\u00a0") or (len(a.text) == 1 and gap in (". ", "."))

    def _extend(self, text: str, tokens: list[Token], i: int, named: list[bool], strength: int, limit: int = 3) -> None:
        """Mark tokens[i] and up to limit-1 following name words (particles allowed between)."""
        named[i] = True
        taken, j = 1, i
        while taken < limit and j + 1 < len(tokens):
            nxt = tokens[j + 1]
            if not self._adjacent(text, tokens[j], nxt):
                break
            if nxt.key in NAME_PARTICLES and nxt.shape == LOWER and j + 2 < len(tokens):
                after = tokens[j + 2]
                if self._adjacent(text, nxt, after) and after.shape == TITLE and self._accept_after_cue(after, 1):
                    named[j + 1] = named[j + 2] = True
                    j += 2
                    taken += 1
                    continue
                break
            if tokens[i].shape == LOWER and nxt.shape == LOWER:
                # Short of a strong cue, a lower-case word continues a name only as a surname: lists
                # give everyday words of other languages as given names ("kalender").
                ok = self._accept_after_cue(nxt, strength) and (strength == 2 or self._listed(nxt.key)[1])
            else:
                ok = nxt.shape in (TITLE, UPPER) and self._accept_after_cue(nxt, max(strength, 1))
            if not ok:
                break
            named[j + 1] = True
            j += 1
            taken += 1

    def _by_honorific(self, text: str, tokens: list[Token], named: list[bool]) -> None:
        for i, tok in enumerate(tokens[:-1]):
            key = tok.key
            dotted = text[tok.end : tok.end + 1] == "."
            if key not in HONORIFICS and not (dotted and key + "." in HONORIFICS):
                continue
            nxt = tokens[i + 1]
            gap = text[tok.end : nxt.start]
            if gap.strip(". ") or len(gap) > 3 or " " not in gap:
                continue
            if re.search(r"\d\s*$", text[max(0, tok.start - 3) : tok.start]):
                continue  # "100 ms", "2 dr": a unit after a number
            # A title after another ("frau dr. nguyen-weiß", "Herr Prof. Weber") is a title for sure.
            prev = tokens[i - 1] if i else None
            chained = prev is not None and (prev.key in HONORIFICS or prev.key + "." in HONORIFICS) and (
                text[prev.end : tok.start] in (" ", ". ", "."))
            weak = key in WEAK_HONORIFICS or (key + ".") in WEAK_HONORIFICS
            if weak and not chained and nxt.shape != TITLE and not any(self._listed(nxt.key)):
                continue
            if tok.shape == LOWER and key in _AMBIGUOUS_LOWER_TITLES and not chained and not any(self._listed(nxt.key)):
                continue  # "ms teams", "dr" as in drive
            if tok.shape == OTHER:
                continue
            k = i + 1
            # "Meneer van der Berg", "Frau von Arnim": particles before the family name.
            while k + 1 < len(tokens) and tokens[k].key in NAME_PARTICLES and tokens[k].shape == LOWER and self._adjacent(text, tokens[k], tokens[k + 1]):
                k += 1
            if k > i + 1 and tokens[k].shape == TITLE and not self._never(tokens[k]):
                for j in range(i + 1, k):
                    named[j] = True
                self._extend(text, tokens, k, named, 2)
            elif self._accept_after_cue(nxt, 2):
                # In lower case, only a listed name continues the name: "mr bongani dube", but
                # "frau dr. nguyen-weiß kalender freigeben" ends before "kalender".
                self._extend(text, tokens, i + 1, named, 1 if nxt.shape == LOWER else 2)

    def _by_suffix(self, text: str, tokens: list[Token], named: list[bool], spans: list[Span]) -> None:
        for i, tok in enumerate(tokens):
            if "-" in tok.text:
                base, _, suffix = tok.text.rpartition("-")
                if fold(suffix) in NAME_SUFFIXES and base and fold(base) not in self._keep:
                    spans.append(Span(tok.start, tok.start + len(base), self.kind))
                    continue
            m = SUFFIX_AFTER_RE.match(text, tok.end)
            if m and fold(m.group(1)) in NAME_SUFFIXES and i + 1 < len(tokens):
                if tok.shape in (TITLE, UPPER) or any(self._listed(tok.key)):
                    if not self._never(tok) and tok.key not in self._lex.common:
                        named[i] = True

    def _first_token_at(self, tokens: list[Token], index: dict[int, int], pos: int, text: str) -> int | None:
        """Index of the token starting exactly at pos (after skipping spaces)."""
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        return index.get(pos)

    def _by_cues(self, text: str, tokens: list[Token], index: dict[int, int], named: list[bool]) -> set[int]:
        """Marks the names the cues introduce; returns the indexes of the words of the greetings and
        sign-offs found, which are no names themselves ("Bonne journée", "Schöne Grüße")."""
        lowered = text.lower()
        salutation: set[int] = set()
        starts: list[tuple[int, re.Pattern[str], int]] = []
        for tok in tokens:
            for regex, strength, first_words in CUES:
                if tok.key in first_words:
                    starts.append((tok.start, regex, strength))
        if any(mark in text for mark in SIGNOFF_MARKS):
            starts.extend((m.start(), SIGNOFF_RE, 2) for m in re.finditer("|".join(map(re.escape, SIGNOFF_MARKS)), text))
        for pos, regex, strength in starts:
            m = regex.match(text, pos)
            if m is None:
                continue
            i = self._first_token_at(tokens, index, m.end(), text)
            if i is None:
                continue
            tok = tokens[i]
            if regex is SIGNOFF_RE and not self._signoff_shape(text, tokens, i):
                continue
            if regex is SIGNOFF_RE or regex is GREETING_RE:
                salutation.update(k for k in range(index.get(pos, i), i) if tokens[k].start >= pos)
            if self._accept_after_cue(tok, strength):
                self._extend(text, tokens, i, named, strength)
        check_here = "here" in lowered
        check_mail = "@" in text
        check_role = "," in text or "(" in text or "—" in text or "–" in text or " - " in text
        if not (check_here or check_mail or check_role):
            return salutation
        for i, tok in enumerate(tokens):
            if check_role and tok.shape == TITLE and APPOSITION_RE.match(text, tok.end):
                if self._accept_after_cue(tok, 1):
                    named[i] = True
            # "ravi here" at the start of a text or line, "Ravi here."
            if check_here and HERE_RE.match(text, tok.end):
                before = text[: tok.start].rstrip(" \t,")
                if not before or before[-1] in "\n.!?" or re.search(rf"(?:{GREETING})$", before, re.IGNORECASE):
                    if self._accept_after_cue(tok, 2):
                        named[i] = True
            # "Rashid Karimi <r.karimi@...>"
            if check_mail and tok.shape == TITLE and ANGLE_MAIL_RE.match(text, tok.end) and not self._never(tok):
                j = i
                while j >= 0 and i - j < 3 and tokens[j].shape == TITLE and not self._never(tokens[j]):
                    named[j] = True
                    if j == 0 or not self._adjacent(text, tokens[j - 1], tokens[j]):
                        break
                    j -= 1
        return salutation

    def _signoff_shape(self, text: str, tokens: list[Token], i: int) -> bool:
        """A sign-off is followed by the name and then the end of the text, a line break or a dash."""
        j = i
        while j + 1 < len(tokens) and j - i < 2 and self._adjacent(text, tokens[j], tokens[j + 1]):
            j += 1
            if tokens[j].shape not in (TITLE, UPPER):
                j -= 1
                break
        rest = text[tokens[j].end :]
        return not rest.strip() or bool(re.match(r"^\s*(?:\n|[|,;(—–\-]|$)", rest))

    def _by_runs(self, text: str, tokens: list[Token], named: list[bool], salutation: set[int], german: bool) -> None:
        i, n = 0, len(tokens)
        while i < n:
            if i in salutation or not self._nameish(tokens[i]):
                # A given name that is also a function word starts a name only before a surname
                # no list or language knows ("Will Thornbury"); not in German, where such words
                # stand before nouns no list knows ("Im Adressbuch").
                if (i not in salutation and i + 1 < n and tokens[i].shape == TITLE and tokens[i].key in self._stop
                        and tokens[i + 1].shape == TITLE and self._adjacent(text, tokens[i], tokens[i + 1])
                        and not german and self._given_and_unknown([tokens[i], tokens[i + 1]])):
                    named[i] = named[i + 1] = True
                    i += 2
                    continue
                i += 1
                continue
            run = [i]
            j = i
            while j + 1 < n:
                nxt = tokens[j + 1]
                if self._adjacent(text, tokens[j], nxt) and self._nameish(nxt):
                    run.append(j + 1)
                    j += 1
                elif (
                    nxt.key in NAME_PARTICLES
                    and nxt.shape == LOWER
                    and any(self._listed(tokens[j].key))  # "Rufumleitung zu Klara" is no name
                    and j + 2 < n
                    and self._adjacent(text, tokens[j], nxt)
                    and self._adjacent(text, nxt, tokens[j + 2])
                    and self._nameish(tokens[j + 2])
                ):
                    run.extend((j + 1, j + 2))
                    j += 2
                else:
                    break
            words = [tokens[k] for k in run if tokens[k].key not in NAME_PARTICLES or tokens[k].shape != LOWER]
            if self._run_is_name(text, words, german):
                for k in run:
                    named[k] = True
            i = j + 1

    def _run_is_name(self, text: str, words: list[Token], german: bool) -> bool:
        last = words[-1]
        if len(words) >= 2 and text[last.end : last.end + 2] in ("'s", "’s") and all(
            t.key not in self._lex.common for t in words
        ):
            return True  # "Moana Kealoha's status": two unknown capitalised words owning something
        if len(words) == 1:
            tok = words[0]
            if self._after_initial(text, tok):
                g, s = self._listed(tok.key)
                return (g or s) and tok.key not in self._lex.common or tok.key not in self._lex.common
            g, _ = self._listed(tok.key)
            if not g or not self._anchor(tok) or tok.key in self._lex.places:
                return False
            return not place_context(text, tok.start, tok.end)
        if all(t.key in self._lex.places for t in words):
            return False  # "Hong Kong", "North America"
        if len(words) == 2 and not german and all(self._unknown(t) for t in words):
            # "transfer call to Abebe Girma": two capitalised words no language knows. Not in
            # German, whose compound nouns no list knows either ("Besprechungsraum Zugspitze").
            return True
        if any(self._anchor(t) for t in words):
            return True
        if self._given_and_unknown(words):
            return True
        # "John Smith": a popular given name that the lexicon also lists in lower case,
        # next to another listed word that is not a curated everyday word.
        core = self._lex.core_common
        for t in words:
            if self._weak_anchor(t):
                others = [o for o in words if o is not t]
                if any(any(self._listed(o.key)) and o.key not in core for o in others):
                    return True
        return False

    def _german(self, tokens: list[Token]) -> bool:
        """Whether the text is German by the model's word frequencies (never, in training)."""
        if self._tagger is None:
            return False
        lang = self._tagger._features._language(tuple(t.key for t in tokens))
        return lang >= 0 and LANGUAGES[lang] == "de"

    def _unknown(self, tok: Token, band_below: int = 1) -> bool:
        """A word no list and no article has and that no language of the model knows (its highest
        frequency band below ``band_below``). Without the model (training) no word is."""
        if self._tagger is None:
            return False
        f = self._tagger._features
        key = tok.key
        return (len(key) > 3 and key not in self._lex.common and key not in self._keep and key not in f._articles
                and key not in self._lex.places and f.bands.of(key)[1] < band_below)

    def _given_and_unknown(self, words: list[Token]) -> bool:
        """'Hope Adebayo', 'Summer Okonkwo': a given name that is also an everyday word, then a
        word that no list, no article and no language of the model has, is a given name and a
        surname no list knows. Without the model's word frequencies (training) this never holds."""
        if len(words) != 2:
            return False
        first, last = words
        return first.key in self._lex.given and first.key not in self._lex.places and self._unknown(last, band_below=2)

    @staticmethod
    def _after_initial(text: str, tok: Token) -> bool:
        """'J. Whitfield', 'A. Pillai': a single capital and a full stop before the word."""
        before = text[max(0, tok.start - 4) : tok.start]
        return bool(re.search(r"(?:^|[\s(])[A-Z]\.\s?$", before))

    def _by_lowercase_pairs(self, text: str, tokens: list[Token], named: list[bool]) -> None:
        lex = self._lex
        for i in range(len(tokens) - 1):
            a, b = tokens[i], tokens[i + 1]
            if a.shape not in (LOWER, CASELESS) or b.shape != a.shape or not self._adjacent(text, a, b):
                continue
            if self._never(a) or self._never(b):
                continue
            ga, sa = self._listed(a.key)
            gb, sb = self._listed(b.key)
            if not ((ga and (sb or gb)) or (sa and gb)):
                continue
            if a.key in lex.common or b.key in lex.common:
                # "john smith": a popular given name plus a listed word that is not a
                # curated everyday word; "will smith" or "mark read" stay.
                if not (self._weak_anchor(a) and b.key not in lex.core_common and (sb or gb)):
                    continue
            named[i] = named[i + 1] = True

    def _spans_from(self, tokens: list[Token], named: list[bool], text: str) -> Iterable[Span]:
        i, n = 0, len(tokens)
        while i < n:
            if not named[i]:
                i += 1
                continue
            j = i
            while j + 1 < n and named[j + 1] and self._adjacent(text, tokens[j], tokens[j + 1]):
                j += 1
            yield Span(tokens[i].start, tokens[j].end, self.kind)
            i = j + 1
