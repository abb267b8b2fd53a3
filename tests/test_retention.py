"""Retention of what readers typed: once raw events expire, only queries k visitors shared keep their text."""

from __future__ import annotations

import datetime as dt

from helpsvc.store import Event, open_store
from helpsvc.store.rollups import Rollups
from helpsvc.store.upkeep import expire, update_rollups

K = 3
DAY = dt.date(2026, 10, 1)


def _search(store: object, visitor: str, day: dt.date, query: str, results: int = 4, search_id: str = "") -> None:
    store.add_event(Event(kind="search", visitor=visitor, day=day.isoformat(), hour=f"{day}T10:00Z", locale="en-US",
                          query=query, results=results, page=1, search_id=search_id or f"{visitor}-{query}-{day}"))


def _traffic(store: object, day: dt.date) -> None:
    for n in range(K):  # shared by k visitors: may be shown and kept
        _search(store, f"v{n}", day, "share my screen")
    _search(store, "lonely", day, "jane doe cannot log in", results=0)  # one visitor: never shown, not kept
    _search(store, "lonely", day, "jane doe cant log in")  # the same visitor's reformulation
    store.add_event(Event(kind="click", visitor="lonely", day=day.isoformat(), hour=f"{day}T10:00Z", locale="en-US",
                          search_id=f"lonely-jane doe cant log in-{day}", article_id="sign-in", rank=1))


def _texts(store: object) -> set[str]:
    found: set[str] = set()
    for table, columns in (("rollup_queries", "query"), ("rollup_query_articles", "query"),
                           ("rollup_reformulations", "from_query, to_query")):
        for row in store.query(f"SELECT {columns} FROM {table}"):
            found.update(row)
    return found


def test_rare_query_strings_fold_into_counts_when_raw_events_expire(database_url: str) -> None:
    store = open_store(database_url)
    store.migrate()
    try:
        _traffic(store, DAY)
        recent = DAY + dt.timedelta(days=25)
        _traffic(store, recent)
        store.flush()
        today = DAY + dt.timedelta(days=31)  # the clock this test controls: DAY's raw events are past 30 days
        update_rollups(store, today, event_days=40)
        rollups = Rollups(store)
        hidden_before = rollups.hidden_queries(DAY.isoformat(), recent.isoformat(), None, K)
        assert "jane doe cannot log in" in _texts(store)

        counts = expire(store, today, event_days=30, comment_days=90, k=K)

        assert counts["events"] == 6 and counts["rare_queries"] == 2
        old = {row[0] for row in store.query("SELECT query FROM rollup_queries WHERE day = ?", (DAY.isoformat(),))}
        assert old == {"share my screen"}
        new = {row[0] for row in store.query("SELECT query FROM rollup_queries WHERE day = ?", (recent.isoformat(),))}
        assert new == {"share my screen", "jane doe cannot log in", "jane doe cant log in"}  # raw events still kept
        assert store.query("SELECT COUNT(*) FROM rollup_query_articles WHERE day = ?", (DAY.isoformat(),))[0][0] == 0
        assert store.query("SELECT COUNT(*) FROM rollup_reformulations WHERE day = ?", (DAY.isoformat(),))[0][0] == 0
        # Reports count exactly as many "other queries" as before, now from the folded counts.
        assert rollups.hidden_queries(DAY.isoformat(), recent.isoformat(), None, K) == hidden_before
        assert store.query("SELECT queries, searches, zero_results, clicked FROM rollup_other_queries WHERE day = ?",
                           (DAY.isoformat(),)) == [(2, 2, 1, 1)]
        shown = rollups.queries(DAY.isoformat(), DAY.isoformat(), None, K, "searches", 10)
        assert [q["query"] for q in shown] == ["share my screen"]

        # A second purge finds nothing more to fold and leaves the counts as they are.
        assert expire(store, today, event_days=30, comment_days=90, k=K)["rare_queries"] == 0
        assert rollups.hidden_queries(DAY.isoformat(), recent.isoformat(), None, K) == hidden_before
    finally:
        store.close()
