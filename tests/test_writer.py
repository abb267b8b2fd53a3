"""The one writer under faults: a failed group commit or a bad row loses no other event."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from prometheus_client import REGISTRY

from helpsvc.store import Event, SQLStore, open_store


def _event(n: int, kind: Any = "view") -> Event:
    return Event(kind=kind, visitor=f"v{n}", day="2026-11-30", hour="2026-11-30T10:00Z", locale="en-US", article_id=f"a{n}")


def _dropped() -> float:
    return REGISTRY.get_sample_value("helpsvc_events_dropped_total") or 0.0


@pytest.fixture
def store(database_url: str) -> Any:
    opened = open_store(database_url)
    opened.migrate()
    yield opened
    opened.close()


def _hold_writer(store: SQLStore) -> threading.Event:
    """Blocks the writer thread until the returned event is set, so the next jobs share one batch."""
    release = threading.Event()
    started = threading.Event()

    def hold(conn: Any) -> None:
        started.set()
        release.wait(10)

    store.writer.enqueue(hold)
    assert started.wait(10)
    return release


def _fail(conn: Any) -> None:
    raise RuntimeError("a job that fails its batch")


def test_events_survive_a_failed_group_commit(store: SQLStore) -> None:
    release = _hold_writer(store)
    for n in range(20):
        store.add_event(_event(n))
    store._flush_events_now()  # the events' job joins the same batch as the failing job
    failing = store.writer.submit(_fail)
    release.set()
    with pytest.raises(RuntimeError):
        failing.result(10)
    store.flush()
    assert store.count("events") == 20


def test_a_bad_event_row_is_dropped_and_counted_and_the_rest_are_stored(store: SQLStore) -> None:
    before = _dropped()
    release = _hold_writer(store)
    for n in range(10):
        store.add_event(_event(n))
    store.add_event(_event(99, kind=None))  # kind is NOT NULL: the database refuses this row
    for n in range(10, 20):
        store.add_event(_event(n))
    release.set()
    store.flush()
    assert store.count("events") == 20
    assert _dropped() - before == 1
