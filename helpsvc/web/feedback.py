"""Feedback and click routes: the write side a reader touches.

The HTML form works without JavaScript in two steps: Yes/No records the vote
at once, and the next page asks "What affected your experience?"; sending
reasons and a comment replaces that vote (one vote per visitor per article
per day). With JavaScript the same two posts go to the JSON twin without a
page reload. No per-page token is involved, so a cached article page can
still vote.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..content.articles import article_url
from ..errors import BadRequest, HelpError, NotFoundError, PayloadTooLarge, ServiceUnavailable, TooManyRequests, UnsupportedMediaType
from ..intake.feedback import parse_feedback, reasons_for
from ..locale import N_
from ..metrics import FEEDBACK
from ..search import NotFound
from ..store import StoreUnavailable
from .params import int_param, locale_param, offered_locale
from .i18n import translate
from .render import api, page, ui_locale

_SEARCH_ID_RE = re.compile(r"^[0-9a-f]{16}$")


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(N_("the body is larger than %(limit)s bytes", limit=limit))
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise PayloadTooLarge(N_("the body is larger than %(limit)s bytes", limit=limit))
    return body


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


async def read_json(request: Request) -> Any:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":
        raise UnsupportedMediaType(N_("send the body as JSON with 'Content-Type: application/json'"))
    body = await read_body(request, request.app.state.site.settings.max_body_bytes)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest(N_("the body is not valid UTF-8")) from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except ValueError as exc:
        raise BadRequest(N_("the body is not valid JSON: %(reason)s", reason=str(exc)[:120])) from None
    except RecursionError:
        raise BadRequest(N_("the body's JSON is nested too deeply")) from None


async def _store_feedback(request: Request, data: Any) -> tuple[str, Any, Any]:
    site = request.app.state.site
    try:
        if isinstance(data, dict) and data.get("locale") is not None:
            offered_locale(data["locale"], site.settings.locales)
        given = parse_feedback(data)
        try:
            feedback_id, view = await site.intake.add_feedback(request, given)
        except NotFound:
            # Well-formed, about an article that does not exist: the same 404 as reading it would get.
            raise NotFoundError(N_("no article with id %(id)r", id=given.article_id[:80])) from None
        except StoreUnavailable as exc:
            raise ServiceUnavailable(str(exc)) from None
    except HelpError:
        FEEDBACK.labels(outcome="rejected").inc()
        raise
    FEEDBACK.labels(outcome="accepted").inc()
    return feedback_id, view, given


async def feedback_api(request: Request) -> Response:
    request.app.state.site.intake.guard(request, "feedback")
    data = await read_json(request)
    feedback_id, view, given = await _store_feedback(request, data)
    return api(
        {"id": feedback_id, "article_id": view.id, "helpful": given.helpful,
         "message": translate(N_("Thank you for your feedback!"), ui_locale(request, {"locale": given.locale}, request.app.state.site.settings.default_locale))},
        status=201,
    )


async def feedback_form(request: Request) -> Response:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        raise UnsupportedMediaType(N_("send the feedback form as a web form"))
    limit = request.app.state.site.settings.max_body_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(N_("the form is larger than %(limit)s bytes", limit=limit))
    site = request.app.state.site
    site.intake.guard(request, "feedback")
    form = await request.form(max_files=0, max_fields=40)
    if str(form.get("website", "")):
        # The honeypot field is hidden from people; only bots fill it. Answer as usual, keep nothing.
        site.intake.spam.count("honeypot")
        return page(request, "feedback.html", {"done": True, "article": None, "query": ""}, status=201)
    if site.intake.stamp.too_fast(str(form.get("stamp", ""))):
        site.intake.spam.count("too_fast")
        raise TooManyRequests(N_("that was very quick: please check your answer and send it again"), retry_after=2)
    helpful_raw = str(form.get("helpful", "")).lower()
    if helpful_raw not in {"yes", "no"}:
        raise BadRequest(N_("choose Yes or No"))
    data = {
        "article_id": str(form.get("article_id", "")),
        "helpful": helpful_raw == "yes",
        "reasons": [str(r) for r in form.getlist("reasons")],
        "comment": str(form.get("comment", "")),
    }
    if form.get("locale"):
        data["locale"] = str(form.get("locale"))
    if form.get("org"):
        data["org"] = str(form.get("org"))
    step = str(form.get("step", "vote"))
    feedback_id, view, given = await _store_feedback(request, data)
    context = {
        "article": {"id": view.id, "title": view.title, "url": view.url, "locale": view.locale},
        "helpful": given.helpful,
        "reasons": reasons_for(given.helpful),
        "feedback_id": feedback_id,
        "done": step == "details",
        "max_comment": 2000,
        "query": "",
        "org": given.org,
        "stamp": site.intake.stamp.make(),
    }
    return page(request, "feedback.html", context, status=201 if step == "details" else 200)


async def click(request: Request) -> Response:
    """Records a click on a search result, then sends the reader to the article.

    The link carries the search's random id, never the query, and the target is
    computed here from the article id, so this is not an open redirect.
    """
    site = request.app.state.site
    search_id = request.path_params["search_id"]
    article_id = request.query_params.get("a", "")
    rank = int_param(request, "r", 0, 0, 10000)
    locale = locale_param(request)
    if not _SEARCH_ID_RE.match(search_id):
        raise BadRequest(N_("this result link is malformed"))
    try:
        view = site.search.article(article_id, locale, with_html=False)
    except NotFound:
        raise NotFoundError(N_("no article with id %(id)r", id=article_id[:80])) from None
    site.intake.record_click(request, search_id, view.id, rank, view.locale)
    target = article_url(view.id, view.locale, site.settings.default_locale)
    org = site.intake.org_of(request)
    if org:
        target += ("&" if "?" in target else "?") + urlencode({"org": org})
    return RedirectResponse(target, status_code=303)
