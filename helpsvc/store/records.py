"""What the store keeps. Every field here is already scrubbed and coarsened.

Nothing in these records can name a person: user text has passed the
scrubber, times are truncated to the hour, client details are reduced to a
name, a major version, an OS family and a locale, and ``visitor`` is a daily
salted hash whose salt is deleted after 48 hours.
"""

from __future__ import annotations

from dataclasses import dataclass, field



@dataclass(frozen=True)
class Client:
    """Coarse client details: never the full user-agent string."""

    name: str = ""
    major: str = ""
    os: str = ""
    locale: str = ""


@dataclass(frozen=True)
class Feedback:
    id: str
    article_id: str
    locale: str
    revision: str
    helpful: bool
    reasons: tuple[str, ...]
    comment: str | None  # scrubbed; None when there was none or scrubbing failed
    comment_dropped: bool  # the reader wrote a comment but scrubbing failed, so it was dropped
    visitor: str
    day: str  # YYYY-MM-DD, for one vote per visitor per article per day
    hour: str
    client: Client = field(default_factory=Client)
    org: str = ""


@dataclass(slots=True)
class Event:
    """A search, a click on a result, or an article view.

    Not frozen, unlike the other records: one is made for nearly every request, and a
    frozen dataclass's constructor costs four times as much. Nothing changes one after
    it is made.
    """

    kind: str  # "search" | "click" | "view"
    visitor: str
    day: str
    hour: str
    locale: str = ""
    query: str | None = None  # scrubbed and normalised
    product: str = ""
    topic: str = ""
    results: int | None = None
    page: int | None = None
    article_id: str = ""
    rank: int | None = None
    search_id: str = ""
    client: Client = field(default_factory=Client)
    org: str = ""
