"""Feedback: what a reader may say about an article, checked strictly and scrubbed before it is kept."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..clock import hour_of, utc_now
from ..content.articles import LOCALE_RE
from ..errors import BadRequest
from ..locale import N_
from ..store.records import Client, Feedback

MAX_COMMENT = 2000
YES_REASONS: dict[str, str] = {
    "resolved": "Resolved my issue",
    "clear": "Clear instructions",
    "easy": "Easy to follow",
    "no-jargon": "No jargon",
    "pictures": "Pictures helped",
    "other": "Other",
}
NO_REASONS: dict[str, str] = {
    "wrong-screen": "Didn't match my screen",
    "incorrect": "Incorrect instructions",
    "too-technical": "Too technical",
    "not-enough-info": "Not enough information",
    "not-enough-pictures": "Not enough pictures",
    "other": "Other",
}
ALLOWED_FIELDS = {"article_id", "helpful", "reasons", "comment", "locale", "client", "org"}

# C0 and C1 control characters, DEL and invisible format marks, but not tab or newline: PostgreSQL
# refuses NUL in text and SQLite keeps it, and none of them means anything in a comment.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


def clean_text(text: str) -> str:
    """Text as we keep it: line breaks as \\n, no control characters, no invisible marks."""
    return _CONTROL_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def reasons_for(helpful: bool) -> dict[str, str]:
    return YES_REASONS if helpful else NO_REASONS

@dataclass(frozen=True)
class FeedbackInput:
    article_id: str
    helpful: bool
    reasons: tuple[str, ...]
    comment: str
    locale: str | None
    client: Mapping[str, Any] | None
    org: str

def parse_feedback(data: Any) -> FeedbackInput:
    """Validates a feedback submission; raises BadRequest naming the first thing that is wrong."""
    if not isinstance(data, dict):
        raise BadRequest(N_("the body must be a JSON object like {\"article_id\": \"…\", \"helpful\": true}"))
    extra = sorted(set(data) - ALLOWED_FIELDS)
    if extra:
        raise BadRequest(N_("unknown field %(field)r; allowed fields: %(allowed)s", field=extra[0], allowed=", ".join(sorted(ALLOWED_FIELDS))))
    article_id = data.get("article_id")
    if not isinstance(article_id, str) or not article_id.strip():
        raise BadRequest(N_("'article_id' is required and must be a string"))
    if len(article_id) > 300:
        raise BadRequest(N_("'article_id' is too long"))
    helpful = data.get("helpful")
    if not isinstance(helpful, bool):
        raise BadRequest(N_("'helpful' is required and must be true or false"))
    reasons = data.get("reasons", [])
    if reasons is None:
        reasons = []
    if not isinstance(reasons, list) or not all(isinstance(r, str) for r in reasons):
        raise BadRequest(N_("'reasons' must be a list of strings"))
    allowed = reasons_for(helpful)
    for reason in reasons:
        if reason not in allowed:
            # Two sentences, not "Yes"/"No" put into one, so each language can say the answer its own way.
            said = (N_("unknown reason %(reason)r for a Yes answer; choose from: %(allowed)s", reason=reason[:40], allowed=", ".join(allowed))
                    if helpful else
                    N_("unknown reason %(reason)r for a No answer; choose from: %(allowed)s", reason=reason[:40], allowed=", ".join(allowed)))
            raise BadRequest(said)
    comment = data.get("comment", "")
    if comment is None:
        comment = ""
    if not isinstance(comment, str):
        raise BadRequest(N_("'comment' must be a string"))
    if len(comment) > MAX_COMMENT:
        raise BadRequest(N_("'comment' is %(length)s characters; at most %(most)s are allowed", length=len(comment), most=MAX_COMMENT))
    locale = data.get("locale")
    if locale is not None and (not isinstance(locale, str) or not LOCALE_RE.match(locale)):
        raise BadRequest(N_("'locale' must look like 'en-US' or 'de'"))
    client = data.get("client")
    if client is not None:
        if not isinstance(client, dict) or not all(isinstance(v, str) for v in client.values()):
            raise BadRequest(N_("'client' must be an object like {\"name\": \"relay\", \"version\": \"16.0.1\", \"os\": \"Windows 11\"}"))
        unknown = sorted(set(client) - {"name", "version", "os"})
        if unknown:
            raise BadRequest(N_("unknown client field %(field)r; allowed: name, version, os", field=unknown[0]))
    org = data.get("org", "")
    if org is None:
        org = ""
    if not isinstance(org, str) or len(org) > 100:
        raise BadRequest(N_("'org' must be a string of at most 100 characters"))
    return FeedbackInput(
        article_id=article_id.strip(),
        helpful=helpful,
        reasons=tuple(dict.fromkeys(reasons)),
        comment=clean_text(comment).strip(),
        locale=locale,
        client=client,
        org=org.strip(),
    )

def make_feedback(
    given: FeedbackInput,
    revision: str,
    article_locale: str,
    visitor: str,
    client: Client,
    scrubbed: tuple[str | None, bool],
    now: dt.datetime | None = None,
) -> Feedback:
    """The record to store. ``scrubbed`` is the comment already scrubbed, as (text, dropped)."""
    now = (now or utc_now()).astimezone(dt.timezone.utc)
    comment, dropped = scrubbed
    return Feedback(
        id=uuid.uuid4().hex,
        article_id=given.article_id,
        locale=article_locale,
        revision=revision,
        helpful=given.helpful,
        reasons=given.reasons,
        comment=comment,
        comment_dropped=dropped,
        visitor=visitor,
        day=now.date().isoformat(),
        hour=hour_of(now),
        client=client,
        org=given.org,
    )
