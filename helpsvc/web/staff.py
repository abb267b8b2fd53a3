"""Staff pages: login, logout, and every report as a page, a JSON twin and a CSV download.

``/reports/<slug>`` is the page, ``/api/v1/reports/<slug>`` its JSON twin and
``/reports/<slug>.csv`` the download (``?section=`` picks a table). Without a
session a page redirects to the login page and the JSON and CSV answer 401; a
role that may not see a report gets 403. Staff responses are never cached.
"""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from .auth import LOGIN_COOKIE, LOGIN_FORM_SECONDS, SESSION_COOKIE, Auth, Session, require, safe_next
from ..errors import BadRequest, PayloadTooLarge, TooManyRequests, Unauthorized
from ..locale import N_
from ..reports import REPORTS, Filters, Report, ReportContext, article_catalog, to_csv, visible_reports
from ..reports.base import MAX_PAGE
from ..reports.synonyms import decide
from ..search import IndexUnavailable
from .feedback import read_json
from .render import api, page

NO_STORE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}
MAX_FORM_BYTES = 16384
_auth_lock = threading.Lock()


def auth_of(request: Request) -> Auth:
    """The app's one Auth, made on first use (it reads or creates the secret key)."""
    state = request.app.state
    if getattr(state, "staff_auth", None) is None:
        with _auth_lock:
            if getattr(state, "staff_auth", None) is None:
                site = state.site
                state.staff_auth = Auth(site.store, site.settings)
    return state.staff_auth


async def current_session(request: Request) -> Session | None:
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    return await run_in_threadpool(auth_of(request).session, cookie)


def _context(request: Request) -> ReportContext:
    site = request.app.state.site
    state = request.app.state
    try:
        index = site.search.state()
    except IndexUnavailable:
        catalog: dict[str, Any] = {}
        mined: dict[str, list[list[object]]] = {}
    else:
        cached = getattr(state, "report_catalog", None)
        if cached is None or cached[0] != index.build_id:
            cached = (index.build_id, article_catalog(index.catalog, site.settings.default_locale))
            state.report_catalog = cached
        catalog, mined = cached[1], index.abbreviations
    return ReportContext(store=site.store, settings=site.settings, catalog=catalog, orgs=site.intake.orgs, abbreviations=mined)


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


async def _form(request: Request) -> Any:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/x-www-form-urlencoded":
        raise BadRequest(N_("send this form as a web form"))
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_FORM_BYTES:
        raise PayloadTooLarge(N_("the form is larger than %(limit)s bytes", limit=MAX_FORM_BYTES))
    return await request.form(max_files=0, max_fields=20)


def _staff_page(request: Request, template: str, data: dict[str, Any], session: Session | None, status: int = 200) -> Response:
    nav = [{"slug": r.slug, "title": r.title} for r in visible_reports(session.role) if r.slug != "article"] if session else []
    context = {"staff": session.user if session else None, "csrf": session.csrf if session else "", "nav": nav, "query": "", **data}
    return page(request, template, context, status=status, headers=NO_STORE)


# ---------------------------------------------------------------- login and logout


def _login_page(request: Request, target: str | None, error: str = "", status: int = 200,
                headers: dict[str, str] | None = None) -> Response:
    nonce, token = auth_of(request).login_form()
    response = _staff_page(request, "login.html", {"error": error, "login_token": token, "next": safe_next(target)}, None, status)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    response.set_cookie(LOGIN_COOKIE, nonce, max_age=LOGIN_FORM_SECONDS, path="/login", httponly=True, samesite="strict", secure=_secure(request))
    return response


async def login_page(request: Request) -> Response:
    if await current_session(request) is not None:
        return RedirectResponse(safe_next(request.query_params.get("next")), status_code=303, headers=NO_STORE)
    return _login_page(request, request.query_params.get("next"))


async def login_submit(request: Request) -> Response:
    form = await _form(request)
    auth = auth_of(request)
    auth.check_login_form(request.cookies.get(LOGIN_COOKIE), str(form.get("login_token", "")))
    name, password, target = str(form.get("name", "")).strip(), str(form.get("password", "")), str(form.get("next", ""))
    try:
        token, _ = await run_in_threadpool(auth.login, name, password)
    except TooManyRequests as exc:
        return _login_page(request, target, exc.message, status=429, headers={"Retry-After": str(exc.retry_after)})
    except Unauthorized as exc:
        return _login_page(request, target, exc.message, status=401)
    response = RedirectResponse(safe_next(target), status_code=303, headers=NO_STORE)
    response.set_cookie(
        SESSION_COOKIE, auth.cookie_value(token), max_age=auth.session_seconds, path="/", httponly=True, samesite="lax",
        secure=_secure(request),
    )
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


