"""The long-lived parts a server needs, made once from Settings and shared by every request."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import functools
import hmac
import logging
import re
import secrets
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from starlette.requests import Request

from .abuse import FormStamp, RateLimits, SpamCounter
from .analytics import Maintenance
from .auth import secret_key
from .errors import Forbidden, TooManyRequests
from .feedback import NO_REASONS, YES_REASONS, FeedbackInput, make_feedback, scrub_or_drop
from .learning import Learning
from .metrics import SCRUB_FAILURES
from .orgs import ORG_HEADER, OrgPolicies, valid_org
from .privacy.client import coarse_client
from .privacy.visitor import VisitorHasher
from .query import normalise_query
from .pagecache import PageCache
from .search import ArticleView, SearchResult, SearchService
from .settings import Settings
from .store import Event, SQLStore, hour_of, open_store

log = logging.getLogger(__name__)

SCRUB_CACHE_SIZE = 8192
_PLACEHOLDER_RE = re.compile(r"(\{\{[A-Z_]+\}\})")


def _lower_outside_placeholders(text: str) -> str:
    return "".join(part if _PLACEHOLDER_RE.fullmatch(part) else part.lower() for part in _PLACEHOLDER_RE.split(text))


def default_scrubber(settings: Settings | None = None) -> Any:
    """The node's scrubber process when ``scrubber_socket`` names one, else the in-process scrubber."""
    if settings is not None and settings.scrubber_socket:
        # Only the client: scrubadub and the name lists stay in the scrubber process.
        from .privacy.remote import RemoteScrubber

        return RemoteScrubber(settings.scrubber_socket, settings.scrubber_timeout_seconds)
    from .privacy import scrub  # the scrubber loads name lists: import it once, here

    return scrub


