"""scrubadub's own detectors that run beside ours.

scrubadub's stock set alone misses most of what help feedback contains and
mistakes version numbers for phone numbers; but where its detectors are precise
(email addresses, card numbers) they run as a second opinion. Their filth only
fills gaps: where one of ours found something, ours names it (``StockFillsGaps``
in helpsvc.privacy.postprocessors).
"""
from __future__ import annotations

from collections.abc import Iterator

import scrubadub.detectors
from scrubadub.filth import Filth


class WrittenEmailDetector(scrubadub.detectors.EmailDetector):
    """scrubadub's e-mail detector, for addresses written with "@".

    Its spoken form ("word at host dot com") also takes every "look at
    support.microsoft.com" in help text for an address; our EmailDetector reads
    spoken and bracketed forms with a guard against such sentences.
    """

    name = "written_email"

    def iter_filth(self, text: str, document_name: str | None = None) -> Iterator[Filth]:
        for filth in super().iter_filth(text, document_name=document_name):
            if "@" in filth.text:
                yield filth


def stock_detectors() -> list[scrubadub.detectors.Detector]:
    # Its phone and URL detectors are left out on purpose: they turn version numbers
    # and product links into filth.
    return [WrittenEmailDetector(), scrubadub.detectors.CreditCardDetector()]
