"""The scrubber is scrubadub's: our detectors as its Detectors, our rules as its post-processors."""
from __future__ import annotations

import re
from collections.abc import Iterable

import pytest
import scrubadub
import scrubadub.detectors
from scrubadub.filth import EmailFilth, Filth, MergedFilth
from stdnum import iban

from helpsvc.privacy import Scrubber, ScrubError, Span
from helpsvc.privacy.detectors.checksums import iban_ok, luhn_ok, verhoeff_ok
from helpsvc.privacy.detectors.contact import EmailDetector
from helpsvc.privacy.detectors.span import FILTH, DetectsSpans, SpanDetector, SpanFilth
from helpsvc.privacy.detectors.stock import stock_detectors
from helpsvc.privacy.postprocessors import (
    EarlierPlaceholders,
    KeepEarlierPlaceholders,
    MostSpecificKind,
    PlaceholderFilth,
    SplitMerged,
    StockFillsGaps,
    TownAfterStreet,
    post_processors,
)


def ours(doc: str, part: str, kind: str, nth: int = 0) -> SpanFilth:
    """A finding of one of our detectors: the ``nth`` occurrence of ``part`` in ``doc``."""
    beg = [m.start() for m in re.finditer(re.escape(part), doc)][nth]
    return FILTH[kind](beg=beg, end=beg + len(part), text=part, document=doc, detector_name="test")


def placeholders(doc: str) -> list[Filth]:
    return list(EarlierPlaceholders(doc).iter_filth(doc))


def spans(filth: Iterable[Filth]) -> list[tuple[int, int, str]]:
    return sorted((f.beg, f.end, f.type.upper()) for f in filth)


class Words(SpanDetector):
    """Reports each listed word as ``kind``, wherever it stands (a test detector, no cues)."""

    def __init__(self, kind: str, *words: str) -> None:
        self.kind = kind
        self.name = f"words-{kind}-{'-'.join(words)}"
        self._re = re.compile("|".join(re.escape(w) for w in words))

    def detect(self, text: str) -> Iterable[Span]:
        return [Span(m.start(), m.end(), self.kind) for m in self._re.finditer(text)]


# ---------------------------------------------------------------- detectors as scrubadub Detectors


def test_our_detectors_are_scrubadub_detectors_that_yield_filth_of_our_kinds() -> None:
    detector = EmailDetector()
    assert isinstance(detector, scrubadub.detectors.Detector)
    filth = list(detector.iter_filth("write to jane.doe@example.org today"))
    assert [(f.type, f.text, type(f).__name__) for f in filth] == [("EMAIL", "jane.doe@example.org", "EmailFilth")]
    assert all(isinstance(f, SpanFilth) for f in filth)


def test_a_plain_scrubadub_scrubber_runs_our_detector_with_our_post_processors() -> None:
    engine = scrubadub.Scrubber(detector_list=[EmailDetector()], post_processor_list=post_processors())
    assert engine.clean("mail ola.nordmann@example.no, thanks") == "mail {{EMAIL}}, thanks"


def test_a_detector_reporting_an_unknown_kind_or_a_span_outside_the_text_raises() -> None:
    with pytest.raises(ScrubError):
        list(Words("NOT_A_KIND", "x").iter_filth("x"))

    class Outside(SpanDetector):
        def detect(self, text: str) -> Iterable[Span]:
            return [Span(0, len(text) + 3, "NAME")]

    with pytest.raises(ScrubError):
        list(Outside().iter_filth("abc"))


def test_an_empty_span_is_nothing_found() -> None:
    class Empty(SpanDetector):
        def detect(self, text: str) -> Iterable[Span]:
            return [Span(2, 2, "NAME")]

    assert list(Empty().iter_filth("abcdef")) == []


def test_any_object_with_detect_runs_and_two_of_one_class_run_side_by_side() -> None:
    class Duck:
        def __init__(self, word: str) -> None:
            self.word = word

        def detect(self, text: str) -> Iterable[Span]:
            start = text.find(self.word)
            return [Span(start, start + len(self.word), "NAME")] if start >= 0 else []

    scrubber = Scrubber(detectors=[Duck("Ingrid"), Duck("Tomasz")])
    assert scrubber.scrub("Ingrid and Tomasz and Ines") == "{{NAME}} and {{NAME}} and Ines"
    assert DetectsSpans(Duck("a")).name != DetectsSpans(Duck("a")).name


# ---------------------------------------------------------------- post-processors, one rule each


def test_split_merged_undoes_scrubadubs_merge() -> None:
    doc = "call 0301234567 now"
    a, b = ours(doc, "0301234567", "PHONE"), ours(doc, "1234567", "ACCOUNT_NUMBER")
    merged = a.merge(b)
    assert isinstance(merged, MergedFilth)
    assert SplitMerged().process_filth([merged]) == [a, b]


