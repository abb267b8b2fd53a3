"""Turning data into responses: templates for pages, JSON for the API, and errors for both."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import jinja2
import orjson
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.templating import Jinja2Templates

from ..content.topics import TopicNames, slug_name, topic_names_reader
from ..errors import HelpError
from ..locale import N_
from .i18n import UI_LOCALES, install, translate
from ..search import negotiate_locale

log = logging.getLogger(__name__)

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATE_DIR))
templates.env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
install(templates.env)


@jinja2.pass_context
def _topic_name(context: Any, topic: str) -> str:
    """``{{ t|topic_name }}``: a topic slug as the page's locale calls it (content/topics/<locale>.txt)."""
    names = context.get("topic_names")
    locale = context.get("ui_locale")
    if isinstance(names, TopicNames):
        return names.name(topic, locale if isinstance(locale, str) else None)
    return slug_name(topic)


def install_topic_names(env: jinja2.Environment) -> None:
    """The ``topic_name`` filter, reading the ``topic_names`` and ``ui_locale`` of each page's context."""
    env.filters["topic_name"] = _topic_name


install_topic_names(templates.env)


def topic_names(request: Request) -> TopicNames:
    """The site's topic names, as the content folder has them now (re-read when a file changes)."""
    settings = request.app.state.site.settings
    return topic_names_reader(settings.content_dir, settings.default_locale, settings.index_check_seconds).current()


def is_api(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path.endswith(".json") or path in {"/healthz", "/readyz"}


def ui_locale(request: Request, data: dict[str, Any], default: str) -> str:
    """The language of the page furniture: what the reader asked for, else the page's own language.

    A German reader whose article exists only in English still gets German
    buttons and headings around it; the article body says lang="en-US".
    """
    asked = request.query_params.get("locale", "")
    if asked in request.app.state.site.settings.locales:
        return asked
    negotiated = negotiate_locale(request.headers.get("accept-language"), UI_LOCALES)
    if negotiated:
        return negotiated
    for hint in ((data.get("article") or {}).get("locale"), (data.get("result") or {}).get("locale"), data.get("locale")):
        if isinstance(hint, str) and hint:
            return hint
    return default


def page(request: Request, template: str, data: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> Response:
    site = request.app.state.site
    locale = ui_locale(request, data, site.settings.default_locale)
    context = {
        "site_name": site.settings.site_name,
        "locales": site.settings.locales,
        "ui_locale": locale,
        "topic_names": topic_names(request),
        **data,
    }
    return templates.TemplateResponse(request, template, context, status_code=status, headers=headers)


def json_bytes(data: Any) -> bytes:
    return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS)


class FastJSONResponse(JSONResponse):
    """JSON encoded with orjson: several times faster than the standard library on search results."""

    def render(self, content: Any) -> bytes:
        return json_bytes(content)


def api(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> JSONResponse:
    return FastJSONResponse(data, status_code=status, headers=headers)


def api_bytes(body: bytes) -> Response:
    """A 200 JSON response from bytes serialised earlier with ``json_bytes``."""
    return Response(body, media_type="application/json")


def error_response(request: Request, exc: Exception) -> Response:
    """The one place where exceptions become responses: JSON under /api/, a page elsewhere."""
    if isinstance(exc, HelpError):
        status, message = exc.status, exc.message
    else:
        # Never a traceback in a response; the log says what happened, without request data.
        log.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.scope.get("route_name", "?"), exc_info=exc)
        status, message = 500, N_("Something went wrong on our side. Please try again in a moment.")
    headers = exc.headers if isinstance(exc, HelpError) else {}
    try:
        message = translate(message, ui_locale(request, {}, request.app.state.site.settings.default_locale))
    except AttributeError:  # no site to ask (an app half set up): the English text
        pass
    if is_api(request):
        return JSONResponse({"error": {"status": status, "message": message}}, status_code=status, headers=headers)
    try:
        return page(request, "error.html", {"status": status, "message": message, "query": ""}, status=status, headers=headers)
    except Exception:  # the error page itself failed: fall back to plain text
        return HTMLResponse(f"<!doctype html><title>Error {status}</title><p>{status}</p>", status_code=status, headers=headers)