class HourClock:
    """The UTC day and hour events are stamped with, formatted once per hour rather than per event."""

    def __init__(self) -> None:
        self._until = 0.0
        self._stamp = ("", "")

    def now(self) -> tuple[str, str]:
        moment = time.time()
        if moment >= self._until:
            current = dt.datetime.fromtimestamp(moment, dt.timezone.utc)
            self._stamp = (current.date().isoformat(), hour_of(current))
            self._until = (moment // 3600 + 1) * 3600  # the next full hour, when both may change
        return self._stamp


class Services:
    def __init__(self, settings: Settings, store: SQLStore | None = None, scrub: Any = None) -> None:
        self.settings = settings
        self.store = store or open_store(settings.database_url)
        self.learning = Learning(self.store, settings.k_threshold, enabled=settings.learning)
        self.search = SearchService(
            settings.index_dir,
            settings.default_locale,
            settings.index_check_seconds,
            content_dir=settings.content_dir,
            learning=self.learning,
        )
        self.scrub = scrub or default_scrubber(settings)
        # A scrub in the node's scrubber process is a wait on a socket: the event loop awaits
        # it and serves other requests meanwhile. The in-process scrubber is CPU work, done
        # where it is asked for.
        self._scrub_async: Callable[[str], Awaitable[str]] | None = (
            getattr(self.scrub, "scrub_async", None) if scrub is None and settings.scrubber_socket else None
        )
        self._pending: set[asyncio.Task[None]] = set()  # search events waiting for their scrubbed query
        self.visitors = VisitorHasher(self.store, site=settings.site_name)
        # Scrubbed queries are cached under a keyed hash of the raw text, so the
        # cache never holds what a reader typed, only what we would store anyway.
        # Only the event loop's thread reads and writes it.
        self._scrub_key = secrets.token_bytes(32)
        self._scrubbed: OrderedDict[bytes, str | None] = OrderedDict()
        self.orgs = OrgPolicies(self.store, Path(settings.org_policy_file) if settings.org_policy_file else None)
        self.maintenance: Maintenance | None = None
        self.limits = RateLimits({
            "search": settings.rate_limit_search,
            "feedback": settings.rate_limit_feedback,
            "suggest": settings.rate_limit_suggest,
        })
        self.stamp = FormStamp(secret_key(settings), settings.feedback_min_seconds)
        self.spam = SpamCounter()
        self._clock = HourClock()
        self.pages = PageCache()

    def start(self) -> None:
        try:
            self.store.migrate()
        except Exception as exc:
            # Readers can still search and read with the store down; /readyz says what is wrong.
            log.error("the store cannot be migrated (%s): feedback will be refused until it can", type(exc).__name__)
        self.search.refresh()
        if self.settings.rollup_interval_seconds > 0:
            self.maintenance = Maintenance(
                self.store,
                self.settings.rollup_interval_seconds,
                self.settings.event_retention_days,
                self.settings.comment_retention_days,
                after_purge=self.visitors.forget,
            )
            self.maintenance.start()

    def close(self) -> None:
        if self.maintenance is not None:
            self.maintenance.stop()
        self.search.close()
        closer = getattr(self.scrub, "close", None)
        if callable(closer):
            closer()  # the scrubber process's connections, when scrubbing happens there
        self.store.close()

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

    def _within_daily_cap(self, visitor: str, article_id: str, day: str) -> bool:
        cap = self.settings.feedback_daily_cap
        if cap <= 0:
            return True
        rows = self.store.query(
            "SELECT COUNT(*), SUM(CASE WHEN article_id = ? THEN 1 ELSE 0 END) FROM feedback WHERE visitor = ? AND day = ?",
            (article_id, visitor, day),
        )
        rated, this_one = rows[0][0] or 0, rows[0][1] or 0
        return this_one > 0 or rated < cap

    # -- who is asking, coarsely

    def visitor(self, request: Request, day: str | None = None) -> str:
        return self.visitors.visitor(self._address(request), request.headers.get("user-agent", ""), day=day)

    def client_of(self, request: Request, given: Any = None, locale: str | None = None) -> Any:
        return coarse_client(given, request.headers.get("user-agent", ""), locale)

    # -- scrubbing

    def scrub_text(self, text: str) -> tuple[str | None, bool]:
        """Scrubbed text, or (None, True) if scrubbing failed and the text was dropped."""
        result, dropped = scrub_or_drop(text, self.scrub)
        if dropped:
            SCRUB_FAILURES.inc()
        return result, dropped

    def _scrub_key_of(self, query: str) -> tuple[str, bytes] | None:
        normalised = normalise_query(query)[:500]
        if not normalised:
            return None
        return normalised, hmac.digest(self._scrub_key, normalised.encode("utf-8"), "sha256")

    def _scrubbed_before(self, key: bytes) -> tuple[bool, str | None]:
        """(True, scrubbed query) if this query was scrubbed before, else (False, None)."""
        if key in self._scrubbed:
            self._scrubbed.move_to_end(key)
            return True, self._scrubbed[key]
        return False, None

    def _scrub_new_query(self, normalised: str, key: bytes) -> str | None:
        # Scrub before lower-casing: case is a clue the detectors need (names, IBANs, postcodes).
        scrubbed, dropped = self.scrub_text(normalised)
        if dropped:
            return None  # not cached: once the scrubber is back, the same query is logged again
        return self._remember_scrubbed(key, scrubbed)

    def _remember_scrubbed(self, key: bytes, scrubbed: str | None) -> str | None:
        if scrubbed is not None:
            scrubbed = _lower_outside_placeholders(scrubbed)
        self._scrubbed[key] = scrubbed
        if len(self._scrubbed) > SCRUB_CACHE_SIZE:
            self._scrubbed.popitem(last=False)
        return scrubbed

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

    def record_search(self, request: Request, result: SearchResult, org: str | None = None) -> str | None:
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
        found = self._scrub_key_of(result.query)
        known, event.query = self._scrubbed_before(found[1]) if found else (True, None)
        if known:
            result.stored_query = (event.query,)
            self.store.add_event(event)
        elif self._scrub_async is not None:
            # A query not seen before waits for the scrubber process in a task of its own, and
            # the event is stored from there; until then the query exists only in memory.
            task = asyncio.get_running_loop().create_task(self._log_scrubbed(event, *found))
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)
        else:
            event.query = self._scrub_new_query(*found)
            self.store.add_event(event)
        return search_id

    async def _log_scrubbed(self, event: Event, normalised: str, key: bytes) -> None:
        assert self._scrub_async is not None
        try:
            scrubbed: str | None = await self._scrub_async(normalised)
        except Exception as exc:  # never the raw text: without a scrubbed query the event keeps none
            SCRUB_FAILURES.inc()
            log.warning("scrubbing failed (%s); the text was dropped", type(exc).__name__)
            scrubbed = None
        else:
            scrubbed = self._remember_scrubbed(key, scrubbed)
        event.query = scrubbed
        self.store.add_event(event)

    async def drain(self) -> None:
        """Waits for search events whose queries are still being scrubbed (at shutdown)."""
        if self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)

    def record_click(self, request: Request, search_id: str, article_id: str, rank: int, locale: str) -> None:
        self.store.add_event(self._event(request, "click", search_id=search_id, article_id=article_id, rank=rank, locale=locale))

    def record_view(self, request: Request, view: ArticleView, org: str | None = None) -> None:
        self.store.add_event(self._event(request, "view", org, article_id=view.id, locale=view.locale))

    # -- feedback

    async def add_feedback(self, request: Request, given: FeedbackInput) -> tuple[str, ArticleView]:
        org = self.org_of(request, given.org)
        if not self.orgs.policy(org).feedback:
            raise Forbidden(f"Feedback is turned off for your organisation ({org}); nothing was stored.")
        given = dataclasses.replace(given, org=org)
        view = self.search.article(given.article_id, given.locale, with_html=False)
        visitor = self.visitor(request)
        if not self._within_daily_cap(visitor, view.id, dt.datetime.now(dt.timezone.utc).date().isoformat()):
            self.spam.count("daily_cap")
            raise TooManyRequests("you have sent feedback on many articles today; thank you, please try again tomorrow", retry_after=3600)
        record_of = functools.partial(
            make_feedback,
            given,
            revision=view.revision,
            article_locale=view.locale,
            visitor=visitor,
            client=self.client_of(request, given.client, given.locale or view.locale),
            scrub=self._counting_scrub,
        )
        if self._scrub_async is not None and given.comment:
            try:
                comment = await self._scrub_async(given.comment)
            except Exception as exc:  # fail closed: the vote is kept, the comment is not
                SCRUB_FAILURES.inc()
                log.warning("scrubbing failed (%s); the text was dropped", type(exc).__name__)
                record = record_of(scrubbed=(None, True))
            else:
                record = record_of(scrubbed=(comment, False))
        else:
            record = record_of()
        feedback_id = await self.store.add_feedback(record)
        return feedback_id, view

    def _counting_scrub(self, text: str) -> str:
        try:
            return self.scrub(text)
        except Exception:
            SCRUB_FAILURES.inc()
            raise

    def feedback_form(self, view: ArticleView, org: str = "", stamp: str | None = None) -> dict[str, Any] | None:
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
            "max_comment": 2000,
            "stamp": self.stamp.make() if stamp is None else stamp,
        }

    # -- listings

    def popular(self, locale: str | None) -> list[dict[str, Any]]:
        return self.search.popular(locale)

    def related(self, view: ArticleView) -> list[dict[str, Any]]:
        return self.search.related(view.id, view.locale)
