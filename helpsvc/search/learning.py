"""Learning from anonymised use: clicks and votes nudge the ranking, within bounds.

Read from the daily rollups only (never per-visitor data), for queries that
passed the k-threshold on at least one day. For each (locale, query, article)
the share of the query's searches that opened the article (shrunk while
there are few searches, decayed with age) and the article's helpfulness,
decayed likewise, give a multiplier that
can lift or lower an article's text score by at most ``MAX_LIFT``/``MAX_DROP``.
It applies only to articles the text query already matched: learning never
invents a result. With no rollups it changes nothing.

A search only reads the table last loaded; loading it (90 days of rollups) is
the site's background thread's job (``refresh_if_due``), so no request ever
waits on the database or on a reload under way.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import threading
import time
from collections import defaultdict
from typing import Any

log = logging.getLogger(__name__)

HALF_LIFE_DAYS = 14.0
WINDOW_DAYS = 90
PRIOR_SEARCHES = 20.0  # added to every query's search count, so a handful of clicks lifts little
MAX_LIFT = 1.25
MAX_DROP = 0.85


def _decay(day: str, today: dt.date) -> float:
    try:
        age = (today - dt.date.fromisoformat(day)).days
    except ValueError:
        return 0.0
    return 0.5 ** (max(age, 0) / HALF_LIFE_DAYS)


class Learning:
    def __init__(self, store: Any, k_threshold: int, enabled: bool = True, refresh_seconds: float = 300.0) -> None:
        self.store = store
        self.k = k_threshold
        self.enabled = enabled
        self.refresh_seconds = refresh_seconds
        self._boosts: dict[tuple[str, str], dict[str, float]] = {}
        self._loaded = -math.inf
        self.version = 0
        self._lock = threading.Lock()

    def boosts(self, locale: str, query: str) -> dict[str, float]:
        """Article id -> score multiplier for this (normalised, lower-cased) query, from the last table loaded."""
        if not self.enabled:
            return {}
        return self._boosts.get((locale, query), {})

    def refresh_if_due(self) -> None:
        """Reloads the table when it is ``refresh_seconds`` old (the first time at once)."""
        if self.enabled and time.monotonic() - self._loaded >= self.refresh_seconds:
            self.refresh()

    def refresh(self, today: dt.date | None = None) -> None:
        """Loads the table from the rollups and swaps it in whole; searches go on with the old one meanwhile."""
        if not self.enabled:
            return
        with self._lock:  # one reload at a time; readers never take it
            self._loaded = time.monotonic()
            try:
                boosts = self._compute(today or dt.datetime.now(dt.timezone.utc).date())
            except Exception as exc:  # no store, or no rollup tables yet: rank by text alone
                log.warning("ranking signals unavailable (%s); ranking by text alone", type(exc).__name__)
                return
            if boosts != self._boosts:
                self._boosts = boosts
                self.version += 1  # cached results ranked with the old table are stale now

    def _compute(self, today: dt.date) -> dict[tuple[str, str], dict[str, float]]:
        since = (today - dt.timedelta(days=WINDOW_DAYS)).isoformat()
        searches: dict[tuple[str, str], float] = defaultdict(float)
        qualified: set[tuple[str, str]] = set()
        for day, locale, query, visitors, count in self.store.query(
            "SELECT day, locale, query, visitors, searches FROM rollup_queries WHERE day >= ?", (since,)
        ):
            searches[(locale, query)] += count * _decay(day, today)
            if visitors >= self.k:
                qualified.add((locale, query))
        clicks: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for day, locale, query, article_id, count in self.store.query(
            "SELECT day, locale, query, article_id, clicks FROM rollup_query_articles WHERE day >= ?", (since,)
        ):
            if (locale, query) in qualified:
                clicks[(locale, query)][article_id] += count * _decay(day, today)
        votes: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        for day, article_id, yes, no in self.store.query(
            "SELECT day, article_id, yes_votes, no_votes FROM rollup_votes WHERE day >= ?", (since,)
        ):
            weight = _decay(day, today)
            votes[article_id][0] += yes * weight
            votes[article_id][1] += no * weight
        boosts: dict[tuple[str, str], dict[str, float]] = {}
        for key, per_article in clicks.items():
            total = max(searches.get(key, 0.0), sum(per_article.values()))
            found: dict[str, float] = {}
            for article_id, count in per_article.items():
                # Share of this query's searches that opened the article, shrunk towards
                # zero while there are few searches: a handful of clicks says little.
                share = count / (total + PRIOR_SEARCHES)
                yes, no = votes.get(article_id, (0.0, 0.0))
                helpful = (yes + 1.0) / (yes + no + 2.0)  # Laplace: no votes is neutral
                lift = (1.0 + 0.3 * share) * (1.0 + 0.3 * (helpful - 0.5))
                found[article_id] = min(MAX_LIFT, max(MAX_DROP, lift))
            boosts[key] = found
        return boosts
