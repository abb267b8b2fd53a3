"""What a detector reports, and the scrubadub Detector each of ours is.

Our detectors find spans (``detect(text)``: typed stretches of the text); the
scrubber is scrubadub's, which wants Filth. ``SpanDetector`` turns the one into
the other, so a detector only writes ``detect`` and the scrubber runs it beside
scrubadub's stock detectors.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple, Protocol

import scrubadub.detectors
import scrubadub.filth

from ..errors import ScrubError


class Span(NamedTuple):
    """Characters ``text[start:end]`` are personal data of type ``kind`` (e.g. "EMAIL")."""

    start: int
    end: int
    kind: str


class Detector(Protocol):
    """Anything that finds personal data in a text."""

    def detect(self, text: str) -> Iterable[Span]: ...


# When findings of different kinds overlap they are merged into one placeholder; the
# most specific kind wins (a phone-shaped run inside an IBAN is still an IBAN).
PRIORITY: dict[str, int] = {
    kind: rank
    for rank, kind in enumerate(
        reversed(
            (
                "URL",
                "HANDLE",
                "SIP",
                "EMAIL",
                "IBAN",
                "CREDIT_CARD",
                "NATIONAL_ID",
                "MAC",
                "IP",
                "DATE_OF_BIRTH",
                "MEETING_ID",
                "ACCOUNT_NUMBER",
                "USERNAME",
                "HOSTNAME",
                "PHONE",
                "ADDRESS",
                "POSTCODE",
                "NAME",
            )
        )
    )
}


def kind_of(filth: scrubadub.filth.Filth) -> str:
    """Our placeholder kind for any Filth: scrubadub's "credit_card" is our CREDIT_CARD."""
    return filth.type.upper()


class SpanFilth(scrubadub.filth.Filth):
    """Filth one of our detectors found. ``document`` is the text it was found in:
    rules between findings read what stands between them (a town after a street)."""

    def __init__(self, *, document: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.document = document


# One Filth class per kind, so scrubadub sees our types as its own ("EMAIL" is EmailFilth's "email").
FILTH: dict[str, type[SpanFilth]] = {
    kind: type(f"{kind.title().replace('_', '')}Filth", (SpanFilth,), {"type": kind, "__module__": __name__})
    for kind in PRIORITY
}


class SpanDetector(scrubadub.detectors.Detector):
    """Base of our detectors: ``iter_filth`` reports the spans ``detect`` finds as Filth.

    A span of an unknown kind or outside the text raises ScrubError: a detector bug
    must drop the text, not store it. Empty spans are nothing found.
    """

    name = "span_detector"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # scrubadub keys a scrubber's detectors by name; a class name is unique among ours.
        if "name" not in cls.__dict__:
            cls.name = cls.__name__

    def detect(self, text: str) -> Iterable[Span]:
        raise NotImplementedError

    def iter_filth_documents(
        self, document_list: Sequence[str], document_names: Sequence[str | None]
    ) -> list[scrubadub.filth.Filth]:
        # scrubadub tries this first and falls back to iter_filth on NotImplementedError;
        # raising and catching that for every detector on every text costs more than the scan.
        return [f for text, name in zip(document_list, document_names) for f in self._filth(text, name)]

    def iter_filth(self, text: str, document_name: str | None = None) -> Iterator[scrubadub.filth.Filth]:
        return iter(self._filth(text, document_name))

    def _filth(self, text: str, document_name: str | None) -> list[scrubadub.filth.Filth]:
        found: list[scrubadub.filth.Filth] = []
        for span in self.detect(text):
            if span.kind not in FILTH or not 0 <= span.start <= span.end <= len(text):
                raise ScrubError(f"detector {self.name} reported an invalid span")
            if span.end > span.start:
                found.append(
                    FILTH[span.kind](
                        beg=span.start,
                        end=span.end,
                        text=text[span.start : span.end],
                        document=text,
                        detector_name=self.name,
                        document_name=document_name,
                    )
                )
        return found


class DetectsSpans(SpanDetector):
    """Any object with ``detect(text) -> spans`` (see ``Detector``), as a scrubadub Detector."""

    def __init__(self, detector: Detector) -> None:
        self._detector = detector
        # An instance name: two detectors of one class may run side by side.
        self.name = f"{type(detector).__name__}@{id(detector):x}"

    def detect(self, text: str) -> Iterable[Span]:
        return self._detector.detect(text)
