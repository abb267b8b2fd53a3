"""Reading a whole-number parameter strictly, for the web routes and the report filters alike.

It lives here, beside ``errors``, so that ``reports`` and ``web`` share it without
``reports`` importing ``web``.
"""

from __future__ import annotations

from .errors import BadRequest


def int_value(raw: str | None, name: str, default: int, low: int, high: int) -> int:
    """``raw`` as a whole number from ``low`` to ``high``; ``default`` when it is missing or empty.

    Anything else is a 400 that names the parameter, the range and what was sent.
    """
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"'{name}' must be a whole number from {low} to {high}, not {raw[:40]!r}") from None
    if not low <= value <= high:
        raise BadRequest(f"'{name}' must be from {low} to {high}, not {value}")
    return value
