"""The rules between findings, as scrubadub post-processors.

scrubadub's Scrubber collects every detector's filth, merges overlapping and
touching filth into MergedFilth, then hands the list to its post-processors in
order. Ours judge each finding on its own, so the first splits scrubadub's merge
again; the rules then drop findings (inside an earlier placeholder, a stock
finding where ours found something, a town after a street), merge what overlaps
into one finding of the most specific kind, and scrubadub's own replacers write
the placeholder, ``{{KIND}}``.

Placeholders an earlier pass left take part as filth too (``EarlierPlaceholders``),
so every rule sees them without reading the text again.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from typing import Any

import scrubadub.detectors
from scrubadub.filth import Filth, MergedFilth
from scrubadub.post_processors import FilthReplacer, PostProcessor, PrefixSuffixReplacer

from .detectors.span import FILTH, PRIORITY, SpanFilth, kind_of
from .errors import ScrubError

PLACEHOLDER_RE = re.compile(r"\{\{[A-Z_]+\}\}")


class PlaceholderFilth(SpanFilth):
    """A placeholder an earlier pass wrote, ``kind`` the kind it stands for. Not to be replaced
    again, but a finding that cuts into it takes all of it, and a town may follow it."""

    type = "placeholder"

    def __init__(self, *, kind: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.kind = kind


class EarlierPlaceholders(scrubadub.detectors.Detector):
    """Reports the placeholders in ``original`` as PlaceholderFilth.

    The other detectors read the text with placeholders masked ("{{#######}}"), so
    that a kind is no cue; only the unmasked text says which kind each one was,
    hence one of these per text. scrubadub's ``Detector.__init__`` is not called: it
    only parses a locale, which this detector has no use for.
    """

    name = "earlier_placeholders"

    def __init__(self, original: str) -> None:
        self.found = [(m.start(), m.end(), m.group()[2:-2]) for m in PLACEHOLDER_RE.finditer(original)]
        self._length = len(original)

    def iter_filth_documents(self, document_list: Sequence[str], document_names: Sequence[str | None]) -> Iterator[Filth]:
        for text, name in zip(document_list, document_names):
            yield from self.iter_filth(text, document_name=name)

    def iter_filth(self, text: str, document_name: str | None = None) -> Iterator[Filth]:
        if len(text) != self._length:
            raise ScrubError("placeholders reported against another text")
        for beg, end, kind in self.found:
            yield PlaceholderFilth(
                beg=beg, end=end, text=text[beg:end], kind=kind, document=text,
                detector_name=self.name, document_name=document_name,
            )


def _parts(filth: Filth) -> Iterator[Filth]:
    if isinstance(filth, MergedFilth):
        for part in filth.filths:
            yield from _parts(part)
    else:
        yield filth


def _ours(filth: Filth) -> bool:
    return isinstance(filth, SpanFilth) and not isinstance(filth, PlaceholderFilth)


def _overlap(a: Filth, b: Filth) -> bool:
    return a.beg < b.end and b.beg < a.end


class SplitMerged(PostProcessor):
    """Undoes scrubadub's merge, which joins overlapping and touching filth before
    post-processing: each rule below judges one detector's finding."""

    name = "split_merged"

    def process_filth(self, filth_list: Sequence[Filth]) -> list[Filth]:
        return [part for filth in filth_list for part in _parts(filth)]


class KeepEarlierPlaceholders(PostProcessor):
    """A finding wholly inside an earlier placeholder is dropped: that stretch is scrubbed already."""

    name = "keep_earlier_placeholders"

    def process_filth(self, filth_list: Sequence[Filth]) -> list[Filth]:
        held = [f for f in filth_list if isinstance(f, PlaceholderFilth)]
        return [
            f
            for f in filth_list
            if isinstance(f, PlaceholderFilth) or not any(p.beg <= f.beg and f.end <= p.end for p in held)
        ]


