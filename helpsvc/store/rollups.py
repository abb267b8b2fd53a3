"""Daily rollups: the small tables reports read instead of raw events.

A day is rebuilt from the raw ``events`` and ``feedback`` rows in one
transaction on the writer (delete that day's rows, insert fresh sums), so a
rebuild is idempotent and readers never see half a day. Distinct visitors per
(day, locale, query) are counted here, while the daily visitor hashes still
exist; after that only counts remain, which is what lets the k-threshold
outlive the raw events.

The SQL is portable: window functions (``LEAD``), ``SUBSTR`` and ``CAST``
work the same on SQLite and PostgreSQL. Reasons are stored as JSON text, so
they are counted in Python rather than with a dialect's JSON functions.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from typing import Any

from .sql import SQLStore
from .staff import stamp

ROLLUP_TABLES = (
    "rollup_views", "rollup_votes", "rollup_reasons", "rollup_searches",
    "rollup_queries", "rollup_query_articles", "rollup_reformulations", "rollup_other_queries",
)

# Clicks on day D+1 still belong to a search made late on day D.
_CLICKS = (
    "SELECT search_id, COUNT(*) AS clicks FROM events "
    "WHERE kind = 'click' AND day >= ? AND day <= ? GROUP BY search_id"
)
# A search "followed by a No vote": its clicked article got a No from the same visitor that day.
_NO_VOTES = (
    "SELECT DISTINCT k.search_id FROM events k "
    "JOIN feedback f ON f.visitor = k.visitor AND f.article_id = k.article_id AND f.day = k.day AND f.helpful = 0 "
    "WHERE k.kind = 'click' AND k.day >= ? AND k.day <= ?"
)

_BUILD: tuple[tuple[str, str], ...] = (
    (
        "rollup_views",
        # Views are per-hour counters; view events written before the counters count as before.
        "INSERT INTO rollup_views (day, article_id, locale, views) "
        "SELECT day, article_id, locale, SUM(n) FROM ("
        "SELECT day, article_id, locale, views AS n FROM view_counts WHERE day = ? "
        "UNION ALL SELECT day, article_id, locale, 1 AS n FROM events WHERE day = ? AND kind = 'view'"
        ") v GROUP BY day, article_id, locale",
    ),
    (
        "rollup_votes",
        "INSERT INTO rollup_votes (day, article_id, locale, revision, yes_votes, no_votes, comments) "
        "SELECT day, article_id, locale, revision, SUM(helpful), SUM(1 - helpful), "
        "SUM(CASE WHEN comment IS NOT NULL AND comment <> '' THEN 1 ELSE 0 END) "
        "FROM feedback WHERE day = ? GROUP BY day, article_id, locale, revision",
    ),
    (
        "rollup_searches",
        "INSERT INTO rollup_searches (day, locale, searches, zero_results, clicked, clicks) "
        "SELECT s.day, s.locale, COUNT(*), SUM(CASE WHEN s.results = 0 THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN c.search_id IS NOT NULL THEN 1 ELSE 0 END), COALESCE(SUM(c.clicks), 0) "
        f"FROM events s LEFT JOIN ({_CLICKS}) c ON c.search_id = s.search_id "
        "WHERE s.day = ? AND s.kind = 'search' GROUP BY s.day, s.locale",
    ),
    (
        "rollup_queries",
        "INSERT INTO rollup_queries (day, locale, query, visitors, searches, zero_results, clicked, no_votes) "
        "SELECT s.day, s.locale, s.query, COUNT(DISTINCT s.visitor), COUNT(*), "
        "SUM(CASE WHEN s.results = 0 THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN c.search_id IS NOT NULL THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN n.search_id IS NOT NULL THEN 1 ELSE 0 END) "
        f"FROM events s LEFT JOIN ({_CLICKS}) c ON c.search_id = s.search_id "
        f"LEFT JOIN ({_NO_VOTES}) n ON n.search_id = s.search_id "
        "WHERE s.day = ? AND s.kind = 'search' AND s.query IS NOT NULL AND s.query <> '' "
        "GROUP BY s.day, s.locale, s.query",
    ),
    (
        "rollup_query_articles",
        "INSERT INTO rollup_query_articles (day, locale, query, article_id, clicks) "
        "SELECT s.day, s.locale, s.query, k.article_id, COUNT(*) FROM events s "
        "JOIN events k ON k.search_id = s.search_id AND k.kind = 'click' AND k.day >= ? AND k.day <= ? "
        "WHERE s.day = ? AND s.kind = 'search' AND s.query IS NOT NULL AND s.query <> '' "
        "GROUP BY s.day, s.locale, s.query, k.article_id",
    ),
    (
        # A reformulation: a visitor's next search, in the same locale, within the same or the next hour.
        "rollup_reformulations",
        "INSERT INTO rollup_reformulations (day, locale, from_query, to_query, visitors, transitions, from_zero) "
        "SELECT day, locale, query, next_query, COUNT(DISTINCT visitor), COUNT(*), SUM(CASE WHEN results = 0 THEN 1 ELSE 0 END) "
        "FROM (SELECT day, locale, visitor, query, results, hour, "
        "LEAD(query) OVER (PARTITION BY visitor ORDER BY id) AS next_query, "
        "LEAD(locale) OVER (PARTITION BY visitor ORDER BY id) AS next_locale, "
        "LEAD(hour) OVER (PARTITION BY visitor ORDER BY id) AS next_hour "
        "FROM events WHERE day = ? AND kind = 'search' AND query IS NOT NULL AND query <> '') t "
        "WHERE next_query IS NOT NULL AND next_query <> query AND next_locale = locale "
        "AND CAST(SUBSTR(next_hour, 12, 2) AS INTEGER) - CAST(SUBSTR(hour, 12, 2) AS INTEGER) <= 1 "
        "GROUP BY day, locale, query, next_query",
    ),
)


def _params_for(table: str, day: str, next_day: str) -> tuple[str, ...]:
    if table in {"rollup_searches", "rollup_query_articles"}:
        return (day, next_day, day)
    if table == "rollup_queries":
        return (day, next_day, day, next_day, day)
    if table == "rollup_views":
        return (day, day)
    return (day,)


class Rollups:
    """Builds and reads the daily rollup tables of one store."""

    def __init__(self, store: SQLStore) -> None:
        self.store = store

    # -- building

    def build_day(self, day: str, final: bool, now: dt.datetime | None = None) -> None:
        """Recomputes every rollup of one day in one transaction."""
        now = now or dt.datetime.now(dt.timezone.utc)
        next_day = (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()
        sql = self.store.sql

        def job(conn: Any) -> None:
            cur = conn.cursor()
            for table in ROLLUP_TABLES:
                cur.execute(sql(f"DELETE FROM {table} WHERE day = ?"), (day,))
            for table, statement in _BUILD:
                cur.execute(sql(statement), _params_for(table, day, next_day))
            cur.execute(sql("SELECT article_id, locale, helpful, reasons FROM feedback WHERE day = ?"), (day,))
            reasons: Counter[tuple[str, str, int, str]] = Counter()
            for article_id, locale, helpful, raw in cur.fetchall():
                for reason in json.loads(raw):
                    reasons[(article_id, locale, int(helpful), reason)] += 1
            insert = sql("INSERT INTO rollup_reasons (day, article_id, locale, helpful, reason, votes) VALUES (?, ?, ?, ?, ?, ?)")
            for (article_id, locale, helpful, reason), votes in sorted(reasons.items()):
                cur.execute(insert, (day, article_id, locale, helpful, reason, votes))
            cur.execute(
                sql("INSERT INTO rollup_days (day, built, final) VALUES (?, ?, ?) "
                    "ON CONFLICT (day) DO UPDATE SET built = excluded.built, final = excluded.final"),
                (day, stamp(now), int(final)),
            )

        self.store.writer.submit(job).result(timeout=600)

    def fold_rare_queries(self, before: str, k: int) -> dict[str, int]:
        """Forgets the text of every query fewer than k visitors issued on a day before ``before``.

        Their counts move to one ``rollup_other_queries`` row per day and locale, so reports
        still count them as "other queries"; the rows that named them (the query, the articles
        it led to, the reformulations it took part in) are deleted. Idempotent: a second run
        finds nothing left to fold.
        """
        sql = self.store.sql

        def job(conn: Any) -> dict[str, int]:
            cur = conn.cursor()
            cur.execute(
                sql("SELECT day, locale, COUNT(*), SUM(searches), SUM(zero_results), SUM(clicked), SUM(no_votes) "
                    "FROM rollup_queries WHERE day < ? AND visitors < ? GROUP BY day, locale"),
                (before, k),
            )
            folded = cur.fetchall()
            upsert = sql(
                "INSERT INTO rollup_other_queries (day, locale, queries, searches, zero_results, clicked, no_votes) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (day, locale) DO UPDATE SET "
                "queries = rollup_other_queries.queries + excluded.queries, "
                "searches = rollup_other_queries.searches + excluded.searches, "
                "zero_results = rollup_other_queries.zero_results + excluded.zero_results, "
                "clicked = rollup_other_queries.clicked + excluded.clicked, "
                "no_votes = rollup_other_queries.no_votes + excluded.no_votes"
            )
            for row in folded:
                cur.execute(upsert, tuple(row[:2]) + tuple(int(n) for n in row[2:]))
            cur.execute(
                sql("DELETE FROM rollup_query_articles WHERE day < ? AND EXISTS (SELECT 1 FROM rollup_queries q "
                    "WHERE q.day = rollup_query_articles.day AND q.locale = rollup_query_articles.locale "
                    "AND q.query = rollup_query_articles.query AND q.visitors < ?)"),
                (before, k),
            )
            articles = cur.rowcount
            cur.execute(sql("DELETE FROM rollup_queries WHERE day < ? AND visitors < ?"), (before, k))
            queries = cur.rowcount
            # A pair k visitors made implies both of its queries reached k visitors that day.
            cur.execute(sql("DELETE FROM rollup_reformulations WHERE day < ? AND visitors < ?"), (before, k))
            return {"queries": queries, "query_articles": articles, "reformulations": cur.rowcount}

        return self.store.writer.submit(job).result(timeout=600)

    def final_days(self, since: str) -> set[str]:
        return {r[0] for r in self.store.query("SELECT day FROM rollup_days WHERE final = 1 AND day >= ?", (since,))}

    def unfinished_raw_days(self, before: str) -> list[str]:
        """Days older than ``before`` that still have raw rows but no final rollup."""
        rows = self.store.query(
            "SELECT DISTINCT e.day FROM events e LEFT JOIN rollup_days r ON r.day = e.day "
            "WHERE e.day < ? AND (r.final IS NULL OR r.final = 0) "
            "UNION SELECT DISTINCT f.day FROM feedback f LEFT JOIN rollup_days r ON r.day = f.day "
            "WHERE f.day < ? AND (r.final IS NULL OR r.final = 0) "
            "UNION SELECT DISTINCT v.day FROM view_counts v LEFT JOIN rollup_days r ON r.day = v.day "
            "WHERE v.day < ? AND (r.final IS NULL OR r.final = 0)",
            (before, before, before),
        )
        return sorted(r[0] for r in rows)

    def raw_days(self) -> list[str]:
        rows = self.store.query(
            "SELECT DISTINCT day FROM events UNION SELECT DISTINCT day FROM feedback UNION SELECT DISTINCT day FROM view_counts"
        )
        return sorted(r[0] for r in rows)

    # -- articles

    def article_totals(self, since: str, until: str, locale: str | None) -> dict[str, dict[str, int]]:
        """Per article id: views, yes, no and comments in the period."""
        where, params = _period(since, until, locale)
        totals: dict[str, dict[str, int]] = {}
        for article_id, views in self.store.query(
            f"SELECT article_id, SUM(views) FROM rollup_views WHERE {where} GROUP BY article_id", params
        ):
            totals.setdefault(article_id, _zero())["views"] = int(views)
        for article_id, yes, no, comments in self.store.query(
            f"SELECT article_id, SUM(yes_votes), SUM(no_votes), SUM(comments) FROM rollup_votes WHERE {where} GROUP BY article_id",
            params,
        ):
            entry = totals.setdefault(article_id, _zero())
            entry.update(yes=int(yes), no=int(no), comments=int(comments))
        return totals

    def daily_views(self, since: str, until: str, locale: str | None, article_id: str | None = None) -> list[tuple[str, str, int]]:
        """(article id, day, views) rows, for sparklines and timelines."""
        where, params = _period(since, until, locale, article_id)
        rows = self.store.query(
            f"SELECT article_id, day, SUM(views) FROM rollup_views WHERE {where} GROUP BY article_id, day ORDER BY day", params
        )
        return [(r[0], r[1], int(r[2])) for r in rows]

    def daily_votes(self, since: str, until: str, locale: str | None, article_id: str) -> list[tuple[str, int, int]]:
        where, params = _period(since, until, locale, article_id)
        rows = self.store.query(
            f"SELECT day, SUM(yes_votes), SUM(no_votes) FROM rollup_votes WHERE {where} GROUP BY day ORDER BY day", params
        )
        return [(r[0], int(r[1]), int(r[2])) for r in rows]

    def reasons(self, since: str, until: str, locale: str | None, article_id: str | None = None) -> list[tuple[str, int, str, int]]:
        """(article id, helpful, reason, votes) rows, most votes first."""
        where, params = _period(since, until, locale, article_id)
        rows = self.store.query(
            f"SELECT article_id, helpful, reason, SUM(votes) AS n FROM rollup_reasons WHERE {where} "
            "GROUP BY article_id, helpful, reason ORDER BY n DESC, reason",
            params,
        )
        return [(r[0], int(r[1]), r[2], int(r[3])) for r in rows]

    def revisions(self, article_id: str, locale: str | None) -> list[dict[str, Any]]:
        """Votes per (locale, revision) over all time, in the order revisions first got votes."""
        where = "article_id = ?" + (" AND locale = ?" if locale else "")
        params: tuple[Any, ...] = (article_id, locale) if locale else (article_id,)
        rows = self.store.query(
            f"SELECT locale, revision, MIN(day), MAX(day), SUM(yes_votes), SUM(no_votes) FROM rollup_votes WHERE {where} "
            "GROUP BY locale, revision ORDER BY locale, MIN(day), MAX(day), revision",
            params,
        )
        return [
            {"locale": r[0], "revision": r[1], "first_day": r[2], "last_day": r[3], "yes": int(r[4]), "no": int(r[5])}
            for r in rows
        ]

    # -- searches

    def daily_searches(self, since: str, until: str, locale: str | None) -> list[dict[str, Any]]:
        where, params = _period(since, until, locale)
        rows = self.store.query(
            f"SELECT day, SUM(searches), SUM(zero_results), SUM(clicked), SUM(clicks) FROM rollup_searches WHERE {where} "
            "GROUP BY day ORDER BY day",
            params,
        )
        return [{"day": r[0], "searches": int(r[1]), "zero_results": int(r[2]), "clicked": int(r[3]), "clicks": int(r[4])} for r in rows]

    def queries(self, since: str, until: str, locale: str | None, k: int, order: str, limit: int, positive: bool = False) -> list[dict[str, Any]]:
        """Queries summed over the days on which they reached k distinct visitors.

        ``order`` names the measure to rank by; ``positive`` keeps only queries where it is above zero.
        """
        measure = _MEASURES.get(order)
        if measure is None:
            raise ValueError(f"unknown order {order!r}")
        where, params = _period(since, until, locale)
        rows = self.store.query(
            "SELECT query, SUM(visitors), SUM(searches), SUM(zero_results), SUM(clicked), SUM(no_votes), "
            f"{_MEASURES['no_click']} FROM rollup_queries WHERE {where} AND visitors >= ? GROUP BY query "
            f"{('HAVING ' + measure + ' > 0') if positive else ''} "
            f"ORDER BY {measure} DESC, query LIMIT ?",
            params + (k, limit),
        )
        return [
            {"query": r[0], "visitors": int(r[1]), "searches": int(r[2]), "zero_results": int(r[3]),
             "clicked": int(r[4]), "no_votes": int(r[5]), "no_click": max(0, int(r[6]))}
            for r in rows
        ]

    def hidden_queries(self, since: str, until: str, locale: str | None, k: int) -> dict[str, int]:
        """What the k-threshold folds into "other queries": searches and (day, query) pairs.

        Days whose raw events expired keep only these counts (``fold_rare_queries``); newer
        days still have a row per query, shown to nobody.
        """
        where, params = _period(since, until, locale)
        rows = self.store.query(
            f"SELECT COALESCE(SUM(searches), 0), COUNT(*) FROM rollup_queries WHERE {where} AND visitors < ?", params + (k,)
        )
        folded = self.store.query(
            f"SELECT COALESCE(SUM(searches), 0), COALESCE(SUM(queries), 0) FROM rollup_other_queries WHERE {where}", params
        )
        return {"searches": int(rows[0][0]) + int(folded[0][0]), "query_days": int(rows[0][1]) + int(folded[0][1])}

    def article_queries(self, article_id: str, since: str, until: str, locale: str | None, k: int, limit: int) -> list[dict[str, Any]]:
        """Shown queries whose results led readers to one article."""
        params: tuple[Any, ...] = (article_id, since, until)
        extra = ""
        if locale:
            extra = " AND a.locale = ?"
            params += (locale,)
        rows = self.store.query(
            "SELECT a.query, SUM(a.clicks) AS n FROM rollup_query_articles a "
            "JOIN rollup_queries q ON q.day = a.day AND q.locale = a.locale AND q.query = a.query "
            f"WHERE a.article_id = ? AND a.day >= ? AND a.day <= ?{extra} AND q.visitors >= ? "
            "GROUP BY a.query ORDER BY n DESC, a.query LIMIT ?",
            params + (k, limit),
        )
        return [{"query": r[0], "clicks": int(r[1])} for r in rows]

    def reformulations(self, since: str, until: str, locale: str | None, k: int, limit: int) -> list[dict[str, Any]]:
        """(query, next query) pairs summed over the days on which the pair reached k visitors."""
        where, params = _period(since, until, locale)
        rows = self.store.query(
            "SELECT locale, from_query, to_query, SUM(visitors) AS v, SUM(transitions), SUM(from_zero) "
            f"FROM rollup_reformulations WHERE {where} AND visitors >= ? "
            "GROUP BY locale, from_query, to_query ORDER BY v DESC, from_query, to_query LIMIT ?",
            params + (k, limit),
        )
        return [
            {"locale": r[0], "from_query": r[1], "to_query": r[2], "visitors": int(r[3]), "transitions": int(r[4]),
             "from_zero": int(r[5])}
            for r in rows
        ]


_MEASURES = {
    "searches": "SUM(searches)",
    "visitors": "SUM(visitors)",
    "zero_results": "SUM(zero_results)",
    "no_votes": "SUM(no_votes)",
    # Searches that found something yet got no click (zero-result searches cannot be clicked).
    "no_click": "SUM(searches) - SUM(zero_results) - SUM(clicked)",
}


def _zero() -> dict[str, int]:
    return {"views": 0, "yes": 0, "no": 0, "comments": 0}


def _period(since: str, until: str, locale: str | None, article_id: str | None = None) -> tuple[str, tuple[Any, ...]]:
    where = "day >= ? AND day <= ?"
    params: tuple[Any, ...] = (since, until)
    if locale:
        where += " AND locale = ?"
        params += (locale,)
    if article_id is not None:
        where += " AND article_id = ?"
        params += (article_id,)
    return where, params
