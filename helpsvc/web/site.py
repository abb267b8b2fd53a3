"""``Site``: the long-lived parts one server process holds, made once from Settings.

Nothing here decides anything: the store, the search service, intake, the page cache
and the upkeep job are made, started and closed together, and every route reaches
them through ``request.app.state.site``.

What requests read from memory instead of the database (the visitor salts, the
daily cap's counts, the learning table) is kept current by one background thread
(``keep_current``), so the event loop only ever waits for feedback's commit.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from ..intake import Intake
from ..search import SearchService
from ..search.learning import Learning
from ..settings import Settings
from ..store import SQLStore, open_store
from ..store.upkeep import Maintenance
from .pagecache import PageCache

log = logging.getLogger(__name__)

# How often the background thread looks for a new salt, feedback other workers stored, and a due learning reload.
KEEP_CURRENT_SECONDS = 30.0


class Site:
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
            locales=settings.locales,
        )
        self.intake = Intake(settings, self.store, self.search.article, scrub=scrub)
        self.pages = PageCache()
        self.maintenance: Maintenance | None = None
        self._stop = threading.Event()
        self._current: threading.Thread | None = None

    def start(self) -> None:
        try:
            self.store.migrate()
        except Exception as exc:
            # Readers can still search and read with the store down; /readyz says what is wrong.
            log.error("the store cannot be migrated (%s): feedback will be refused until it can", type(exc).__name__)
        self.search.refresh()
        # Salts and cap counts before the first request (readers are not waiting yet); the
        # learning table, which may take longer, in the background from the first round.
        self.intake.keep_current()
        self._current = threading.Thread(target=self._keep_current_loop, name="helpsvc-current", daemon=True)
        self._current.start()
        if self.settings.rollup_interval_seconds > 0:
            self.maintenance = Maintenance(
                self.store,
                self.settings.rollup_interval_seconds,
                self.settings.event_retention_days,
                self.settings.comment_retention_days,
                after_purge=self._after_purge,
                k=self.settings.k_threshold,
            )
            self.maintenance.start()

    def keep_current(self) -> None:
        """One round of the background thread: salts, the daily cap's counts, learning when due."""
        self.intake.keep_current()
        self.learning.refresh_if_due()

    def _keep_current_loop(self) -> None:
        self.learning.refresh_if_due()
        while not self._stop.wait(KEEP_CURRENT_SECONDS):
            try:
                self.keep_current()
            except Exception as exc:  # keep going: the next round may find the store back
                log.error("keeping salts, caps and learning current failed: %s", type(exc).__name__)

    def _after_purge(self) -> None:
        # Runs in the maintenance thread: the salts are fetched again here, not by a request.
        self.intake.visitors.forget()
        self.intake.keep_current()

    async def drain(self) -> None:
        """Waits for search events whose queries are still being scrubbed (at shutdown)."""
        await self.intake.drain()

    def close(self) -> None:
        self._stop.set()
        if self._current is not None:
            self._current.join(30)
        if self.maintenance is not None:
            self.maintenance.stop()
        self.search.close()
        self.intake.close()
        self.store.close()
