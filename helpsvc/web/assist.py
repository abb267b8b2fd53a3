"""Search-as-you-type: completions fast enough for every keystroke, and never logged as searches."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from .params import request_locale, text_param
from .render import api


async def suggest_api(request: Request) -> Response:
    site = request.app.state.site
    site.intake.guard(request, "suggest")
    query = text_param(request, "q", max_chars=100)
    locale = request_locale(request, site.search.state().locales)
    suggestions = site.search.suggest(query, locale)
    # Completions depend only on the index build: let browsers and proxies reuse them briefly.
    return api({"query": query, "suggestions": suggestions}, headers={"Cache-Control": "public, max-age=60"})
