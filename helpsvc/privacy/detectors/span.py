"""The unit every detector reports: a typed stretch of the input text."""
from __future__ import annotations

from typing import Iterable, NamedTuple, Protocol


class Span(NamedTuple):
    """Characters ``text[start:end]`` are personal data of type ``kind`` (e.g. "EMAIL")."""

    start: int
    end: int
    kind: str


class Detector(Protocol):
    """Anything that finds personal data in a text."""

    def detect(self, text: str) -> Iterable[Span]: ...


# When spans of different kinds overlap they are merged into one placeholder; the
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
