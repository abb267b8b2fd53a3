"""The embedded default store: one SQLite file in WAL mode (``SQLiteStore``).

Everything but connecting, the durability pragmas and the one-statement event insert is
``SQLStore``'s, shared with PostgreSQL.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

from .sql import EVENT_COLUMNS, SQLStore, StoreError


class SQLiteStore(SQLStore):
    """The embedded default: one SQLite file in WAL mode."""

    dialect = "sqlite"

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder for the database {path}: {exc.strerror}") from exc
        self._local = threading.local()
        super().__init__()
        picks = ", ".join(f"json_extract(value, '$[{i}]')" for i in range(len(EVENT_COLUMNS)))
        self._events_json_statement = f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) SELECT {picks} FROM json_each(?)"

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self.path, timeout=10.0, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the database {self.path}: {exc}") from exc
        conn.execute("PRAGMA busy_timeout = 10000")
        # WAL lets reports read while the writer writes; FULL makes every commit
        # durable before feedback is acknowledged.
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        return conn

    @contextmanager
    def read(self) -> Iterator[Any]:
        """A connection kept per thread: opening one (and setting its pragmas) costs more than most reads."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
        try:
            yield conn
        except Exception:
            # A failed read may leave the connection unusable (a disk gone read-only): start afresh next time.
            self._local.conn = None
            with contextlib.suppress(Exception):
                conn.close()
            raise
        if conn.in_transaction:
            conn.rollback()

    def _set_durability(self, conn: Any, durable: bool) -> None:
        # In WAL mode NORMAL still survives a crash of the process; only FULL survives a power cut.
        conn.execute("PRAGMA synchronous = FULL" if durable else "PRAGMA synchronous = NORMAL")

    def _begin(self, conn: Any) -> None:
        if not conn.in_transaction:
            conn.execute("BEGIN")

    def _begin_migration(self, conn: Any) -> None:
        # Python's sqlite3 runs DDL outside any transaction unless one is begun explicitly;
        # IMMEDIATE takes the write lock at once, so a second process waits here.
        conn.execute("BEGIN IMMEDIATE")

    def _write_event_rows(self, conn: Any, rows: list[tuple[Any, ...]]) -> None:
        # One statement and one parameter for the whole batch: SQLite unpacks the JSON in C,
        # where executemany would bind every value of every row in Python while holding the
        # GIL that the request thread needs.
        conn.execute(self._events_json_statement, (orjson.dumps(rows),))

    def integrity_check(self) -> str:
        return str(self.query("PRAGMA integrity_check")[0][0])


__all__ = ["SQLiteStore"]
