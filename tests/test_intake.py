"""Intake under overload: new queries waiting for the scrubber are bounded, and past the bound nothing raw is kept."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from prometheus_client import REGISTRY
from starlette.requests import Request

from helpsvc.intake import Intake
from helpsvc.settings import Settings
from helpsvc.store import SQLiteStore


@dataclass
class Searched:
    query: str
    locale: str = "en-US"
    product: str | None = None
    topic: str | None = None
    total: int = 3
    page: int = 1
    stored_query: tuple[str | None] | None = None


def _request() -> Request:
    return Request({"type": "http", "method": "GET", "path": "/search", "headers": [(b"user-agent", b"test")],
                    "query_string": b"", "client": ("127.0.0.1", 5000)})


def _backlog_full() -> float:
    return REGISTRY.get_sample_value("helpsvc_scrub_backlog_full_total") or 0.0


def _no_article(*args: object, **kwargs: object) -> None:
    raise AssertionError("no article is looked up when searches are logged")


def test_queries_past_the_backlog_bound_are_logged_without_their_text(tmp_path: Path) -> None:
    settings = Settings.load(env={}, database_url=f"sqlite:///{tmp_path / 'h.db'}", secret_key="k" * 32)
    store = SQLiteStore(tmp_path / "h.db")
    store.migrate()
    release = asyncio.Event()
    seen: list[str] = []

    async def slow_scrubber(text: str) -> str:  # the scrubber process, busy until released
        seen.append(text)
        await release.wait()
        return text.replace("Alice", "{{NAME}}")

    intake = Intake(settings, store, _no_article, scrub=lambda text: text, scrub_async=slow_scrubber, max_waiting=3)
    before = _backlog_full()

    async def scenario() -> None:
        for n in range(5):
            assert intake.record_search(_request(), Searched(f"Alice cannot share screen {n}")) is not None
        await asyncio.sleep(0)  # let the waiting tasks reach the scrubber
        assert len(seen) == 3
        release.set()
        await intake.drain()

    asyncio.run(scenario())
    store.flush()
    queries = [row[0] for row in store.query("SELECT query FROM events WHERE kind = 'search'")]
    store.close()
    assert _backlog_full() - before == 2
    assert len(queries) == 5  # every search is counted
    assert sorted(q for q in queries if q is not None) == [f"{{{{NAME}}}} cannot share screen {n}" for n in range(3)]
    assert queries.count(None) == 2  # past the bound: no query, and never the raw text
    assert not any("alice" in (q or "").lower() for q in queries)
