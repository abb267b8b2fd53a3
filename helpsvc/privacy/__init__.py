"""Privacy layer: scrub personal data from reader-typed text before anything stores it."""
from __future__ import annotations

from .scrubber import Scrubber, ScrubError, scrub
from .span import Detector, Span

__all__ = ["Detector", "ScrubError", "Scrubber", "Span", "scrub"]
