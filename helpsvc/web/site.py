"""``Site``: the long-lived parts one server process holds, made once from Settings.

Nothing here decides anything: the store, the search service, intake, the page cache
and the upkeep job are made, started and closed together, and every route reaches
them through ``request.app.state.site``.
"""

from __future__ import annotations

import logging
from typing import Any

from ..intake import Intake
from ..search import SearchService
from ..search.learning import Learning
from ..settings import Settings
from ..store import SQLStore, open_store
from ..store.upkeep import Maintenance
from .pagecache import PageCache

log = logging.getLogger(__name__)


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
        )
        self.intake = Intake(settings, self.store, self.search.article, scrub=scrub)
        self.pages = PageCache()
        self.maintenance: Maintenance | None = None

    def start(self) -> None:
        try:
            self.store.migrate()
        except Exception as exc:
            # Readers can still search and read with the store down; /readyz says what is wrong.
            log.error("the store cannot be migrated (%s): feedback will be refused until it can", type(exc).__name__)
        self.search.refresh()
        if self.settings.rollup_interval_seconds > 0:
            self.maintenance = Maintenance(
                self.store,
                self.settings.rollup_interval_seconds,
                self.settings.event_retention_days,
                self.settings.comment_retention_days,
                after_purge=self.intake.visitors.forget,
                k=self.settings.k_threshold,
            )
            self.maintenance.start()

    async def drain(self) -> None:
        """Waits for search events whose queries are still being scrubbed (at shutdown)."""
        await self.intake.drain()

    def close(self) -> None:
        if self.maintenance is not None:
            self.maintenance.stop()
        self.search.close()
        self.intake.close()
        self.store.close()
