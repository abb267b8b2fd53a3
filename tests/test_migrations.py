"""Migrations: atomic on both backends, applied once when nodes start together, and frozen once applied."""

from __future__ import annotations

import hashlib
import threading
from typing import Any

import pytest

from helpsvc.store import open_store
from helpsvc.store.migrations import MIGRATIONS, Migration, statements_for

# The text of every applied migration, as each dialect runs it. A database that applied a
# migration never runs it again, so editing one would split old and new installations: add a
# migration instead. A new migration adds its line here.
FROZEN = {
    "sqlite": ["03395f3a69443e3c", "cf8f4629794f704d", "82539a5f7de20870", "bc1291c96683f4a6", "072055d1b34d00cc"],
    "postgresql": ["23417f363cc1f997", "cad520509b86a751", "82539a5f7de20870", "bc1291c96683f4a6", "072055d1b34d00cc"],
}


@pytest.mark.parametrize("dialect", sorted(FROZEN))
def test_applied_migrations_never_change(dialect: str) -> None:
    checksums = [hashlib.sha256("\n".join(statements_for(m, dialect)).encode()).hexdigest()[:16] for m in MIGRATIONS]
    assert checksums[: len(FROZEN[dialect])] == FROZEN[dialect]
    assert len(checksums) == len(FROZEN[dialect]), "a new migration: add its checksum to FROZEN"
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))


def _tables(store: Any) -> set[str]:
    if store.dialect == "sqlite":
        rows = store.query("SELECT name FROM sqlite_master WHERE type = 'table'")
    else:
        rows = store.query("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")
    return {row[0] for row in rows}


def test_a_migration_that_fails_halfway_leaves_nothing_and_can_run_again(database_url: str) -> None:
    store = open_store(database_url)
    try:
        store.migrate()
        broken = Migration(99, "half a migration", ("CREATE TABLE half_done (x INTEGER)", "CREATE TABLE oops ("))
        with pytest.raises(Exception):
            store.migrate((*MIGRATIONS, broken))
        assert "half_done" not in _tables(store)
        assert store.schema_version() == len(MIGRATIONS)
        fixed = Migration(99, "the whole migration", ("CREATE TABLE half_done (x INTEGER)", "CREATE TABLE oops (y INTEGER)"))
        assert store.migrate((*MIGRATIONS, fixed)) == [99]
        assert {"half_done", "oops"} <= _tables(store)
    finally:
        store.close()


def test_nodes_starting_together_apply_each_migration_once(database_url: str) -> None:
    stores = [open_store(database_url) for _ in range(4)]
    applied: list[list[int]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(len(stores))

    def run(store: Any) -> None:
        start.wait()
        try:
            applied.append(store.migrate())
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    try:
        assert errors == []
        assert sorted(v for versions in applied for v in versions) == [m.version for m in MIGRATIONS]
        rows = stores[0].query("SELECT version FROM schema_migrations ORDER BY version")
        assert [r[0] for r in rows] == [m.version for m in MIGRATIONS]
    finally:
        for store in stores:
            store.close()
