"""``create_app(settings)``: one declarative route table, one error boundary."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Match, Mount, Route
from starlette.staticfiles import StaticFiles

from ..errors import HelpError, MethodNotAllowed
from ..locale import N_
from ..search import IndexUnavailable
from .site import Site
from ..store import StoreUnavailable
from ..settings import Settings
from . import assist, feedback, ops, reader, staff
from .middleware import RequestMetrics, SecurityHeaders
from .openapi import OPERATIONS, build_spec, openapi
from .render import error_response

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

# Starlette tries routes in order, so the ones readers hit most come first.
ROUTES = [
    Route("/api/v1/search", reader.search_api, name="search_api"),
    Route("/articles/{article_id:path}", reader.article_page, name="article"),
    Route("/api/v1/suggest", assist.suggest_api, name="suggest_api"),
    Route("/search", reader.search_page, name="search"),
    Route("/", reader.home, name="home"),
    Route("/help/context/{context_id:path}", reader.context_redirect, name="context"),
    Route("/go/{search_id}", feedback.click, name="click"),
    Route("/feedback", feedback.feedback_form, methods=["POST"], name="feedback_form"),
    Route("/privacy", reader.privacy_page, name="privacy"),
    # JSON twins
    Route("/api/v1/articles/{article_id:path}", reader.article_api, name="article_api"),
    Route("/api/v1/feedback", feedback.feedback_api, methods=["POST"], name="feedback_api"),
    Route("/api/v1/contexts/{context_id:path}", reader.context_api, name="context_api"),
    Route("/api/v1/home", reader.home_api, name="home_api"),
    Route("/api/v1/privacy", reader.privacy_api, name="privacy_api"),
    Route("/openapi.json", openapi, name="openapi"),
    # operations
    Route("/healthz", ops.healthz, name="healthz"),
    Route("/readyz", ops.readyz, name="readyz"),
    Route("/metrics", ops.metrics, name="metrics"),
    # staff: login, reports and their JSON and CSV twins
    *staff.ROUTES,
    Route("/favicon.ico", lambda request: RedirectResponse("/static/favicon.svg", status_code=301), name="favicon"),
    Mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static"),
]


async def _handle(request: Request, exc: Exception) -> Response:
    return error_response(request, _as_help_error(request, exc))


def _allowed_methods(request: Request, named: str) -> set[str]:
    """Every method the address takes (RFC 9110's Allow), not only those of the first route
    whose path matched, which is all Starlette's 405 names; ``named`` is what that 405 said."""
    allowed = {m.strip() for m in named.split(",") if m.strip()}
    for route in request.app.routes:
        if isinstance(route, Route) and route.matches(request.scope)[0] is not Match.NONE:
            allowed |= route.methods or set()
    return allowed


def _as_help_error(request: Request, exc: Exception) -> Exception:
    if isinstance(exc, HelpError):
        return exc
    if isinstance(exc, IndexUnavailable):
        return HelpError(N_("Search is not available yet: %(reason)s", reason=str(exc)), status=503)
    if isinstance(exc, StoreUnavailable):
        return HelpError(str(exc), status=503)
    status = getattr(exc, "status_code", None)
    if isinstance(status, int) and 400 <= status < 500:
        # Starlette's own 404/405 for unknown paths and methods; its 405 names the methods the route takes.
        headers = getattr(exc, "headers", None) or {}
        if status == 405:
            allowed = sorted(_allowed_methods(request, headers.get("Allow", "")))
            return MethodNotAllowed(N_("This address does not accept %(method)s; it accepts %(allowed)s.", method=request.method[:20],
                                       allowed=", ".join(allowed)), allowed)
        messages = {404: N_("There is no page at this address.")}
        return HelpError(messages.get(status, getattr(exc, "detail", "") or "Bad request"), status=status, headers=headers)
    return exc


def create_app(settings: Settings, site: Site | None = None) -> Starlette:
    site = site or Site(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        site.start()
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            # SIGHUP: look for a new index build now rather than within the next second.
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, site.search.refresh)
        try:
            yield
        finally:
            # Flush queued events, those still waiting for the scrubber included, before the process exits.
            await site.drain()
            site.close()

    app = Starlette(
        routes=ROUTES,
        lifespan=lifespan,
        exception_handlers={HelpError: _handle, IndexUnavailable: _handle, StoreUnavailable: _handle, HTTPException: _handle, Exception: _handle},
    )
    app.state.site = site
    app.state.openapi = build_spec(app.routes, {**OPERATIONS, **staff.operations()}, settings)
    app.add_middleware(SecurityHeaders, frame_ancestors=settings.frame_ancestors)
    app.add_middleware(RequestMetrics)
    return app
