"""Privacy: scrub personal data from reader-typed text before anything stores it.

Owns the scrubber (``scrubber``) and its detectors (``detectors``), the node's
scrubber process (``process``), visitor hashing with daily salts (``visitor``) and
client-info coarsening (``client``). May import: settings, logs, content (the locale
pattern) and store (the client record). Nothing in store or content imports it.

The names below load lazily: importing ``helpsvc.privacy.client`` or ``.visitor``
(every web worker does) must not import the detectors, which pull in scrubadub,
NLTK and Faker, about 170 MB a worker does not need when it scrubs through the
scrubber process (``helpsvc.privacy.process.remote``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import ScrubError

if TYPE_CHECKING:
    from .scrubber import Scrubber, scrub
    from .detectors.span import Detector, Span

__all__ = ["Detector", "ScrubError", "Scrubber", "Span", "scrub"]

_LAZY = {"Scrubber": ".scrubber", "scrub": ".scrubber", "Detector": ".detectors.span", "Span": ".detectors.span"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
