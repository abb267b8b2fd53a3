"""``Intake``: what readers send, from the request to the store.

Every search, click, view and feedback passes here: the organisation's policy is
checked, abuse is guarded against, the visitor is hashed and the client coarsened,
user text is scrubbed (failing closed), and only then is the record handed to the
store's one writer. A view is only counted, per article and hour: it keeps nothing of
the reader.

Nothing here waits on the database on the event loop but feedback's commit: the
visitor salts and the daily cap's counts are read from memory, kept current by
``keep_current`` from a background thread.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Protocol

from starlette.requests import Request

from ..clock import HourClock, today
from ..errors import Forbidden, TooManyRequests
from ..locale import N_
from ..metrics import SCRUB_BACKLOG_FULL
from ..privacy.client import coarse_client
from ..privacy.visitor import VisitorHasher
from ..settings import Settings, secret_key
from ..store import Event, SQLStore
from .abuse import DailyCap, FormStamp, RateLimits, SpamCounter
from .feedback import MAX_COMMENT, NO_REASONS, YES_REASONS, FeedbackInput, make_feedback
from .orgs import ORG_HEADER, OrgPolicies, valid_org
from .scrubbing import QueryCache, node_scrubber, scrub_or_drop, scrub_or_drop_async

log = logging.getLogger(__name__)

# New queries waiting in memory for the scrubber process, at most. Past it a search is
# logged without its query: raw text must not pile up in memory under overload.
MAX_WAITING_QUERIES = 1024


class Article(Protocol):
    """What intake needs to know of the article a vote or view is about."""

    id: str
    locale: str
    revision: str


class Searched(Protocol):
    """What intake logs of a search: never the hits, only what the rollups count."""

    query: str
    locale: str
    product: str | None
    topic: str | None
    total: int
    page: int
    stored_query: tuple[str | None] | None


class Intake:
    """``article`` looks up the article a feedback names (and raises when there is none)."""

    def __init__(
        self,
        settings: Settings,
        store: SQLStore,
        article: Callable[..., Article],
        scrub: Any = None,
        clock: HourClock | None = None,
        scrub_async: Callable[[str], Awaitable[str]] | None = None,
        max_waiting: int = MAX_WAITING_QUERIES,
    ) -> None:
        self.settings = settings
        self.store = store
        self._article = article
        self.scrub = scrub or node_scrubber(settings)
        # A scrub in the node's scrubber process is a wait on a socket: the event loop awaits
        # it and serves other requests meanwhile. The in-process scrubber is CPU work, done
        # where it is asked for.
        self._scrub_async: Callable[[str], Awaitable[str]] | None = scrub_async or (
            getattr(self.scrub, "scrub_async", None) if scrub is None and settings.scrubber_socket else None
        )
        self._max_waiting = max_waiting
        self._pending: set[asyncio.Task[None]] = set()  # search events waiting for their scrubbed query
        self.queries = QueryCache()
        self.visitors = VisitorHasher(store, site=settings.site_name)
        self.orgs = OrgPolicies(store, Path(settings.org_policy_file) if settings.org_policy_file else None)
        self.limits = RateLimits({
            "search": settings.rate_limit_search,
            "feedback": settings.rate_limit_feedback,
            "suggest": settings.rate_limit_suggest,
        })
        self.stamp = FormStamp(secret_key(settings), settings.feedback_min_seconds)
        self.spam = SpamCounter()
        self.cap = DailyCap(settings.feedback_daily_cap)
        self._clock = clock or HourClock()

    def close(self) -> None:
        closer = getattr(self.scrub, "close", None)
        if callable(closer):
            closer()  # the scrubber process's connections, when scrubbing happens there

    # -- which organisation a client belongs to, and what its policy allows

    def org_of(self, request: Request, given: str = "") -> str:
        """The org a request names: a submitted field, else the X-Helpsvc-Org header, else ?org=."""
        if given:
            return valid_org(given, "org")
        header = request.headers.get(ORG_HEADER, "")
        if header:
            return valid_org(header, "X-Helpsvc-Org")
        return valid_org(request.query_params.get("org", ""), "org")

    # -- abuse

    @staticmethod
    def _address(request: Request) -> str:
        """The client's address: only ever hashed (visitor) or hashed in memory (rate limits), never kept."""
        return request.client.host if request.client else ""

    def guard(self, request: Request, kind: str) -> None:
        """Refuses with 429 when this address sent too many requests of this kind in the last minute."""
        try:
            self.limits.check(kind, self._address(request))
        except TooManyRequests:
            self.spam.count(f"rate_limit_{kind}")
            raise

    # -- what requests read from memory, kept current off the request path

    def keep_current(self) -> None:
        """Reads the organisation policies admins set, fetches today's and tomorrow's visitor
        salts if not in memory yet and reads today's feedback into the daily cap. At start and from a background thread, never on a request:
        whatever fails is logged and tried again next time."""
        day = today()
        try:
            self.orgs.refresh()
        except Exception as exc:
            log.warning("organisation policies could not be read (%s); keeping the last ones", type(exc).__name__)
        try:
            self.visitors.prepare(day.isoformat(), (day + dt.timedelta(days=1)).isoformat())
        except Exception as exc:
            log.warning("visitor salts could not be prepared (%s); trying again shortly", type(exc).__name__)
        if self.cap.cap > 0:
            try:
                rated = self.store.query("SELECT visitor, article_id FROM feedback WHERE day = ?", (day.isoformat(),))
            except Exception as exc:
                log.warning("the daily cap could not read today's feedback (%s); counting from memory", type(exc).__name__)
            else:
                self.cap.seed(day.isoformat(), rated)

    # -- who is asking, coarsely

    def visitor(self, request: Request, day: str | None = None) -> str:
        """The visitor hash for an event, never waiting on the store (see ``VisitorHasher``)."""
        return self.visitors.visitor_nowait(self._address(request), request.headers.get("user-agent", ""), day=day)

    def client_of(self, request: Request, given: Any = None, locale: str | None = None) -> Any:
        return coarse_client(given, request.headers.get("user-agent", ""), locale)

    # -- events

    def _event(self, request: Request, kind: str, org: str | None = None, **fields: Any) -> Event:
        day, hour = self._clock.now()
        return Event(
            kind=kind,
            visitor=self.visitor(request, day),
            day=day,
            hour=hour,
            client=self.client_of(request, None, fields.get("locale")),
            org=self.org_of(request) if org is None else org,
            **fields,
        )

    def record_search(self, request: Request, result: Searched, org: str | None = None) -> str | None:
        """Logs a search and returns its id, or None when the reader's organisation turned search logging off."""
        org = self.org_of(request) if org is None else org
        if not self.orgs.policy(org).search_logging:
            return None
        search_id = secrets.token_hex(8)
        event = self._event(
            request,
            "search",
            org,
            locale=result.locale,
            query=None,
            product=result.product or "",
            topic=result.topic or "",
            results=result.total,
            page=result.page,
            search_id=search_id,
        )
        if result.stored_query is not None:
            # A cached result remembers its query as stored: no normalising and hashing again.
            event.query = result.stored_query[0]
            self.store.add_event(event)
            return search_id
        found = self.queries.key_of(result.query)
        known, event.query = self.queries.get(found[1]) if found else (True, None)
        if known:
            result.stored_query = (event.query,)
            self.store.add_event(event)
        elif self._scrub_async is not None and len(self._pending) >= self._max_waiting:
            SCRUB_BACKLOG_FULL.inc()
            self.store.add_event(event)  # counted, without its query
        elif self._scrub_async is not None:
            # A query not seen before waits for the scrubber process in a task of its own, and
            # the event is stored from there; until then the query exists only in memory.
            task = asyncio.get_running_loop().create_task(self._log_scrubbed(event, *found))
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)
        else:
            # Scrub before lower-casing: case is a clue the detectors need (names, IBANs, postcodes).
            scrubbed, dropped = scrub_or_drop(found[0], self.scrub)
            # A dropped query is not cached: once the scrubber is back, the same query is logged again.
            event.query = None if dropped else self.queries.remember(found[1], scrubbed)
            self.store.add_event(event)
        return search_id

    async def _log_scrubbed(self, event: Event, normalised: str, key: bytes) -> None:
        assert self._scrub_async is not None
        scrubbed, dropped = await scrub_or_drop_async(normalised, self._scrub_async)
        event.query = None if dropped else self.queries.remember(key, scrubbed)
        self.store.add_event(event)

    async def drain(self) -> None:
        """Waits for search events whose queries are still being scrubbed (at shutdown)."""
        if self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)

    def record_click(self, request: Request, search_id: str, article_id: str, rank: int, locale: str) -> None:
        self.store.add_event(self._event(request, "click", search_id=search_id, article_id=article_id, rank=rank, locale=locale))

    def record_view(self, article_id: str, locale: str) -> None:
        """Counts a view of the article: views are only ever counted, so nothing of the reader is kept."""
        day, hour = self._clock.now()
        self.store.add_view(day, hour, article_id, locale)

    # -- feedback

    async def add_feedback(self, request: Request, given: FeedbackInput) -> tuple[str, Any]:
        """Stores a feedback once it is durable; returns its id and the article it is about."""
        org = self.org_of(request, given.org)
        if not self.orgs.policy(org).feedback:
            raise Forbidden(N_("Feedback is turned off for your organisation (%(org)s); nothing was stored.", org=org))
        given = dataclasses.replace(given, org=org)
        view = self._article(given.article_id, given.locale, with_html=False)
        day = today().isoformat()
        visitor = await self.visitors.visitor_async(self._address(request), request.headers.get("user-agent", ""), day)
        counted = self.cap.take(visitor, view.id, day)
        if counted is None:
            self.spam.count("daily_cap")
            raise TooManyRequests(N_("you have sent feedback on many articles today; thank you, please try again tomorrow"), retry_after=3600)
        try:
            if self._scrub_async is not None:
                scrubbed = await scrub_or_drop_async(given.comment, self._scrub_async)
            else:
                scrubbed = scrub_or_drop(given.comment, self.scrub)
            record = make_feedback(
                given,
                revision=view.revision,
                article_locale=view.locale,
                visitor=visitor,
                client=self.client_of(request, given.client, given.locale or view.locale),
                scrubbed=scrubbed,
            )
            feedback_id = await self.store.add_feedback(record)
        except Exception:
            # Refused or not stored: it does not count. (A cancelled request keeps its count:
            # the writer may still commit it.)
            if counted:
                self.cap.give_back(visitor, view.id, day)
            raise
        return feedback_id, view

    def feedback_form(self, view: Article, org: str = "", stamp: str | None = None) -> dict[str, Any] | None:
        """What the feedback widget needs, or None when the reader's organisation turned feedback off.

        ``stamp`` replaces a fresh form stamp, for pages rendered once and served many times.
        """
        if not self.orgs.policy(org).feedback:
            return None
        return {
            "org": org,
            "article_id": view.id,
            "locale": view.locale,
            "yes_reasons": YES_REASONS,
            "no_reasons": NO_REASONS,
            "max_comment": MAX_COMMENT,
            "stamp": self.stamp.make() if stamp is None else stamp,
        }