def test_findings_inside_an_earlier_placeholder_are_dropped_and_others_kept() -> None:
    doc = "{{#######}} near Olga"
    held = placeholders("{{ADDRESS}} near Olga")
    inside, outside = ours(doc, "####", "NAME"), ours(doc, "Olga", "NAME")
    across = ours(doc, "}} near", "NAME")
    kept = KeepEarlierPlaceholders().process_filth([*held, inside, outside, across])
    assert inside not in kept and outside in kept and across in kept and held[0] in kept


def test_stock_filth_only_fills_gaps() -> None:
    doc = "@ines.k@example.com or pat@example.net"
    handle = ours(doc, "@ines.k@example.com", "HANDLE")
    covered = EmailFilth(beg=1, end=19, text=doc[1:19])
    gap_beg = doc.index("pat@")
    gap = EmailFilth(beg=gap_beg, end=len(doc), text=doc[gap_beg:])
    assert StockFillsGaps().process_filth([handle, covered, gap]) == [handle, gap]


@pytest.mark.parametrize(
    ("doc", "place", "place_kind", "town", "dropped"),
    [
        ("12 Rosemount Gardens, Leeds", "12 Rosemount Gardens", "ADDRESS", "Leeds", True),
        ("Via Roma 4 Torino", "Via Roma 4", "ADDRESS", "Torino", True),
        ("send it to Aberdeen AB10 1XG", "AB10 1XG", "POSTCODE", "Aberdeen", True),
        ("12 Rosemount Gardens, ask Leeds", "12 Rosemount Gardens", "ADDRESS", "Leeds", False),
        ("ring 0301234567, Henrike", "0301234567", "PHONE", "Henrike", False),
        ("AB10 1XG and then Aberdeen", "AB10 1XG", "POSTCODE", "Aberdeen", False),
    ],
)
def test_a_town_next_to_a_street_or_postcode_is_no_name(
    doc: str, place: str, place_kind: str, town: str, dropped: bool
) -> None:
    name = ours(doc, town, "NAME")
    kept = TownAfterStreet().process_filth([ours(doc, place, place_kind), name])
    assert (name not in kept) is dropped


def test_an_earlier_street_placeholder_counts_as_a_street() -> None:
    text = "{{ADDRESS}}, Gdańsk {{POSTCODE}}"
    view = "{{#######}}, Gdańsk {{########}}"
    name = ours(view, "Gdańsk", "NAME")
    assert name not in TownAfterStreet().process_filth([*EarlierPlaceholders(text).iter_filth(view), name])


def test_overlapping_findings_merge_into_the_most_specific_kind() -> None:
    doc = "IBAN GB82 WEST 1234 5698 7654 32 ok"
    merged = MostSpecificKind().process_filth(
        [ours(doc, "1234 5698 7654", "PHONE"), ours(doc, "GB82 WEST 1234 5698 7654 32", "IBAN")]
    )
    assert spans(merged) == [(5, 32, "IBAN")]
    assert merged[0].text == "GB82 WEST 1234 5698 7654 32"


def test_touching_findings_stay_apart() -> None:
    doc = "Ana0301234567"
    assert spans(MostSpecificKind().process_filth([ours(doc, "Ana", "NAME"), ours(doc, "0301234567", "PHONE")])) == [
        (0, 3, "NAME"),
        (3, 13, "PHONE"),
    ]


def test_a_finding_that_cuts_into_a_placeholder_takes_all_of_it_and_a_lone_placeholder_stays() -> None:
    text = "{{PHONE}}-99 and {{NAME}}"
    view = "{{#####}}-99 and {{####}}"
    found = ours(view, "}}-99", "PHONE")
    merged = MostSpecificKind().process_filth([*EarlierPlaceholders(text).iter_filth(view), found])
    assert spans(merged) == [(0, 12, "PHONE")]


def test_a_filth_type_we_have_no_placeholder_for_fails_closed() -> None:
    class OddFilth(Filth):
        type = "odd"

    with pytest.raises(ScrubError):
        MostSpecificKind().process_filth([OddFilth(beg=0, end=3, text="abc")])


def test_placeholders_are_the_kind_in_double_braces() -> None:
    doc = "pay 4111 1111 1111 1111 to mo@example.com"
    filth: list[Filth] = [ours(doc, "4111 1111 1111 1111", "CREDIT_CARD"), EmailFilth(beg=27, end=41, text=doc[27:])]
    for processor in post_processors():
        filth = list(processor.process_filth(filth))
    assert sorted(f.replacement_string for f in filth) == ["{{CREDIT_CARD}}", "{{EMAIL}}"]


