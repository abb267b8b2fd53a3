"""scrubadub's own detectors, as one of ours.

scrubadub alone misses most of what help feedback contains and mistakes
version numbers for phone numbers, so it is not the scrubber; but where its
detectors are precise (email addresses, card numbers) they run beside ours as a
second opinion, and anything either one finds is replaced.
"""
from __future__ import annotations

from typing import Iterable

import scrubadub
import scrubadub.detectors

from .span import Span

# scrubadub filth type -> our placeholder kind. Its phone and URL detectors are
# left out on purpose: they turn version numbers and product links into filth.
_KINDS = {"email": "EMAIL", "credit_card": "CREDIT_CARD"}


class StockDetector:
    fallback = True  # runs last and only reports what our detectors did not cover

    def __init__(self) -> None:
        self._scrubber = scrubadub.Scrubber(
            detector_list=[scrubadub.detectors.EmailDetector, scrubadub.detectors.CreditCardDetector],
            post_processor_list=[],
        )

    def detect(self, text: str) -> Iterable[Span]:
        for filth in self._scrubber.iter_filth(text, run_post_processors=False):
            kind = _KINDS.get(filth.type)
            if kind is not None:
                yield Span(filth.beg, filth.end, kind)
