"""Reading request parameters strictly: a bad value is a 400 that says what to send instead."""

from __future__ import annotations

from starlette.requests import Request

from ..content.articles import LOCALE_RE
from ..errors import BadRequest
from ..params import int_value
from ..search import negotiate_locale


def int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    return int_value(request.query_params.get(name), name, default, low, high)


def text_param(request: Request, name: str, max_chars: int = 10000) -> str:
    value = request.query_params.get(name, "")
    # Over-long input is cut, not refused: a pasted error log is still a search.
    return value[:max_chars]


def filter_param(request: Request, name: str) -> str | None:
    value = request.query_params.get(name, "").strip()
    if not value:
        return None
    if len(value) > 100:
        raise BadRequest(f"'{name}' is too long (at most 100 characters)")
    return value


def request_locale(request: Request, available: list[str] | tuple[str, ...]) -> str | None:
    """?locale= wins; otherwise the best match for Accept-Language; otherwise None (the default)."""
    raw = request.query_params.get("locale", "").strip()
    if raw:
        if not LOCALE_RE.match(raw):
            raise BadRequest(f"'locale' must look like 'en-US' or 'de', not {raw[:40]!r}")
        return raw
    return negotiate_locale(request.headers.get("accept-language"), available)
