"""The one error the privacy layer raises, in a module that imports nothing heavy.

Web workers that scrub through the scrubber process raise it too, without
loading the detectors (and scrubadub with them).
"""
from __future__ import annotations


class ScrubError(Exception):
    """Scrubbing failed; the caller must drop the text (fail closed)."""
