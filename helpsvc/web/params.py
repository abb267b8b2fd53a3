"""Reading request parameters strictly: a bad value is a 400 that says what to send instead."""

from __future__ import annotations

from starlette.requests import Request

from ..errors import BadRequest
from ..locale import N_
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
        raise BadRequest(N_("'%(name)s' is too long (at most %(limit)s characters)", name=name, limit=100))
    return value


def offered_locale(value: object, offered: tuple[str, ...], source: str = "locale") -> str:
    """``value`` if it is one of the locales the site offers (``settings.locales``, the API's enum); else a 400."""
    if not isinstance(value, str) or value not in offered:
        shown = repr(value[:40]) if isinstance(value, str) else "a " + type(value).__name__
        raise BadRequest(N_("'%(source)s' must be one of %(offered)s, not %(shown)s",
                            source=source, offered=", ".join(offered), shown=shown))
    return value


def locale_param(request: Request) -> str | None:
    """?locale=, when given: one of the locales the site offers, or a 400 (an empty value included)."""
    if "locale" not in request.query_params:
        return None
    return offered_locale(request.query_params["locale"], request.app.state.site.settings.locales)


def request_locale(request: Request, available: list[str] | tuple[str, ...]) -> str | None:
    """?locale= wins; otherwise the best match for Accept-Language; otherwise None (the default)."""
    return locale_param(request) or negotiate_locale(request.headers.get("accept-language"), available)
