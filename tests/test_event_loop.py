"""The event loop never waits on the database, except for feedback's commit through the one writer.

Every statement the store sends is seen through a thin wrapper of the real driver
connection (SQLite's or psycopg's), which notes the thread it runs on and whether
that thread is running an event loop. Searches, pages and feedback posts must make
no database call on the loop: learning reloads in the background, the daily cap is
answered from memory, and a new day's visitor salt is made by the writer.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from helpsvc.privacy.visitor import VisitorHasher
from helpsvc.settings import Settings
from helpsvc.store import SQLiteStore, SQLStore
from helpsvc.web import create_app
from helpsvc.web.site import Site

from conftest import CONTENT

WRITER_THREAD = "helpsvc-writer"


@dataclasses.dataclass(frozen=True)
class Call:
    thread: str
    on_loop: bool
    what: str


class Calls:
    """Each database call the store made, in order; ``hold`` makes statements naming a table wait."""

    def __init__(self) -> None:
        self.rows: list[Call] = []
        self._lock = threading.Lock()
        self._held: str | None = None
        self.release = threading.Event()
        self.holding = threading.Event()  # set once a held statement is waiting

    def hold(self, table: str) -> None:
        self._held = table

    def note(self, what: str) -> None:
        try:
            asyncio.get_running_loop()
            on_loop = True
        except RuntimeError:
            on_loop = False
        with self._lock:
            self.rows.append(Call(threading.current_thread().name, on_loop, " ".join(what.split())))
        if self._held is not None and self._held in what and not self.release.is_set():
            self.holding.set()
            self.release.wait(60)

    def clear(self) -> None:
        with self._lock:
            self.rows.clear()

    def on_loop(self) -> list[Call]:
        with self._lock:
            return [c for c in self.rows if c.on_loop]


class TracedCursor:
    def __init__(self, cursor: Any, calls: Calls) -> None:
        self._cursor = cursor
        self._calls = calls

    def execute(self, statement: str, *args: Any, **kwargs: Any) -> Any:
        self._calls.note(statement)
        return self._cursor.execute(statement, *args, **kwargs)

    def executemany(self, statement: str, *args: Any, **kwargs: Any) -> Any:
        self._calls.note(statement)
        return self._cursor.executemany(statement, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cursor, name)


class TracedConnection:
    """The real driver connection, noting each statement and commit before passing it on."""

    def __init__(self, conn: Any, calls: Calls) -> None:
        self._conn = conn
        self._calls = calls

    def cursor(self, *args: Any, **kwargs: Any) -> TracedCursor:
        return TracedCursor(self._conn.cursor(*args, **kwargs), self._calls)

    def execute(self, statement: str, *args: Any, **kwargs: Any) -> Any:
        self._calls.note(statement)
        return self._conn.execute(statement, *args, **kwargs)

    def commit(self) -> None:
        self._calls.note("COMMIT")
        self._conn.commit()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


class _Traced:
    """Mixed into a real store: its own connections and its pool's come back wrapped."""

    calls: Calls

    def _connect(self) -> Any:
        self.calls.note("CONNECT")
        return TracedConnection(super()._connect(), self.calls)  # type: ignore[misc]

    @contextmanager
    def read(self) -> Iterator[Any]:
        with super().read() as conn:  # type: ignore[misc]
            yield conn if isinstance(conn, TracedConnection) else TracedConnection(conn, self.calls)


class TracedSQLite(_Traced, SQLiteStore):
    def __init__(self, path: Path, calls: Calls) -> None:
        self.calls = calls
        super().__init__(path)


def traced_store(database_url: str, calls: Calls) -> SQLStore:
    if database_url.startswith("sqlite:///"):
        return TracedSQLite(Path(database_url[len("sqlite:///"):]), calls)
    from helpsvc.store.postgres import PostgresStore

    class TracedPostgres(_Traced, PostgresStore):
        def __init__(self, url: str) -> None:
            self.calls = calls
            super().__init__(url)

    return TracedPostgres(database_url)


