"""The OpenAPI description of the JSON API, served at /openapi.json.

``create_app`` builds it from the route table and the operations each module
describes (``OPERATIONS`` here for readers, ``staff.operations()`` for staff):
nothing is added at import time, and a JSON route without a description, or a
description without a route, stops the app from being built. What depends on
the settings (the locales offered, the largest page) is filled in then too,
through components the operations refer to, so the description says what this
server accepts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from .. import __version__
from ..intake.feedback import MAX_COMMENT, NO_REASONS, YES_REASONS
from ..search.service import MAX_PAGE
from ..settings import Settings


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _ok(schema: str, description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


# Filled in by build_spec from the settings.
_LOCALE = {"$ref": "#/components/parameters/locale"}
_LOCALE_SCHEMA = {"$ref": "#/components/schemas/Locale"}

_STR = {"type": "string"}
_STR_LIST = {"type": "array", "items": {"type": "string"}}
_NULLABLE_STR = {"type": ["string", "null"]}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"type": "object", "required": ["status", "message"],
                                 "properties": {"status": {"type": "integer"}, "message": _STR}}},
    },
    "Hit": {
        "type": "object",
        "required": ["id", "title", "url", "snippet", "score", "path"],
        "properties": {
            "id": _STR, "title": _STR, "url": _STR, "snippet": _STR, "snippet_html": _STR,
            "score": {"type": "number"}, "path": {**_STR, "description": "File path relative to the content root"},
            "locale": _STR, "product": _STR, "topics": _STR_LIST, "summary": _STR, "click_url": _STR,
        },
    },
    "ArticleSummary": {
        "type": "object",
        "required": ["id", "title", "url"],
        "properties": {"id": _STR, "title": _STR, "summary": _STR, "url": _STR, "locale": _STR, "path": _STR},
    },
    "SearchResult": {
        "type": "object",
        "required": ["query", "page", "per_page", "total", "hits"],
        "properties": {
            "query": _STR, "page": {"type": "integer"}, "per_page": {"type": "integer"},
            "total": {"type": "integer"}, "pages": {"type": "integer"}, "locale": _STR,
            "product": _NULLABLE_STR, "topic": _NULLABLE_STR,
            "suggestion": {**_NULLABLE_STR, "description": "Did you mean …?"},
            "corrected_from": {**_NULLABLE_STR, "description": "Set when the hits are for `suggestion` because the query found nothing"},
            "build_id": _STR, "search_id": _NULLABLE_STR,
            "fallback": {
                "type": ["object", "null"],
                "description": "Set when the reader's locale found nothing and the hits are from another offered locale",
                "required": ["from", "locale", "total", "message"],
                "properties": {
                    "from": {**_STR, "description": "The reader's locale, which found nothing"},
                    "locale": {**_STR, "description": "The locale of the hits"},
                    "total": {"type": "integer"},
                    "message": {**_STR, "description": "Says so, in the reader's language"},
                },
            },
            "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
            "popular": {"type": "array", "items": {"$ref": "#/components/schemas/ArticleSummary"}},
        },
    },
    "Article": {
        "type": "object",
        "required": ["id", "locale", "title", "html", "url", "path"],
        "properties": {
            "id": _STR, "locale": _STR, "title": _STR, "summary": _STR, "url": _STR, "path": _STR,
            "product": _STR, "topics": _STR_LIST, "updated": _STR, "revision": _STR,
            "headings": {"type": "array", "items": {"type": "object"}}, "contexts": _STR_LIST,
            "translations": _STR_LIST, "html": _STR, "build_id": _STR,
            "related": {"type": "array", "items": {"$ref": "#/components/schemas/ArticleSummary"}},
            "feedback": {"type": "object"},
        },
    },
    "Context": {
        "type": "object",
        "required": ["context", "article_id", "locale", "url"],
        "properties": {"context": _STR, "article_id": _STR, "locale": _STR, "url": _STR},
    },
    # What intake.feedback.parse_feedback accepts, no more and no less: null stands for a missing
    # optional field, an id needs more than white space, and the reasons depend on the answer.
    "FeedbackIn": {
        "type": "object",
        "required": ["article_id", "helpful"],
        "additionalProperties": False,
        "properties": {
            "article_id": {"type": "string", "maxLength": 300, "pattern": r"\S"},
            "helpful": {"type": "boolean"},
            "reasons": {"type": ["array", "null"], "items": _STR,
                        "description": f"For Yes: {', '.join(YES_REASONS)}. For No: {', '.join(NO_REASONS)}."},
            "comment": {"type": ["string", "null"], "maxLength": MAX_COMMENT},
            "locale": {"anyOf": [_LOCALE_SCHEMA, {"type": "null"}], "description": "The reader's language"},
            "org": {"type": ["string", "null"], "maxLength": 100, "pattern": r"^\s*([A-Za-z0-9._-]{1,64})?\s*$",
                    "description": "Organisation id: 1-64 letters, digits, '.', '_' or '-'"},
            "client": {"type": ["object", "null"], "additionalProperties": False,
                       "properties": {"name": _STR, "version": _STR, "os": _STR}},
        },
        "oneOf": [
            {"properties": {"helpful": {"const": answer},
                            "reasons": {"type": ["array", "null"], "items": {"enum": list(reasons)}}}}
            for answer, reasons in ((True, YES_REASONS), (False, NO_REASONS))
        ],
    },
    "FeedbackOut": {
        "type": "object",
        "required": ["id", "article_id", "helpful", "message"],
        "properties": {"id": _STR, "article_id": _STR, "helpful": {"type": "boolean"}, "message": _STR},
    },
}

# What each documented route does, keyed by its name in the route table; the
# path and method come from the route itself, so the two cannot drift apart.
OPERATIONS: dict[str, dict[str, Any]] = {
    "search_api": {
        "summary": "Search articles",
        "parameters": [
            {"name": "q", "in": "query", "required": False, "schema": {"type": "string"},
             "description": "What the reader typed. Any text is accepted; it is never parsed as query syntax."},
            _LOCALE,
            {"name": "product", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 100}},
            {"name": "topic", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 100}},
            {"name": "page", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}},
            {"$ref": "#/components/parameters/per_page"},
        ],
        "responses": {"200": _ok("SearchResult"), "400": _error("A parameter is out of range, or a locale the site does not offer"),
                      "503": _error("No index yet")},
    },
    "suggest_api": {
        "summary": "Completions for the search box (never logged as a search)",
        "parameters": [{"name": "q", "in": "query", "required": False, "schema": {"type": "string"}}, _LOCALE],
        "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {
            "type": "object", "required": ["query", "suggestions"],
            "properties": {"query": _STR, "suggestions": {"type": "array", "items": {
                "type": "object", "required": ["text", "kind"],
                "properties": {"text": _STR, "kind": {"type": "string", "enum": ["article", "query"]}, "url": _STR}}}}}}}},
            "400": _error("Bad locale")},
    },
    "article_api": {
        "summary": "One article, rendered",
        "parameters": [{"name": "article_id", "in": "path", "required": True, "schema": {"type": "string"}}, _LOCALE],
        "responses": {"200": _ok("Article"), "400": _error("Bad locale"), "404": _error("No such article")},
    },
    "context_api": {
        "summary": "The article mapped to a client help context",
        "parameters": [{"name": "context_id", "in": "path", "required": True, "schema": {"type": "string"}}, _LOCALE],
        "responses": {"200": _ok("Context"), "400": _error("Bad locale"), "404": _error("No article for this context")},
    },
    "feedback_api": {
        "summary": "Rate an article: Yes/No, reasons and an optional comment",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FeedbackIn"}}}},
        "responses": {
            "201": _ok("FeedbackOut", "Stored and committed"),
            "400": _error("Invalid feedback"), "403": _error("Feedback is turned off for this organisation"),
            "404": _error("Well-formed, but there is no article with this id"),
            "413": _error("Body too large"), "415": _error("Not JSON"), "429": _error("Too many requests"),
            "503": _error("The store cannot take writes right now"),
        },
    },
    "home_api": {"summary": "Topics and popular articles", "parameters": [_LOCALE],
                 "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}},
                               "400": _error("Bad locale")}},
    "privacy_api": {"summary": "What is kept and for how long, in the reader's language", "parameters": [_LOCALE],
                    "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}},
                                  "400": _error("Bad locale")}},
    "healthz": {"summary": "Liveness", "responses": {"200": {"description": "alive", "content": {"application/json": {"schema": {"type": "object"}}}}}},
    "readyz": {"summary": "Readiness", "responses": {
        "200": {"description": "ready", "content": {"application/json": {"schema": {"type": "object"}}}},
        "503": {"description": "not ready", "content": {"application/json": {"schema": {"type": "object"}}}}}},
}

# JSON endpoints outside /api/ that clients and probes call; everything under /api/ is JSON too.
JSON_PATHS = frozenset({"/healthz", "/readyz"})


def is_api_path(path: str) -> bool:
    """Whether a routed path answers JSON and so must be in the description."""
    return path.startswith("/api/") or path in JSON_PATHS


def openapi_path(path: str) -> str:
    """Starlette's ``{name:convertor}`` as OpenAPI's ``{name}``."""
    return re.sub(r"\{(\w+):\w+\}", r"{\1}", path)


def components(settings: Settings) -> dict[str, Any]:
    """The schemas and shared parameters, with what the settings decide filled in."""
    return {
        "schemas": {**SCHEMAS, "Locale": {"type": "string", "enum": list(settings.locales),
                                          "description": "A locale this site offers (the locales setting)"}},
        "parameters": {
            "locale": {"name": "locale", "in": "query", "required": False, "schema": _LOCALE_SCHEMA,
                       "description": f"Article language; an article missing in it is shown in {settings.default_locale}. "
                                      "Defaults to Accept-Language. Any other value, an empty one included, is a 400."},
            "per_page": {"name": "per_page", "in": "query", "required": False,
                         "schema": {"type": "integer", "minimum": 1, "maximum": settings.max_per_page}},
        },
    }


def build_spec(routes: Iterable[BaseRoute], operations: Mapping[str, dict[str, Any]], settings: Settings) -> dict[str, Any]:
    """The API description of ``routes``: every JSON route described, every description routed.

    Raises ``ValueError`` naming what is missing, so an app whose table and
    descriptions disagree does not start.
    """
    paths: dict[str, dict[str, Any]] = {}
    seen: set[str] = set()
    undocumented: list[str] = []
    for route in routes:
        if not isinstance(route, Route):
            continue
        methods = sorted((route.methods or {"GET"}) - {"HEAD"})
        if route.name in operations:
            seen.add(route.name)
            for method in methods:
                paths.setdefault(openapi_path(route.path), {})[method.lower()] = operations[route.name]
        elif is_api_path(route.path):
            undocumented += [f"{method} {route.path} ({route.name})" for method in methods]
    unrouted = sorted(set(operations) - seen)
    if undocumented or unrouted:
        raise ValueError(f"the API description and the route table disagree: undocumented {undocumented}, "
                         f"described but not routed {unrouted}")
    return {
        "openapi": "3.1.0",
        "info": {"title": "helpsvc API", "version": __version__,
                 "description": "Help articles, search and anonymised feedback. Every HTML page has a JSON twin here."},
        "paths": dict(sorted(paths.items())),
        "components": components(settings),
    }


async def openapi(request: Request) -> Response:
    return JSONResponse(request.app.state.openapi)
