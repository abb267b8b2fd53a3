"""Reading a whole-number parameter strictly, for the web routes and the report filters alike.

It lives here, beside ``errors``, so that ``reports`` and ``web`` share it without
``reports`` importing ``web``.
"""

from __future__ import annotations

from .errors import BadRequest
from .locale import N_


def int_value(raw: str | None, name: str, default: int, low: int, high: int) -> int:
    """``raw`` as a whole number from ``low`` to ``high``; ``default`` when it is missing or empty.

    Anything else is a 400 that names the parameter, the range and what was sent.
    """
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(N_("'%(name)s' must be a whole number from %(low)s to %(high)s, not %(raw)r",
                            name=name, low=low, high=high, raw=raw[:40])) from None
    if not low <= value <= high:
        raise BadRequest(N_("'%(name)s' must be from %(low)s to %(high)s, not %(value)s", name=name, low=low, high=high, value=value))
    return value
