"""Which store a database URL opens, and a clear error for one we cannot open."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpsvc.store import SQLiteStore
from helpsvc.store.opening import database_url_for, open_store
from helpsvc.store.sql import StoreError


def test_a_bare_path_and_a_sqlite_url_open_the_same_file(tmp_path: Path) -> None:
    target = tmp_path / "help.db"
    for url in (str(target), "sqlite:///" + str(target), database_url_for(str(target))):
        store = open_store(url)
        try:
            assert isinstance(store, SQLiteStore)
            store.migrate()
        finally:
            store.close()
    assert target.exists()


def test_database_url_for_keeps_urls_and_turns_paths_into_sqlite_urls() -> None:
    assert database_url_for("postgresql://h/db") == "postgresql://h/db"
    assert database_url_for("var/x.db") == "sqlite:///var/x.db"


@pytest.mark.parametrize("url", ["mysql://root@localhost/help", "redis://localhost:6379"])
def test_an_unsupported_url_says_which_urls_work(url: str) -> None:
    with pytest.raises(StoreError, match=r"unsupported database URL .*use sqlite:///PATH or postgresql://") as error:
        open_store(url)
    assert "root@localhost" not in str(error.value)  # the rest of the URL may hold a password