class StockFillsGaps(PostProcessor):
    """scrubadub's stock detectors only fill gaps: where one of ours found something, ours names it."""

    name = "stock_fills_gaps"

    def process_filth(self, filth_list: Sequence[Filth]) -> list[Filth]:
        ours = [f for f in filth_list if _ours(f)]
        return [f for f in filth_list if isinstance(f, SpanFilth) or not any(_overlap(f, o) for o in ours)]


_CITY_GAP_RE = re.compile(r"^,?[ \t]*$")
_PLACE_KINDS = frozenset({"ADDRESS", "POSTCODE"})


def _place_kind(filth: Filth) -> str:
    return filth.kind if isinstance(filth, PlaceholderFilth) else kind_of(filth)


class TownAfterStreet(PostProcessor):
    """A capitalised word right after a street or next to a postcode is the town
    ("12 Rosemount Gardens, Manchester M14 5RT"), not a person: its NAME finding is dropped.
    Earlier passes leave the street and postcode as placeholders, which count the same."""

    name = "town_after_street"

    def process_filth(self, filth_list: Sequence[Filth]) -> list[Filth]:
        places = [(f, kind) for f in filth_list if (kind := _place_kind(f)) in _PLACE_KINDS]
        if not places:
            return list(filth_list)
        return [f for f in filth_list if not (isinstance(f, SpanFilth) and kind_of(f) == "NAME" and self._is_town(f, places))]

    @staticmethod
    def _is_town(name: SpanFilth, places: list[tuple[Filth, str]]) -> bool:
        text = name.document
        return any(
            (p.end <= name.beg and _CITY_GAP_RE.match(text[p.end : name.beg]))
            or (kind == "POSTCODE" and name.end <= p.beg and _CITY_GAP_RE.match(text[name.end : p.beg]))
            for p, kind in places
        )


def _document_of(filth: Filth) -> str | None:
    if isinstance(filth, SpanFilth):
        return filth.document
    return filth.match.string if filth.match is not None else None


class MostSpecificKind(PostProcessor):
    """Overlapping findings become one of the most specific kind (``PRIORITY``: a phone-shaped
    run inside an IBAN is still an IBAN). A finding that cuts into an earlier placeholder
    takes all of it; a placeholder nothing touches stays as it is. Findings that only touch
    stay apart. A kind we have no placeholder for fails the text."""

    name = "most_specific_kind"

    def process_filth(self, filth_list: Sequence[Filth]) -> list[Filth]:
        for f in filth_list:
            if not isinstance(f, PlaceholderFilth) and kind_of(f) not in PRIORITY:
                raise ScrubError(f"detector {f.detector_name} reported an unknown type")
        groups: list[list[Filth]] = []
        end = -1
        for f in sorted(filth_list, key=lambda f: (f.beg, -f.end)):
            if groups and f.beg < end:
                groups[-1].append(f)
                end = max(end, f.end)
            else:
                groups.append([f])
                end = f.end
        return [merged for group in groups if (merged := self._one(group)) is not None]

    @staticmethod
    def _one(group: list[Filth]) -> Filth | None:
        found = [f for f in group if not isinstance(f, PlaceholderFilth)]
        if not found:
            return None
        if len(group) == 1:
            return group[0]
        kind = max((kind_of(f) for f in found), key=PRIORITY.__getitem__)
        union = functools.reduce(lambda a, b: a.merge(b), group)  # scrubadub joins the texts
        document = next((d for d in map(_document_of, group) if d is not None), None)
        if document is None:
            raise ScrubError("merged filth without the text it was found in")
        return FILTH[kind](
            beg=union.beg, end=union.end, text=union.text, document=document,
            detector_name="+".join(sorted({f.detector_name or "" for f in found})),
            document_name=union.document_name,
        )


def post_processors() -> list[PostProcessor]:
    """The scrubber's post-processors, in the order they must run."""
    return [
        SplitMerged(),
        KeepEarlierPlaceholders(),
        StockFillsGaps(),
        TownAfterStreet(),
        MostSpecificKind(),
        # The placeholder: the kind, upper case, in double braces ({{EMAIL}}), as stored data and reports expect.
        FilthReplacer(include_type=True, uppercase=True),
        PrefixSuffixReplacer(prefix="{{", suffix="}}"),
    ]
