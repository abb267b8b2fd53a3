"""Health checks for load balancers and orchestrators."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response


async def healthz(request: Request) -> Response:
    """The process is alive and answering."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """Ready to serve: an index build is loaded and the store answers; also says how text is scrubbed."""
    site = request.app.state.site
    checks: dict[str, str] = {}
    try:
        checks["index"] = site.search.state().build_id
    except Exception as exc:
        checks["index"] = f"unavailable: {exc}"
    try:
        await run_in_threadpool(site.store.ping)  # a slow database must not stall the loop's other requests
        checks["store"] = "ok"
    except Exception as exc:
        checks["store"] = f"unavailable: {type(exc).__name__}"
    # Informative only: while the scrubber process is down (or restarting) comments and
    # queries are dropped, but reading and voting still work, so the node stays ready.
    state = getattr(site.intake.scrub, "state", None)
    checks["scrubber"] = await run_in_threadpool(state) if callable(state) else "in-process"
    ready = not checks["index"].startswith("unavailable") and checks["store"] == "ok"
    return JSONResponse({"status": "ready" if ready else "not ready", "checks": checks}, status_code=200 if ready else 503)


async def metrics(request: Request) -> Response:
    """Prometheus text format: counters and histograms, with no user data in any label."""
    from ..metrics import render

    return Response(render(), media_type="text/plain; version=0.0.4; charset=utf-8")
