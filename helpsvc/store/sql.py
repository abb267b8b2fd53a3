"""The store: feedback, events and salts in SQL, behind one small interface.

``SQLStore`` holds everything both dialects share; ``SQLiteStore`` (``sqlite``, the
default, a file in WAL mode) and the PostgreSQL store fill in how to connect
and the few dialect differences. SQL is written with ``?`` placeholders and
translated for drivers that want ``%s``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import secrets
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from typing import Any

from ..metrics import EVENTS_DROPPED
from .migrations import MIGRATIONS, Migration, statements_for
from .records import Event, Feedback
from .writer import Writer

log = logging.getLogger(__name__)


EVENT_FLUSH_SECONDS = 0.25
# Views are counted, not logged: a few seconds' counts per article and hour make one row each.
VIEW_FLUSH_SECONDS = 2.0


# Adds (day, hour, article_id, locale, views) to what is counted already.
VIEW_COUNTS_UPSERT = (
    "INSERT INTO view_counts (day, hour, article_id, locale, views) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (day, hour, article_id, locale) DO UPDATE SET views = view_counts.views + excluded.views"
)


class StoreError(Exception):
    """The store cannot be used; the message says what to do."""


class StoreUnavailable(StoreError):
    """A write could not be committed (disk full, read-only file, server down)."""


FEEDBACK_COLUMNS = (
    "id", "article_id", "locale", "revision", "helpful", "reasons", "comment", "comment_dropped",
    "visitor", "day", "hour", "client_name", "client_major", "os_family", "client_locale", "org",
)
EVENT_COLUMNS = (
    "kind", "visitor", "day", "hour", "locale", "query", "product", "topic", "results", "page",
    "article_id", "rank", "search_id", "client_name", "client_major", "os_family", "client_locale", "org",
)
# What exports show: never the visitor hash, which exists only to count distinct visitors.
EXPORT_FIELDS = {
    "feedback": ("id", "article_id", "locale", "revision", "helpful", "reasons", "comment", "hour",
                 "client_name", "client_major", "os_family", "client_locale", "org"),
    "votes": ("id", "article_id", "locale", "revision", "helpful", "reasons", "hour",
              "client_name", "client_major", "os_family", "client_locale", "org"),
    "searches": ("id", "query", "locale", "product", "topic", "results", "page", "hour",
                 "client_name", "client_major", "os_family", "client_locale", "org"),
}


def _feedback_row(fb: Feedback) -> tuple[Any, ...]:
    return (
        fb.id, fb.article_id, fb.locale, fb.revision, int(fb.helpful), json.dumps(list(fb.reasons)),
        fb.comment, int(fb.comment_dropped), fb.visitor, fb.day, fb.hour,
        fb.client.name, fb.client.major, fb.client.os, fb.client.locale, fb.org,
    )


def _event_row(ev: Event) -> tuple[Any, ...]:
    return (
        ev.kind, ev.visitor, ev.day, ev.hour, ev.locale, ev.query, ev.product, ev.topic, ev.results,
        ev.page, ev.article_id, ev.rank, ev.search_id,
        ev.client.name, ev.client.major, ev.client.os, ev.client.locale, ev.org,
    )


class _Flush:
    """One flush of what waits in memory (events, view counts), as a writer job.

    It takes the waiting rows the first time it runs and keeps them: when its group
    commit fails, the writer runs each job again on its own, and this one must write
    the same rows again rather than an empty list.
    """

    def __init__(self, take: Callable[[], list[Any]], write: Callable[[Any, list[Any]], None]) -> None:
        self._take, self._write = take, write
        self._rows: list[Any] | None = None

    def __call__(self, conn: Any) -> None:
        if self._rows is None:
            self._rows = self._take()
        if self._rows:
            self._write(conn, self._rows)


class SQLStore:
    dialect = "sqlite"
    placeholder = "?"
    driver_errors: tuple[type[Exception], ...] = (sqlite3.Error,)

    def __init__(self) -> None:
        self.writer = Writer(self._connect_writer, durability=self._set_durability)
        self._events: list[tuple[Any, ...]] = []
        self._events_lock = threading.Lock()
        self._events_flush_queued = False
        self._events_timer: threading.Timer | None = None
        self._events_statement = self.sql(
            f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) VALUES ({', '.join('?' for _ in EVENT_COLUMNS)})"
        )
        self._views: Counter[tuple[str, str, str, str]] = Counter()
        self._views_timer: threading.Timer | None = None
        self._views_statement = self.sql(VIEW_COUNTS_UPSERT)

    # -- dialect hooks

    def _connect(self) -> Any:
        raise NotImplementedError

    def _connect_writer(self) -> Any:
        return self._connect()

    def _set_durability(self, conn: Any, durable: bool) -> None:
        """How hard the next commit waits for the disk (see Writer)."""

    def sql(self, statement: str) -> str:
        return statement if self.placeholder == "?" else statement.replace("?", self.placeholder)

    @contextmanager
    def read(self) -> Iterator[Any]:
        conn = self._connect()
        try:
            yield conn
        finally:
            conn.close()

    def query(self, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        try:
            with self.read() as conn:
                cur = conn.cursor()
                cur.execute(self.sql(statement), params)
                return list(cur.fetchall())
        except (StoreError, *self.driver_errors) as exc:
            raise StoreUnavailable("the database cannot be reached right now; please try again later") from exc

    # -- schema

    def migrate(self, migrations: Sequence[Migration] = MIGRATIONS) -> list[int]:
        """Applies every migration not yet applied; returns the versions applied now.

        Each migration runs in one transaction with its ``schema_migrations`` row, so one that
        fails halfway leaves nothing behind, and under a lock (SQLite's write lock, a
        PostgreSQL advisory lock), so nodes starting together apply each migration once.
        """
        applied_now = []
        conn = self._connect()
        try:
            cur = conn.cursor()
            while True:
                self._begin_migration(conn)
                cur.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
                            "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied TEXT NOT NULL)")
                cur.execute("SELECT version FROM schema_migrations")
                done = {row[0] for row in cur.fetchall()}
                pending = [m for m in migrations if m.version not in done]
                if not pending:
                    conn.commit()
                    break
                migration = pending[0]
                for statement in statements_for(migration, self.dialect):
                    cur.execute(statement)
                cur.execute(
                    self.sql("INSERT INTO schema_migrations (version, name, applied) VALUES (?, ?, ?)"),
                    (migration.version, migration.name, dt.datetime.now(dt.timezone.utc).isoformat()),
                )
                conn.commit()
                applied_now.append(migration.version)
        except Exception:
            conn.rollback()
            raise
        finally:
            conn.close()
        return applied_now

    def _begin_migration(self, conn: Any) -> None:
        """Opens the transaction one migration runs in, holding the lock that serialises nodes."""
        raise NotImplementedError

    def schema_version(self) -> int:
        rows = self.query("SELECT MAX(version) FROM schema_migrations")
        return int(rows[0][0] or 0)

    # -- writes

    def _insert_feedback(self, fb: Feedback) -> Any:
        columns = ", ".join(FEEDBACK_COLUMNS)
        marks = ", ".join("?" for _ in FEEDBACK_COLUMNS)
        updates = ", ".join(f"{c} = excluded.{c}" for c in FEEDBACK_COLUMNS if c not in {"visitor", "article_id", "day"})
        # One vote per visitor per article per day: a second one replaces the first.
        statement = self.sql(
            f"INSERT INTO feedback ({columns}) VALUES ({marks}) "
            f"ON CONFLICT (visitor, article_id, day) DO UPDATE SET {updates}"
        )
        row = _feedback_row(fb)

        def job(conn: Any) -> str:
            conn.cursor().execute(statement, row)
            return fb.id

        return job

    async def add_feedback(self, fb: Feedback) -> str:
        """Stores feedback and returns its id once it is committed."""
        try:
            return await asyncio.wrap_future(self.writer.submit(self._insert_feedback(fb)))
        except Exception as exc:
            raise StoreUnavailable("feedback could not be saved right now; please try again later") from exc

    def add_feedback_sync(self, fb: Feedback) -> str:
        try:
            return self.writer.submit(self._insert_feedback(fb)).result(timeout=30)
        except Exception as exc:
            raise StoreUnavailable("feedback could not be saved right now; please try again later") from exc

    def add_event(self, ev: Event) -> None:
        """Queues an event; it is committed with the others of the last quarter second.

        Events wait in a list; a quarter second after the first of them, one
        writer job inserts all that gathered in one statement and one commit,
        so under load the writer commits a few times a second, not per request.
        """
        with self._events_lock:
            self._events.append(_event_row(ev))
            if self._events_flush_queued:
                return
            self._events_flush_queued = True
            self._events_timer = threading.Timer(EVENT_FLUSH_SECONDS, self._queue_events)
            self._events_timer.daemon = True
            self._events_timer.start()

    def add_view(self, day: str, hour: str, article_id: str, locale: str) -> None:
        """Counts one article view; the counts are written every couple of seconds.

        The reports only ever count views per article and day, so a view keeps no
        visitor and no client: one counter per article and hour, and one upsert per
        counter per flush, however many readers opened the page meanwhile.
        """
        with self._events_lock:
            self._views[(day, hour, article_id, locale)] += 1
            if self._views_timer is not None:
                return
            self._views_timer = threading.Timer(VIEW_FLUSH_SECONDS, self._queue_views)
            self._views_timer.daemon = True
            self._views_timer.start()

    def _queue_views(self) -> None:
        self.writer.enqueue(_Flush(self._take_views, self._write_views))

    def _take_views(self) -> list[tuple[str, str, str, str, int]]:
        with self._events_lock:
            counts, self._views = self._views, Counter()
            self._views_timer = None
        return [(*key, n) for key, n in sorted(counts.items())]

    def _write_views(self, conn: Any, counts: list[tuple[str, str, str, str, int]]) -> None:
        self._begin(conn)
        try:
            self._in_savepoint(conn, lambda: conn.cursor().executemany(self._views_statement, counts))
        except Exception as exc:
            # Nothing here is a reader's text; what the database refused is counted and let go.
            EVENTS_DROPPED.inc(sum(n for *_, n in counts))
            log.error("dropped %d view counts the database refused: %s", len(counts), type(exc).__name__)

    def _queue_events(self) -> None:
        self.writer.enqueue(_Flush(self._take_events, self._write_events))

    def _take_events(self) -> list[tuple[Any, ...]]:
        with self._events_lock:
            rows, self._events = self._events, []
            self._events_flush_queued = False
        return rows

    def _write_events(self, conn: Any, rows: list[tuple[Any, ...]]) -> None:
        """Writes rows in one statement; if the database refuses it, row by row, dropping (and
        counting) only the rows it refuses."""
        self._begin(conn)
        try:
            self._in_savepoint(conn, lambda: self._write_event_rows(conn, rows))
        except Exception:
            if len(rows) == 1:
                EVENTS_DROPPED.inc()
                log.error("dropped one event the database refused")
                return
            for row in rows:
                try:
                    self._in_savepoint(conn, lambda: self._write_event_rows(conn, [row]))
                except Exception as exc:
                    EVENTS_DROPPED.inc()
                    log.error("dropped one event the database refused: %s", type(exc).__name__)

    @staticmethod
    def _in_savepoint(conn: Any, work: Any) -> None:
        cur = conn.cursor()
        cur.execute("SAVEPOINT event_rows")
        try:
            work()
        except Exception:
            cur.execute("ROLLBACK TO SAVEPOINT event_rows")
            cur.execute("RELEASE SAVEPOINT event_rows")
            raise
        cur.execute("RELEASE SAVEPOINT event_rows")

    def _begin(self, conn: Any) -> None:
        """Makes sure a transaction is open, so that releasing a savepoint does not commit.

        psycopg opens one with the first statement; SQLite's module does not for SAVEPOINT.
        """

    def _write_event_rows(self, conn: Any, rows: list[tuple[Any, ...]]) -> None:
        conn.cursor().executemany(self._events_statement, rows)

    def _flush_events_now(self) -> None:
        with self._events_lock:
            if self._events_timer is not None:
                self._events_timer.cancel()
                self._events_timer = None
            if self._views_timer is not None:
                self._views_timer.cancel()
        self._queue_events()
        self._queue_views()

    def flush(self, timeout: float = 10.0) -> None:
        """Waits until everything queued so far, waiting events included, is committed."""
        self._flush_events_now()
        self.writer.submit(lambda conn: None).result(timeout=timeout)

    def close(self) -> None:
        self._flush_events_now()  # nothing queued is lost at shutdown
        self.writer.close()

    # -- salts: agreed through the store, so every worker and node hashes alike

    def salt_future(self, day: str) -> Future[bytes]:
        """The day's salt, made by the one writer if no worker or node made it yet.

        The future resolves after the commit, so every worker that asks agrees on the
        same salt; an event loop can await it without waiting on the database.
        """
        statement = self.sql("INSERT INTO salts (day, salt) VALUES (?, ?) ON CONFLICT (day) DO NOTHING")
        select = self.sql("SELECT salt FROM salts WHERE day = ?")
        fresh = secrets.token_bytes(32)

        def job(conn: Any) -> bytes:
            cur = conn.cursor()
            cur.execute(statement, (day, fresh))
            cur.execute(select, (day,))
            return bytes(cur.fetchone()[0])

        return self.writer.submit(job)

    def salt(self, day: str) -> bytes:
        """The day's salt, waiting for the writer: for threads and commands, never the event loop."""
        try:
            return self.salt_future(day).result(timeout=30)
        except Exception as exc:
            raise StoreUnavailable("the visitor salt cannot be read or made right now") from exc

    def salt_days(self) -> list[str]:
        return [row[0] for row in self.query("SELECT day FROM salts ORDER BY day")]

    # -- retention

    def purge(self, today: dt.date, event_days: int, comment_days: int, salt_days: int = 2) -> dict[str, int]:
        """Deletes raw events, comments and salts past their retention; returns counts."""
        event_cut = (today - dt.timedelta(days=event_days)).isoformat()
        comment_cut = (today - dt.timedelta(days=comment_days)).isoformat()
        salt_cut = (today - dt.timedelta(days=salt_days - 1)).isoformat()

        def job(conn: Any) -> dict[str, int]:
            cur = conn.cursor()
            cur.execute(self.sql("DELETE FROM events WHERE day < ?"), (event_cut,))
            events = cur.rowcount
            cur.execute(self.sql("DELETE FROM view_counts WHERE day < ?"), (event_cut,))
            views = cur.rowcount
            cur.execute(self.sql("DELETE FROM feedback WHERE day < ?"), (comment_cut,))
            feedback = cur.rowcount
            cur.execute(self.sql("DELETE FROM salts WHERE day < ?"), (salt_cut,))
            salts = cur.rowcount
            return {"events": events, "view_counts": views, "feedback": feedback, "salts": salts}

        return self.writer.submit(job).result(timeout=120)

    # -- reads

    def export(self, kind: str, since: str | None = None, until: str | None = None, org: str | None = None) -> Iterator[dict[str, Any]]:
        """Rows as stored (already scrubbed), oldest first; since/until are inclusive days."""
        if kind not in EXPORT_FIELDS:
            raise StoreError(f"unknown export {kind!r}: choose one of {', '.join(EXPORT_FIELDS)}")
        fields = EXPORT_FIELDS[kind]
        table = "events" if kind == "searches" else "feedback"
        where = ["kind = 'search'"] if kind == "searches" else []
        params: list[Any] = []
        if since:
            where.append("day >= ?")
            params.append(since)
        if until:
            where.append("day <= ?")
            params.append(until)
        if org is not None:
            where.append("org = ?")
            params.append(org)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        statement = self.sql(f"SELECT {', '.join(fields)} FROM {table}{clause} ORDER BY hour, id")
        with self.read() as conn:
            cur = conn.cursor()
            cur.execute(statement, tuple(params))
            while True:
                rows = cur.fetchmany(500)
                if not rows:
                    break
                for row in rows:
                    record = dict(zip(fields, row))
                    if "helpful" in record:
                        record["helpful"] = bool(record["helpful"])
                    if "reasons" in record:
                        record["reasons"] = json.loads(record["reasons"])
                    yield record

    def feedback_by_id(self, feedback_id: str) -> dict[str, Any] | None:
        rows = self.query(f"SELECT {', '.join(FEEDBACK_COLUMNS)} FROM feedback WHERE id = ?", (feedback_id,))
        return dict(zip(FEEDBACK_COLUMNS, rows[0])) if rows else None

    def count(self, table: str) -> int:
        if table not in {"feedback", "events", "salts", "view_counts"}:
            raise StoreError(f"unknown table {table!r}")
        return int(self.query(f"SELECT COUNT(*) FROM {table}")[0][0])

    def ping(self) -> None:
        self.query("SELECT 1")


__all__ = ["SQLStore", "StoreError", "StoreUnavailable"]