async def logout(request: Request) -> Response:
    session = await current_session(request)
    if session is not None:
        form = await _form(request)
        Auth.check_csrf(session, str(form.get("csrf_token", "")))
        await run_in_threadpool(auth_of(request).logout, session)
    response = RedirectResponse("/login", status_code=303, headers=NO_STORE)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# ---------------------------------------------------------------- reports


def _listing(session: Session) -> list[dict[str, Any]]:
    return [
        {"slug": r.slug, "title": r.title, "description": r.description, "url": f"/reports/{r.slug}",
         "api": f"/api/v1/reports/{r.slug}", "csv": f"/reports/{r.slug}.csv"}
        for r in visible_reports(session.role)
    ]


async def reports_index(request: Request) -> Response:
    session = await current_session(request)
    if session is None:
        return RedirectResponse("/login?next=/reports", status_code=303, headers=NO_STORE)
    return _staff_page(request, "reports/index.html", {"reports": _listing(session)}, session)


async def reports_index_api(request: Request) -> Response:
    session = require(await current_session(request), frozenset({"writer", "pm", "admin", "org-admin"}))
    user = session.user
    return api({"name": user.name, "role": user.role, "org": user.org or None, "csrf_token": session.csrf,
                "reports": _listing(session)}, headers=NO_STORE)


async def _open_report(request: Request, slug: str, session: Session | None) -> Report:
    cls = REPORTS[slug]
    viewer = require(session, cls.roles).user
    return cls(_context(request), Filters.parse(request.query_params), viewer)


def report_views(slug: str) -> tuple[Any, Any, Any]:
    """The page, JSON and CSV views of one report."""

    async def html(request: Request) -> Response:
        session = await current_session(request)
        if session is None:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse("/login?next=" + quote(target, safe=""), status_code=303, headers=NO_STORE)
        report = await _open_report(request, slug, session)
        data, charts = await run_in_threadpool(lambda: (report.data(), report.charts()))
        return _staff_page(request, report.template, {"report": report, "data": data, "charts": charts,
                                                      "filters": report.filters}, session)

    async def json_view(request: Request) -> Response:
        report = await _open_report(request, slug, await current_session(request))
        return api(await run_in_threadpool(report.data), headers=NO_STORE)

    async def csv_view(request: Request) -> Response:
        report = await _open_report(request, slug, await current_session(request))
        table = await run_in_threadpool(report.table)
        f = report.filters
        name = "-".join(p for p in (slug, f.id.replace("/", "_"), table.name, f.first, f.last) if p)
        headers = {**NO_STORE, "Content-Disposition": f'attachment; filename="{quote(name)}.csv"'}
        return StreamingResponse(to_csv(report.csv_rows(table)), media_type="text/csv; charset=utf-8", headers=headers)

    return html, json_view, csv_view


# ---------------------------------------------------------------- staff actions


async def _action(request: Request, slug: str, as_json: bool) -> tuple[Session, dict[str, Any]]:
    session = require(await current_session(request), REPORTS[slug].roles)
    if as_json:
        data = await read_json(request)
        if not isinstance(data, dict):
            raise BadRequest(N_("the body must be a JSON object"))
        Auth.check_csrf(session, request.headers.get("x-csrf-token"))
        return session, data
    form = await _form(request)
    Auth.check_csrf(session, str(form.get("csrf_token", "")))
    return session, {key: str(form.get(key, "")) for key in form.keys()}


def _synonym_action(as_json: bool) -> Any:
    async def view(request: Request) -> Response:
        session, data = await _action(request, "synonyms", as_json)
        fields = {k: data.get(k) for k in ("locale", "from_query", "to_query", "decision")}
        if not all(isinstance(v, str) for v in fields.values()):
            raise BadRequest(N_("'locale', 'from_query', 'to_query' and 'decision' are required strings"))
        source = data.get("source") or "reformulation"
        if not isinstance(source, str):
            raise BadRequest(N_("'source' must be 'reformulation' or 'abbreviation'"))
        result = await run_in_threadpool(
            decide, _context(request), fields["locale"], fields["from_query"], fields["to_query"], fields["decision"],
            session.user.name, source,
        )
        if as_json:
            return api(result, headers=NO_STORE)
        return RedirectResponse(f"/reports/synonyms?done={result['decision']}", status_code=303, headers=NO_STORE)

    return view


def _org_action(as_json: bool) -> Any:
    async def view(request: Request) -> Response:
        session, data = await _action(request, "orgs", as_json)
        org, name = data.get("org"), data.get("name", "")
        if not isinstance(org, str) or not isinstance(name, str):
            raise BadRequest(N_("'org' is required; 'name' must be text"))
        if as_json:
            feedback, logging_on = data.get("feedback"), data.get("search_logging")
            if not isinstance(feedback, bool) or not isinstance(logging_on, bool):
                raise BadRequest(N_("'feedback' and 'search_logging' must be true or false"))
        else:
            feedback, logging_on = data.get("feedback") == "on", data.get("search_logging") == "on"
        site = request.app.state.site
        policy = await run_in_threadpool(site.intake.orgs.set, org.strip(), feedback, logging_on, name, session.user.name)
        if as_json:
            return api({"org": org.strip(), **policy.as_json()}, headers=NO_STORE)
        return RedirectResponse("/reports/orgs", status_code=303, headers=NO_STORE)

    return view


