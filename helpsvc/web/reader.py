"""The reader's pages and their JSON twins: home, search, article, context help, privacy.

Each page has one data function; the HTML view renders it with a template and
the API view returns it as JSON, so the browser, the client and the tests all
read the same data.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from ..content.articles import article_url
from ..content.sections import has_link_list_section
from ..content.topics import topic_names_reader
from ..errors import NotFoundError
from .i18n import fallback_message, translate
from ..locale import N_
from ..metrics import SEARCHES, ZERO_RESULTS
from ..search.service import MAX_PAGE, NotFound, SearchResult
from .params import filter_param, int_param, locale_param, request_locale, text_param
from .render import api, api_bytes, json_bytes, page, topic_names, ui_locale


@functools.lru_cache(maxsize=16384)
def _quoted_id(article_id: str) -> str:
    """An article id as a query value (ids repeat on every result page: quote each once)."""
    return quote(article_id, safe="/")


def _site(request: Request) -> Any:
    return request.app.state.site


def _locale(request: Request) -> str | None:
    return request_locale(request, _site(request).search.state().locales)


# ---------------------------------------------------------------- home


def home_data(request: Request) -> dict[str, Any]:
    site = _site(request)
    locale = _locale(request)
    shown = locale or site.settings.default_locale
    # Topic names in the language the page around them speaks, which the JSON twin says too.
    names, language = topic_names(request), ui_locale(request, {"locale": shown}, site.settings.default_locale)
    return {
        "locale": shown,
        "topics": [{"topic": t, "name": names.name(t, language), "articles": n} for t, n in site.search.topics(locale)],
        "products": site.search.products(locale),
        "popular": site.search.popular(locale),
    }


async def home(request: Request) -> Response:
    return page(request, "home.html", {**home_data(request), "query": ""})


async def home_api(request: Request) -> Response:
    return api(home_data(request))


# ---------------------------------------------------------------- search


@dataclass
class _Searched:
    result: SearchResult
    search_id: str | None
    org: str
    locale: str | None
    first_rank: int


# Stands in for the search id in a response serialised once and reused: same length and
# alphabet as a real id, and unguessable, so no snippet text can contain it.
_ID_PLACEHOLDER = secrets.token_hex(8)


def _run_search(request: Request) -> _Searched:
    site = _site(request)
    site.intake.guard(request, "search")
    settings = site.settings
    query = text_param(request, "q")
    locale = _locale(request)
    page_number = int_param(request, "page", 1, 1, MAX_PAGE)
    per_page = int_param(request, "per_page", settings.per_page, 1, settings.max_per_page)
    product = filter_param(request, "product")
    topic = filter_param(request, "topic")
    result = site.search.search(query, locale, product, topic, page_number, per_page)
    if result.query:
        SEARCHES.inc()
        if result.total == 0:
            ZERO_RESULTS.inc()
    org = site.intake.org_of(request)
    search_id = site.intake.record_search(request, result, org) if result.query else None
    return _Searched(result, search_id, org, locale, (page_number - 1) * per_page + 1)


def _search_json(site: Any, searched: _Searched, search_id: str | None) -> dict[str, Any]:
    data = searched.result.as_json()
    data["search_id"] = search_id
    if search_id:
        # The org travels on the result link, so the article it leads to keeps the org's policy.
        org = searched.org
        carried = f"&org={quote(org)}" if org else ""
        for rank, hit in enumerate(data["hits"], start=searched.first_rank):
            hit["click_url"] = f"/go/{search_id}?a={_quoted_id(hit['id'])}&r={rank}&locale={hit['locale']}{carried}"
    data["popular"] = site.search.popular(searched.locale) if searched.result.total == 0 else []
    if data["fallback"]:
        # In the reader's locale, which the cached JSON is keyed on (the page says it in its own language).
        data["fallback"]["message"] = fallback_message(data["fallback"], searched.result.locale)
    return data


def search_data(request: Request) -> dict[str, Any]:
    searched = _run_search(request)
    return _search_json(_site(request), searched, searched.search_id)


async def search_page(request: Request) -> Response:
    data = search_data(request)
    site = _site(request)
    locale = _locale(request)
    data["topics_all"] = [t for t, _ in site.search.topics(locale)]
    data["products_all"] = site.search.products(locale)
    if data["fallback"]:
        data["fallback"]["message"] = fallback_message(data["fallback"], ui_locale(request, {"result": data}, site.settings.default_locale))
    return page(request, "search.html", {"result": data, "query": data["query"]})


async def search_api(request: Request) -> Response:
    """Search results as JSON; a result with hits is serialised once per organisation.

    Popular queries come back from the result cache as the same object, so its
    JSON is kept on it with a placeholder where this search's id goes (in the
    body and in every click link), and each response fills in its own id.
    """
    site = _site(request)
    searched = _run_search(request)
    if not searched.search_id or not searched.result.total:
        return api(_search_json(site, searched, searched.search_id))
    serialised = searched.result.serialised
    pieces = serialised.get(searched.org)
    if pieces is None:
        # Kept cut at the placeholder, so each response joins the pieces around its own id
        # instead of searching the whole body for the placeholder again.
        pieces = json_bytes(_search_json(site, searched, _ID_PLACEHOLDER)).split(_ID_PLACEHOLDER.encode("ascii"))
        serialised[searched.org] = pieces
    return api_bytes(searched.search_id.encode("ascii").join(pieces))


# ---------------------------------------------------------------- articles


T = TypeVar("T")


def _article_view(request: Request, with_html: bool = True) -> Any:
    return _found(lambda: _site(request).search.article(request.path_params["article_id"], _locale(request), with_html=with_html))


def _found(lookup: Callable[[], T]) -> T:
    """The lookup's answer; an article it does not find is the reader's 404."""
    try:
        return lookup()
    except NotFound as exc:
        raise NotFoundError(exc.args[0] if exc.args else str(exc)) from None


def article_data(request: Request, stamp: str | None = None) -> dict[str, Any]:
    site = _site(request)
    view = _article_view(request)
    org = site.intake.org_of(request)
    site.intake.record_view(view.id, view.locale)
    data = view.as_json()
    # Only languages the site offers: a link to one it does not would answer 400.
    data["translations"] = [loc for loc in data["translations"] if loc in site.settings.locales]
    # An article whose writer listed related articles already gets no second, generated list.
    data["related"] = [] if has_link_list_section(view.html) else site.search.related(view.id, view.locale)
    data["feedback"] = site.intake.feedback_form(view, org, stamp)
    return data


async def article_page(request: Request) -> Response:
    """The article as HTML, from the page cache when this version was rendered before.

    The cache key holds everything the page depends on: the build, the article
    version the locale chain picked, the language of the page furniture and the
    organisation. The view is still recorded on every request.
    """
    site = _site(request)
    build_id, article_id, article_locale = _found(lambda: site.search.locate(request.path_params["article_id"], _locale(request)))
    org = site.intake.org_of(request)
    furniture = ui_locale(request, {"article": {"locale": article_locale}}, site.settings.default_locale)
    # The breadcrumb shows a topic's name, which a writer may rename without a new build.
    names = topic_names_reader(site.settings.content_dir, site.settings.default_locale, site.settings.index_check_seconds)
    key = (build_id, article_id, article_locale, furniture, org, names.version())
    stamp = site.intake.stamp.make()
    cached = site.pages.get(key, stamp)
    if cached is not None:
        site.intake.record_view(article_id, article_locale)
        return HTMLResponse(cached)

    def render(placeholder: str) -> bytes:
        data = article_data(request, stamp=placeholder)
        return bytes(page(request, "article.html", {"article": data, "query": ""}).body)

    return HTMLResponse(site.pages.get_or_render(key, stamp, render))


async def article_api(request: Request) -> Response:
    return api(article_data(request))


# ---------------------------------------------------------------- context help


def context_data(request: Request) -> dict[str, Any]:
    site = _site(request)
    context_id = request.path_params["context_id"]
    locale = _locale(request)
    try:
        article_id, article_locale = site.search.context(context_id, locale)
    except NotFound as exc:
        raise NotFoundError(exc.args[0] if exc.args else str(exc)) from None
    return {
        "context": context_id,
        "article_id": article_id,
        "locale": article_locale,
        "url": article_url(article_id, article_locale, site.settings.default_locale),
    }


async def context_redirect(request: Request) -> Response:
    try:
        data = context_data(request)
    except NotFoundError as exc:
        # A helpful 404: say so, and offer a search seeded with the context's words.
        site = _site(request)
        words = " ".join(p for p in request.path_params["context_id"].replace("_", ".").split(".") if p.isalpha() and p not in {"client", "ms"})
        result = site.search.search(words, _locale(request), per_page=5) if words else None
        return page(
            request,
            "error.html",
            {
                "status": 404,
                "message": translate(exc.message, ui_locale(request, {}, site.settings.default_locale)),
                "query": words,
                "suggestions": [h.as_json() for h in result.hits] if result else [],
            },
            status=404,
        )
    return RedirectResponse(data["url"], status_code=302)


async def context_api(request: Request) -> Response:
    return api(context_data(request))


# ---------------------------------------------------------------- privacy


PRIVACY_STORED = (
    N_("Your Yes/No vote, the reasons you chose and your comment, after personal data is removed"),
    N_("Search words, after personal data is removed"),
    N_("The client name, its major version, the operating system family and the language"),
    N_("The hour (not the minute) something happened"),
)
PRIVACY_NEVER_STORED = (N_("IP addresses"), N_("Full user-agent strings"), N_("Cookies that identify you"),
                        N_("Text you type, before personal data is removed from it"))


def privacy_data(request: Request) -> dict[str, Any]:
    """What is kept and for how long, in the reader's language (the page and its twin say the same)."""
    settings = _site(request).settings
    locale_param(request)  # a locale the site does not offer is a 400 here too, not a silent fallback
    locale = ui_locale(request, {}, settings.default_locale)
    return {
        "locale": locale,
        "event_retention_days": settings.event_retention_days,
        "comment_retention_days": settings.comment_retention_days,
        "k_threshold": settings.k_threshold,
        "never_stored": [translate(item, locale) for item in PRIVACY_NEVER_STORED],
        "stored": [translate(item, locale) for item in PRIVACY_STORED],
    }


async def privacy_page(request: Request) -> Response:
    return page(request, "privacy.html", {"privacy": privacy_data(request), "query": ""})


async def privacy_api(request: Request) -> Response:
    return api(privacy_data(request))
