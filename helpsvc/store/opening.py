"""Opening the store a database URL names: SQLite by default, PostgreSQL for several servers."""

from __future__ import annotations

import os
from pathlib import Path

from .sql import SQLStore, StoreError
from .sqlite import SQLiteStore


def open_store(url: str) -> SQLStore:
    """A store for HELPSVC_DATABASE_URL: sqlite:///relative/path, sqlite:////absolute/path or postgresql://."""
    if url.startswith("sqlite:///"):
        return SQLiteStore(Path(url[len("sqlite:///"):]))
    if url.startswith(("postgresql://", "postgres://")):
        from .postgres import PostgresStore  # imported only when asked for: psycopg is optional

        return PostgresStore(url)
    if "://" not in url:
        return SQLiteStore(Path(url))
    raise StoreError(f"unsupported database URL {url.split('://')[0]}://…: use sqlite:///PATH or postgresql://…")


def database_url_for(path_or_url: str) -> str:
    """--db takes a path or a URL."""
    if "://" in path_or_url:
        return path_or_url
    return "sqlite:///" + os.fspath(path_or_url)
