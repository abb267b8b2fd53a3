"""Where anonymised feedback and events are kept: SQLite by default, PostgreSQL for several servers."""

from .records import Client, Event, Feedback, hour_of
from .sql import SQLiteStore, SQLStore, StoreError, StoreUnavailable, database_url_for, open_store

__all__ = [
    "Client",
    "Event",
    "Feedback",
    "SQLStore",
    "SQLiteStore",
    "StoreError",
    "StoreUnavailable",
    "database_url_for",
    "hour_of",
    "open_store",
]