@pytest.fixture
def open_site(database_url: str, content_index: Path) -> Iterator[Callable[..., tuple[TestClient, Site, Calls]]]:
    """Starts a site over a traced store of the test's database; ``before_start`` runs before its lifespan."""
    clients: list[TestClient] = []

    def factory(before_start: Callable[[Site, Calls], None] | None = None, **overrides: Any) -> tuple[TestClient, Site, Calls]:
        values: dict[str, Any] = {
            "content_dir": CONTENT, "index_dir": content_index, "database_url": database_url,
            "index_check_seconds": 0.0, "rate_limit_feedback": 0, "rate_limit_search": 0, **overrides,
        }
        settings = Settings.load(env={}, **values)
        calls = Calls()
        site = Site(settings, store=traced_store(database_url, calls))
        if before_start is not None:
            before_start(site, calls)
        client = TestClient(create_app(settings, site), raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        return client, site, calls

    yield factory
    for client in clients:
        client.__exit__(None, None, None)


def test_searches_and_pages_make_no_database_call_on_the_loop(open_site) -> None:
    client, _, calls = open_site()
    calls.clear()  # start-up may use the store; requests may not
    assert client.get("/api/v1/search", params={"q": "headset"}).status_code == 200
    assert client.get("/search", params={"q": "microphone"}).status_code == 200
    assert client.get("/articles/sign-in").status_code == 200
    assert calls.on_loop() == []


def test_a_feedback_post_waits_on_the_loop_only_for_the_writer(open_site) -> None:
    client, site, calls = open_site(feedback_daily_cap=2)
    calls.clear()
    statuses = [client.post("/api/v1/feedback", json={"article_id": a, "helpful": True}).status_code
                for a in ("sign-in", "calls-make", "calls-video")]
    assert statuses == [201, 201, 429]  # the cap still holds, answered without a query
    assert calls.on_loop() == []
    writes = [c for c in calls.rows if c.what.startswith("INSERT INTO feedback")]
    assert len(writes) == 2 and {c.thread for c in writes} == {WRITER_THREAD}
    assert site.store.count("feedback") == 2


def test_a_new_days_salt_is_made_by_the_one_writer(open_site) -> None:
    client, site, calls = open_site()
    site.intake.visitors.forget()  # as at a new UTC day: no salt in memory
    calls.clear()
    assert client.get("/api/v1/search", params={"q": "headset"}).status_code == 200
    posted = client.post("/api/v1/feedback", json={"article_id": "sign-in", "helpful": True})
    assert posted.status_code == 201
    assert calls.on_loop() == []
    salts = [c for c in calls.rows if "salts" in c.what]
    assert salts and {c.thread for c in salts} == {WRITER_THREAD}
    assert [c for c in calls.rows if c.what == "CONNECT" and c.thread != WRITER_THREAD] == []
    # The feedback was hashed with the salt every worker shares, not a stand-in of this process's.
    stored = site.store.feedback_by_id(posted.json()["id"])
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    assert stored["visitor"] == VisitorHasher(site.store, site.settings.site_name).visitor("testclient", "testclient", day=today)


def test_a_search_does_not_wait_for_a_slow_learning_reload(open_site) -> None:
    def hold_reloads(site: Site, calls: Calls) -> None:
        site.store.migrate()
        calls.hold("rollup_queries")  # every reload of the learning table stops at its first query

    client, site, calls = open_site(before_start=hold_reloads)
    try:
        assert calls.holding.wait(30), "no learning reload was under way after start"
        version = site.learning.version
        answered = client.get("/api/v1/search", params={"q": "headset"})
        assert answered.status_code == 200 and answered.json()["hits"]
        # The search was answered from the table already in memory while the reload was still held.
        assert not calls.release.is_set() and site.learning.version == version
        assert [c for c in calls.on_loop() if "rollup" in c.what] == []
    finally:
        calls.release.set()


def test_the_daily_cap_is_seeded_from_the_store_and_agreed_between_workers(open_site) -> None:
    first, first_site, _ = open_site(feedback_daily_cap=2)
    second, second_site, _ = open_site(feedback_daily_cap=2)
    assert [first.post("/api/v1/feedback", json={"article_id": a, "helpful": True}).status_code
            for a in ("sign-in", "calls-make")] == [201, 201]
    second_site.keep_current()  # what its background thread does every little while
    assert second.post("/api/v1/feedback", json={"article_id": "calls-video", "helpful": True}).status_code == 429
    # A vote changed on an article already rated today is not a new article.
    assert second.post("/api/v1/feedback", json={"article_id": "sign-in", "helpful": False}).status_code == 201
    # A worker started later over the same database counts what is stored from its start.
    third, _, _ = open_site(feedback_daily_cap=2)
    assert third.post("/api/v1/feedback", json={"article_id": "calls-video", "helpful": True}).status_code == 429
    assert first_site.store.count("feedback") == 2


def test_a_request_that_stops_waiting_does_not_fail_the_others_of_its_batch(database_url: str) -> None:
    # A client that goes away cancels the commit its request awaited; the writer must still
    # answer everyone else in the same group commit.
    from helpsvc.store import open_store

    store = open_store(database_url)
    store.migrate()
    started, go_on = threading.Event(), threading.Event()

    def busy(conn: Any) -> None:
        started.set()
        go_on.wait(30)

    try:
        store.writer.submit(busy)
        assert started.wait(30)
        gone = store.writer.submit(lambda conn: "gone")
        waiting = store.writer.submit(lambda conn: "stored")
        assert gone.cancel()  # not taken up yet: its caller can still give up on it
        go_on.set()
        assert waiting.result(timeout=30) == "stored"
        assert store.writer.failures == 0
    finally:
        go_on.set()
        store.close()


def test_organisation_policies_are_read_off_the_request_path(open_site) -> None:
    client, site, calls = open_site()
    # Another worker's admin turns feedback off for contoso: this worker learns it from its
    # background round, not by querying the store inside a request.
    other_client, other, _ = open_site()
    other.intake.orgs.set("contoso", False, True, "Contoso", "ada")
    calls.clear()
    for _ in range(3):
        assert client.get("/api/v1/search", params={"q": "headset", "org": "contoso"}).status_code == 200
        assert client.post("/api/v1/feedback", json={"article_id": "sign-in", "helpful": True, "org": "contoso"}).status_code == 201
    assert not [c for c in calls.rows if "org_policies" in c.what]
    site.keep_current()
    assert [c for c in calls.rows if "org_policies" in c.what and c.thread != WRITER_THREAD]
    refused = client.post("/api/v1/feedback", json={"article_id": "calls-make", "helpful": True, "org": "contoso"})
    assert refused.status_code == 403