def test_placeholder_filth_is_never_written_as_a_placeholder_of_its_own() -> None:
    filth: list[Filth] = placeholders("{{NAME}} wrote")
    assert isinstance(filth[0], PlaceholderFilth) and filth[0].kind == "NAME"
    for processor in post_processors():
        filth = list(processor.process_filth(filth))
    assert filth == []


# ---------------------------------------------------------------- the scrubber end to end


def test_stock_detectors_fill_gaps_end_to_end() -> None:
    scrubber = Scrubber(detectors=[Words("HANDLE", "@kai.r@example.com"), *stock_detectors()])
    assert scrubber.scrub("dm @kai.r@example.com or lu@example.org") == "dm {{HANDLE}} or {{EMAIL}}"


def test_a_detector_that_raises_makes_scrub_raise_scrub_error() -> None:
    class Raises(SpanDetector):
        def detect(self, text: str) -> Iterable[Span]:
            if "?" in text:
                raise KeyError("detector bug")
            return []

    scrubber = Scrubber(detectors=[Raises()])
    assert scrubber.scrub("fine.") == "fine."
    with pytest.raises(ScrubError):
        scrubber.scrub("why?")


def test_scrubbing_repeats_until_a_cue_exposed_by_one_pass_is_used() -> None:
    class AfterPlaceholder(SpanDetector):
        """A name right after a masked {{PHONE}}: the cue exists only after a pass."""

        def detect(self, text: str) -> Iterable[Span]:
            return [Span(m.start(1), m.end(1), "NAME") for m in re.finditer(r"\{\{#{5}\}\} (\w+)", text)]

    scrubber = Scrubber(detectors=[Words("PHONE", "555-0100"), AfterPlaceholder()])
    once = scrubber.scrub("ring 555-0100 Bea or Cy")
    assert once == "ring {{PHONE}} {{NAME}} or Cy"
    assert scrubber.scrub(once) == once


@pytest.mark.parametrize(
    "text",
    [
        "Ship to 12 Rosemount Gardens, Manchester M14 5RT please",
        "Mijn IBAN is NL91 ABNA 0417 1643 00, groet Pieter de Vries",
        "tel. ０９０-１２３４-５６７８, mail ken@example.jp",
        "{{NAME}} said call +48 601 234 567 or write to ania@example.pl",
        "no personal data in this sentence about meeting rooms",
    ],
)
def test_the_result_is_a_fix_point(text: str) -> None:
    scrubber = _default()
    out = scrubber.scrub(text)
    assert scrubber.scrub(out) == out


def test_detectors_see_folded_digits_and_masked_placeholders() -> None:
    seen: list[str] = []

    class Records(SpanDetector):
        def detect(self, text: str) -> Iterable[Span]:
            seen.append(text)
            return []

    Scrubber(detectors=[Records()]).scrub("{{ADDRESS}} ０９０ ٣")
    assert seen == ["{{#######}} 090 3"]


_SCRUBBER: list[Scrubber] = []


def _default() -> Scrubber:
    if not _SCRUBBER:
        _SCRUBBER.append(Scrubber())
    return _SCRUBBER[0]


# ---------------------------------------------------------------- check digits (python-stdnum)


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("4111 1111 1111 1111", True),
        ("5500-0000-0000-0004", True),
        ("3782 822463 10005", True),
        ("4111 1111 1111 1112", False),
        ("0000 0000 0", False),  # passes Luhn, but too short to be a card
        ("4111²111111111111", False),  # a superscript is no digit of a card
    ],
)
def test_luhn(value: str, ok: bool) -> None:
    assert luhn_ok(value) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("GB82 WEST 1234 5698 7654 32", True),
        ("DE89 3704 0044 0532 0130 00", True),
        ("fr14 2004 1010 0505 0001 3m02 606", True),
        ("NL91-ABNA-0417-1643-00", True),
        ("GB83 WEST 1234 5698 7654 32", False),
        ("NL91 ABNA 0417 1643", False),
        ("ZZ12 3456 7890 1234 5678", False),
    ],
)
def test_iban(value: str, ok: bool) -> None:
    assert iban_ok(value) is ok


def test_an_iban_of_the_wrong_length_for_its_country_fails_even_with_good_check_digits() -> None:
    long_de = "DE00370400440532013000" + "7"
    fixed = long_de[:2] + iban.calc_check_digits(long_de) + long_de[4:]
    assert not iban_ok(fixed)


@pytest.mark.parametrize(
    ("value", "ok"),
    [("499 118 665 246", True), ("2363", True), ("2341 2341 2346", True), ("2364", False), ("", False), ("4991 1866 5247", False)],
)
def test_verhoeff(value: str, ok: bool) -> None:
    assert verhoeff_ok(value) is ok
