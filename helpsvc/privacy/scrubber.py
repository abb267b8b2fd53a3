"""Replace personal data in reader-typed text with typed placeholders such as {{EMAIL}}.

Every detector reports spans; overlapping spans merge into one placeholder of the most
specific kind. Scrubbing repeats until the text stops changing, which makes it
idempotent: removing one value can expose a cue for the next ("call {{NAME}} on ...").
Any failure raises ScrubError so the caller drops the text instead of storing it raw.
"""
from __future__ import annotations

import re
import threading
import unicodedata
from typing import Iterable, Sequence

from .detectors.address import AddressDetector
from .detectors.contact import EmailDetector, HandleDetector, PhoneDetector, UrlDetector
from .errors import ScrubError
from .detectors.identity import AccountDetector, BirthDateDetector, MeetingDetector, NationalIdDetector, PaymentDetector
from .detectors.lexicon import LexiconError, fold, load_lexicon
from .detectors.names import NameDetector
from .detectors.network import HostnameDetector, IpMacDetector, UsernameDetector
from .detectors.span import PRIORITY, Detector, Span
from .detectors.stock import StockDetector
from .detectors.vocabulary import PRODUCT_WORDS

PLACEHOLDER_RE = re.compile(r"\{\{[A-Z_]+\}\}")
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
    ``detectors`` replaces the default detector set (for tests and special deployments);
    ``extra_keep`` then has no effect, since only the default name detector reads it.
    """

    def __init__(self, extra_keep: Iterable[str] = (), *, detectors: Sequence[Detector] | None = None) -> None:
        keep = tuple(extra_keep)
        if detectors is not None:
            self._detectors: tuple[Detector, ...] = tuple(detectors)
            return
        try:
            lexicon = load_lexicon()
        except LexiconError as exc:
            raise ScrubError(str(exc)) from exc
        keep_words = frozenset(fold(w) for w in PRODUCT_WORDS) | frozenset(fold(w) for w in keep)
        common = lexicon.common
        self._detectors = (
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
            StockDetector(),
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
        protected = [(m.start(), m.end()) for m in PLACEHOLDER_RE.finditer(text)]
        view = _mask_placeholders(text.translate(_WIDTH_FOLD), protected)
        spans: list[Span] = []
        for detector in self._detectors:
            # A fallback detector (scrubadub's) only fills gaps: where ours found something, ours names it.
            fallback = getattr(detector, "fallback", False)
            own = list(spans) if fallback else []
            for span in detector.detect(view):
                if span.kind not in PRIORITY or not 0 <= span.start <= span.end <= len(text):
                    raise ScrubError(f"detector {type(detector).__name__} reported an invalid span")
                if fallback and any(o.start < span.end and span.start < o.end for o in own):
                    continue
                if span.end > span.start and not _inside_placeholder(span, protected):
                    spans.append(span)
        if not spans:
            return text
        return _replace(text, _merge(_drop_cities(text, spans), protected))


_CITY_GAP_RE = re.compile(r"^,?[ \t]*$")
_PLACE_PLACEHOLDER_RE = re.compile(r"\{\{(?:ADDRESS|POSTCODE)\}\}")


def _drop_cities(text: str, spans: list[Span]) -> list[Span]:
    """A capitalised word right after a street or next to a postcode is the town
    ("12 Rosemount Gardens, Manchester M14 5RT"), not a person."""
    places = [s for s in spans if s.kind in ("ADDRESS", "POSTCODE")]
    # Earlier passes leave the street and postcode as placeholders.
    places += [Span(m.start(), m.end(), m.group()[2:-2]) for m in _PLACE_PLACEHOLDER_RE.finditer(text)]
    if not places:
        return spans
    kept = []
    for s in spans:
        if s.kind == "NAME" and any(
            (p.end <= s.start and _CITY_GAP_RE.match(text[p.end : s.start]))
            or (p.kind == "POSTCODE" and s.end <= p.start and _CITY_GAP_RE.match(text[s.end : p.start]))
            for p in places
        ):
            continue
        kept.append(s)
    return kept


def _mask_placeholders(view: str, protected: list[tuple[int, int]]) -> str:
    """Hide the kind inside earlier placeholders so "{{ADDRESS}}" is no cue for an address."""
    if not protected:
        return view
    parts, pos = [], 0
    for start, end in protected:
        parts.append(view[pos:start])
        parts.append("{{" + "#" * (end - start - 4) + "}}")
        pos = end
    parts.append(view[pos:])
    return "".join(parts)


def _inside_placeholder(span: Span, protected: list[tuple[int, int]]) -> bool:
    return any(start <= span.start and span.end <= end for start, end in protected)


def _merge(spans: list[Span], protected: list[tuple[int, int]]) -> list[Span]:
    """Union overlapping spans; a span that cuts into a placeholder swallows all of it."""
    widened: list[Span] = []
    for s in spans:
        start, end = s.start, s.end
        for p_start, p_end in protected:
            if p_start < end and start < p_end:
                start, end = min(start, p_start), max(end, p_end)
        widened.append(Span(start, end, s.kind))
    widened.sort(key=lambda s: (s.start, -s.end))
    merged: list[Span] = []
    for s in widened:
        if merged and s.start < merged[-1].end:
            last = merged[-1]
            kind = last.kind if PRIORITY[last.kind] >= PRIORITY[s.kind] else s.kind
            merged[-1] = Span(last.start, max(last.end, s.end), kind)
        else:
            merged.append(s)
    return merged


def _replace(text: str, spans: list[Span]) -> str:
    out: list[str] = []
    pos = 0
    for s in spans:
        out.append(text[pos : s.start])
        out.append("{{" + s.kind + "}}")
        pos = s.end
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
