"""Versioned schema migrations, written once for both SQL dialects.

``{id}``, ``{blob}`` and ``{bigint}`` are filled in per dialect; everything else
is SQL that SQLite and PostgreSQL both accept. Applied migrations are
recorded in ``schema_migrations``; each runs in its own transaction.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


DIALECT_TYPES = {
    "sqlite": {"id": "INTEGER PRIMARY KEY AUTOINCREMENT", "blob": "BLOB", "bigint": "INTEGER"},
    "postgresql": {"id": "BIGSERIAL PRIMARY KEY", "blob": "BYTEA", "bigint": "BIGINT"},
}

_CLIENT_COLUMNS = """
    client_name TEXT NOT NULL DEFAULT '',
    client_major TEXT NOT NULL DEFAULT '',
    os_family TEXT NOT NULL DEFAULT '',
    client_locale TEXT NOT NULL DEFAULT '',
    org TEXT NOT NULL DEFAULT ''
"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "feedback, events and daily salts",
        (
            f"""CREATE TABLE feedback (
                id TEXT PRIMARY KEY,
                article_id TEXT NOT NULL,
                locale TEXT NOT NULL,
                revision TEXT NOT NULL,
                helpful INTEGER NOT NULL,
                reasons TEXT NOT NULL,
                comment TEXT,
                comment_dropped INTEGER NOT NULL DEFAULT 0,
                visitor TEXT NOT NULL,
                day TEXT NOT NULL,
                hour TEXT NOT NULL,
                {_CLIENT_COLUMNS},
                UNIQUE (visitor, article_id, day)
            )""",
            "CREATE INDEX feedback_article ON feedback (article_id, day)",
            "CREATE INDEX feedback_day ON feedback (day)",
            f"""CREATE TABLE events (
                id {{id}},
                kind TEXT NOT NULL,
                visitor TEXT NOT NULL,
                day TEXT NOT NULL,
                hour TEXT NOT NULL,
                locale TEXT NOT NULL DEFAULT '',
                query TEXT,
                product TEXT NOT NULL DEFAULT '',
                topic TEXT NOT NULL DEFAULT '',
                results INTEGER,
                page INTEGER,
                article_id TEXT NOT NULL DEFAULT '',
                rank INTEGER,
                search_id TEXT NOT NULL DEFAULT '',
                {_CLIENT_COLUMNS}
            )""",
            "CREATE INDEX events_day_kind ON events (day, kind)",
            "CREATE INDEX events_search ON events (search_id)",
            "CREATE TABLE salts (day TEXT PRIMARY KEY, salt {blob} NOT NULL)",
        ),
    ),
)


def statements_for(migration: Migration, dialect: str) -> list[str]:
    types = DIALECT_TYPES[dialect]
    return [statement.format(**types) for statement in migration.statements]
