"""Replace personal data in reader-typed text with typed placeholders such as {{EMAIL}}.

The scrubber is scrubadub's: our detectors are scrubadub Detectors (``SpanDetector``)
and run beside two of its stock ones; the rules between findings (stock ones only
fill gaps, a town after a street is no name, overlapping findings merge into the most
specific kind, the {{KIND}} placeholder) are scrubadub post-processors, in
helpsvc.privacy.postprocessors. Scrubbing repeats until the text stops changing,
which makes it idempotent: removing one value can expose a cue for the next ("call
{{NAME}} on ..."). Any failure raises ScrubError so the caller drops the text
instead of storing it raw.
"""
from __future__ import annotations

import threading
import unicodedata
from collections.abc import Iterable, Sequence

import scrubadub
import scrubadub.detectors
from scrubadub.filth import Filth

from .detectors.address import AddressDetector
from .detectors.contact import EmailDetector, HandleDetector, PhoneDetector, UrlDetector
from .detectors.identity import (
    AccountDetector,
    BirthDateDetector,
    MeetingDetector,
    NationalIdDetector,
    PaymentDetector,
)
from .detectors.lexicon import LexiconError, fold, load_lexicon
from .detectors.names import NameDetector
from .detectors.network import HostnameDetector, IpMacDetector, UsernameDetector
from .detectors.span import Detector, DetectsSpans
from .detectors.stock import stock_detectors
from .detectors.vocabulary import PRODUCT_WORDS
from .errors import ScrubError
from .postprocessors import PLACEHOLDER_RE, EarlierPlaceholders, post_processors

__all__ = ["PLACEHOLDER_RE", "Scrubber", "default_scrubber", "scrub"]

_MAX_PASSES = 8

# Full-width letters and digits (common in Japanese and Chinese input) and the decimal
# digits of every script map one-to-one to ASCII, so detectors see "０９０" or "٠٩٠" as
# "090" while offsets into the original text stay valid.
_WIDTH_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20} | {
    cp: 0x30 + unicodedata.decimal(chr(cp))
    for cp in range(0x80, 0x10000)
    if unicodedata.category(chr(cp)) == "Nd"
}


class Scrubber:
    """Finds and replaces personal data. Build one and reuse it: construction loads word lists.

    ``extra_keep`` lists product or feature words that must never be taken for names.
    ``detectors`` replaces the default detector set (for tests and special deployments):
    scrubadub Detectors, or anything with ``detect(text) -> spans``; ``extra_keep`` then
    has no effect, since only the default name detector reads it.
    """

    def __init__(
        self,
        extra_keep: Iterable[str] = (),
        *,
        detectors: Sequence[Detector | scrubadub.detectors.Detector] | None = None,
    ) -> None:
        keep = tuple(extra_keep)
        if detectors is not None:
            chosen = [d if isinstance(d, scrubadub.detectors.Detector) else DetectsSpans(d) for d in detectors]
        else:
            try:
                lexicon = load_lexicon()
            except LexiconError as exc:
                raise ScrubError(str(exc)) from exc
            keep_words = frozenset(fold(w) for w in PRODUCT_WORDS) | frozenset(fold(w) for w in keep)
            common = lexicon.common
            chosen = [
                UrlDetector(),
                EmailDetector(),
                HandleDetector(common),
                PaymentDetector(),
                NationalIdDetector(),
                IpMacDetector(),
                BirthDateDetector(),
                MeetingDetector(common),
                AccountDetector(),
                UsernameDetector(common, keep_words),
                HostnameDetector(common),
                PhoneDetector(),
                AddressDetector(common),
                NameDetector(lexicon, keep),
                *stock_detectors(),
            ]
        self._detectors: tuple[scrubadub.detectors.Detector, ...] = tuple(chosen)
        self._post_processors = post_processors()
        # Texts without placeholders (every first pass, most queries) share one scrubadub Scrubber;
        # building it also fails now on a set scrubadub refuses (two detectors of one name).
        self._plain = scrubadub.Scrubber(detector_list=self._detectors, post_processor_list=self._post_processors)

    def _engine(self, placeholders: EarlierPlaceholders) -> scrubadub.Scrubber:
        if not placeholders.found:
            return self._plain
        # The placeholders of earlier passes are this text's own, so this text gets its own
        # Scrubber (a few microseconds: detectors and post-processors are shared).
        return scrubadub.Scrubber(
            detector_list=[*self._detectors, placeholders], post_processor_list=self._post_processors
        )

    def scrub(self, text: str) -> str:
        """Return ``text`` with personal data replaced by placeholders; raise ScrubError on failure."""
        if not isinstance(text, str):
            raise ScrubError(f"expected str, got {type(text).__name__}")
        try:
            current = text
            for _ in range(_MAX_PASSES):
                scrubbed = self._scrub_once(current)
                if scrubbed == current:
                    return scrubbed
                current = scrubbed
        except ScrubError:
            raise
        except Exception as exc:  # noqa: BLE001 - any detector bug must fail closed
            raise ScrubError(f"scrubbing failed: {type(exc).__name__}") from exc
        raise ScrubError("scrubbing did not settle")

    def _scrub_once(self, text: str) -> str:
        placeholders = EarlierPlaceholders(text)
        view = _mask_placeholders(text.translate(_WIDTH_FOLD), placeholders.found)
        filth = list(self._engine(placeholders).iter_filth(view))
        if not filth:
            return text
        return _replace(text, filth)


def _mask_placeholders(view: str, found: list[tuple[int, int, str]]) -> str:
    """Hide the kind inside earlier placeholders so "{{ADDRESS}}" is no cue for an address."""
    if not found:
        return view
    parts, pos = [], 0
    for start, end, _ in found:
        parts.append(view[pos:start])
        parts.append("{{" + "#" * (end - start - 4) + "}}")
        pos = end
    parts.append(view[pos:])
    return "".join(parts)


def _replace(text: str, filth: list[Filth]) -> str:
    """Each finding's replacement (its placeholder, from the post-processors) in place of its text."""
    out: list[str] = []
    pos = 0
    for f in sorted(filth, key=lambda f: f.beg):
        if f.beg < pos or f.replacement_string is None:
            raise ScrubError("post-processing left overlapping or unreplaced filth")
        out.append(text[pos : f.beg])
        out.append(f.replacement_string)
        pos = f.end
    out.append(text[pos:])
    return "".join(out)


_default: Scrubber | None = None
_default_lock = threading.Lock()


def default_scrubber() -> Scrubber:
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Scrubber()
    return _default


def scrub(text: str) -> str:
    """Scrub ``text`` with the process-wide default Scrubber."""
    return default_scrubber().scrub(text)