def _routes() -> list[Route]:
    routes = [
        Route("/login", login_page, methods=["GET"], name="login"),
        Route("/login", login_submit, methods=["POST"], name="login_submit"),
        Route("/logout", logout, methods=["POST"], name="logout"),
        Route("/reports", reports_index, name="reports"),
        Route("/api/v1/reports", reports_index_api, name="reports_api"),
        Route("/reports/synonyms", _synonym_action(False), methods=["POST"], name="synonyms_decide"),
        Route("/api/v1/reports/synonyms", _synonym_action(True), methods=["POST"], name="synonyms_decide_api"),
        Route("/reports/orgs", _org_action(False), methods=["POST"], name="orgs_set"),
        Route("/api/v1/reports/orgs", _org_action(True), methods=["POST"], name="orgs_set_api"),
    ]
    for slug in REPORTS:
        html, json_view, csv_view = report_views(slug)
        routes += [
            Route(f"/reports/{slug}", html, methods=["GET"], name=f"report_{slug}"),
            Route(f"/reports/{slug}.csv", csv_view, methods=["GET"], name=f"report_{slug}_csv"),
            Route(f"/api/v1/reports/{slug}", json_view, methods=["GET"], name=f"report_{slug}_api"),
        ]
    return routes


ROUTES = _routes()


def operations() -> dict[str, dict[str, Any]]:
    """How the staff JSON routes are described in /openapi.json, keyed by route name."""
    obj = {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}}
    errors = {str(code): {"description": text, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
              for code, text in ((400, "A parameter is out of range"), (401, "No staff session: log in at /login"),
                                 (403, "This role may not see the report, or the CSRF token is missing"),
                                 (415, "The body is not JSON"))}
    # The filters as Filters.parse reads them, so a generated request the description allows is one the report accepts.
    date = {"type": "string", "format": "date"}
    params = [{"name": name, "in": "query", "required": False, "schema": schema, "description": text}
              for name, schema, text in (
                  ("since", date, "First day, YYYY-MM-DD (default: 27 days before until)"),
                  ("until", date, "Last day, YYYY-MM-DD (default: today)"),
                  ("locale", {"type": "string", "pattern": r"^[a-z]{2,3}(-[A-Z]{2})?$"}, "Only this locale"),
                  ("product", {"type": "string", "maxLength": 100}, "articles: only this product"),
                  ("topic", {"type": "string", "maxLength": 100}, "articles: only this topic"),
                  ("sort", {"type": "string", "maxLength": 40}, "articles: column to sort by"),
                  ("order", {"type": "string", "enum": ["asc", "desc"]}, "asc or desc"),
                  ("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}, "Page of a long table"),
                  ("id", {"type": "string", "maxLength": 300}, "article: the article id"),
                  ("org", {"type": "string", "maxLength": 64}, "org-feedback: the organisation"),
                  ("bucket", {"type": "string", "enum": ["day", "week"]}, "article: day or week"),
                  ("limit", {"type": "integer", "minimum": 1, "maximum": 500}, "search: rows per table"))]
    csrf = [{"name": "X-CSRF-Token", "in": "header", "required": True, "schema": {"type": "string"},
             "description": "csrf_token from GET /api/v1/reports"}]
    described: dict[str, dict[str, Any]] = {
        "reports_api": {"summary": "The reports this staff session may see, and its CSRF token",
                        "responses": {"200": obj, "401": errors["401"]}},
    }
    for slug, report in REPORTS.items():
        described[f"report_{slug}_api"] = {"summary": f"{report.title}: {report.description}", "parameters": params,
                                           "responses": {"200": obj, **{k: v for k, v in errors.items() if k != "415"}}}
    described["synonyms_decide_api"] = {
        "summary": "Accept (add to the synonym list) or dismiss a suggested synonym or mined abbreviation", "parameters": csrf,
        "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object", "required": [
            "locale", "from_query", "to_query", "decision"], "properties": {"decision": {"enum": ["accept", "dismiss"]},
            "source": {"enum": ["reformulation", "abbreviation"]}}}}}},
        "responses": {"200": obj, **errors}}
    described["orgs_set_api"] = {
        "summary": "Set an organisation's policy (admin)", "parameters": csrf,
        "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object", "required": [
            "org", "feedback", "search_logging"], "properties": {"org": {"type": "string"}, "name": {"type": "string"},
            "feedback": {"type": "boolean"}, "search_logging": {"type": "boolean"}}}}}},
        "responses": {"200": obj, **errors}}
    return described
