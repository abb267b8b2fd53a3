"""scrubadub's own detectors that run beside ours.

scrubadub's stock set alone misses most of what help feedback contains and
mistakes version numbers for phone numbers; but where its detectors are precise
(email addresses, card numbers) they run as a second opinion. Their filth only
fills gaps: where one of ours found something, ours names it (``StockFillsGaps``
in helpsvc.privacy.postprocessors).
"""
from __future__ import annotations

import scrubadub.detectors


def stock_detectors() -> list[scrubadub.detectors.Detector]:
    # Its phone and URL detectors are left out on purpose: they turn version numbers
    # and product links into filth.
    return [scrubadub.detectors.EmailDetector(), scrubadub.detectors.CreditCardDetector()]
