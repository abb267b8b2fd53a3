"""The store: where anonymised feedback and events are kept, SQLite by default, PostgreSQL for several servers.

Owns the records (``records``), one ``SQLStore`` for both dialects (``sql``,
``sqlite``, ``postgres``, ``opening``), the one writer thread (``writer``), migrations,
daily rollups (``rollups``), staff data (``staff``) and the upkeep job that keeps
rollups current and purges expired raw data (``upkeep``). May import: clock and
metrics. Everything it is handed is already scrubbed and coarsened.
"""

from ..clock import hour_of
from .records import Client, Event, Feedback
from .opening import database_url_for, open_store
from .sql import SQLStore, StoreError, StoreUnavailable
from .sqlite import SQLiteStore

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
