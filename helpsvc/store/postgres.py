"""The PostgreSQL store, for several web nodes writing to one database.

Same schema, same migrations and the same SQL as SQLite (``SQLStore``); only
connecting and the placeholder style differ. Reads borrow connections from a
pool (psycopg_pool); the writer thread keeps one connection of its own.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

from .sql import SQLStore, StoreError


# The advisory lock key migrations take: any fixed number no other code of ours uses.
MIGRATION_LOCK = 0x68656C70737663  # "helpsvc"


class PostgresStore(SQLStore):
    dialect = "postgresql"
    placeholder = "%s"
    driver_errors = (psycopg.Error,)

    def __init__(self, url: str, pool_size: int = 4) -> None:
        self.url = url
        self._pool: ConnectionPool | None = None
        self._pool_size = pool_size
        # Reads come from several threads at once (Starlette's pool, staff jobs): without it,
        # two first reads could each open a pool and leave one for the garbage collector.
        self._pool_lock = threading.Lock()
        super().__init__()

    def _connect(self) -> psycopg.Connection[Any]:
        try:
            return psycopg.connect(self.url, connect_timeout=10)
        except psycopg.Error as exc:
            # The message may hold the URL's password: say what failed without it.
            raise StoreError(f"cannot connect to PostgreSQL at {self._where()}: {type(exc).__name__}") from exc

    def _set_durability(self, conn: Any, durable: bool) -> None:
        if not durable:
            # Only this transaction: events may be acknowledged before the WAL reaches the disk.
            conn.execute("SET LOCAL synchronous_commit TO OFF")

    def _begin_migration(self, conn: Any) -> None:
        # psycopg is already in a transaction with its first statement; the lock is held until
        # that transaction ends, so two nodes starting together apply each migration once.
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))

    def _where(self) -> str:
        info = psycopg.conninfo.conninfo_to_dict(self.url)
        return f"{info.get('host', 'localhost')}:{info.get('port', 5432)}/{info.get('dbname', '')}"

    def _pool_or_open(self) -> ConnectionPool:
        pool = self._pool
        if pool is None:
            with self._pool_lock:
                if self._pool is None:
                    self._pool = ConnectionPool(self.url, min_size=1, max_size=self._pool_size, open=True, timeout=10)
                pool = self._pool
        return pool

    @contextmanager
    def read(self) -> Iterator[Any]:
        try:
            with self._pool_or_open().connection() as conn:
                yield conn
        except psycopg.Error:
            raise
        except Exception as exc:  # a pool that cannot connect raises its own timeout errors
            if isinstance(exc, StoreError):
                raise
            raise StoreError(f"cannot reach PostgreSQL at {self._where()}: {type(exc).__name__}") from exc

    def close(self) -> None:
        super().close()
        with self._pool_lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()
