"""Versioned schema migrations, written once for both SQL dialects.

``{id}``, ``{blob}`` and ``{bigint}`` are filled in per dialect; everything else
is SQL that SQLite and PostgreSQL both accept. Applied migrations are
recorded in ``schema_migrations``; each runs in its own transaction, under a lock that
serialises nodes starting together. The text of an applied migration never changes
(``tests/test_migrations.py`` keeps each one's checksum): a change is a new migration.
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

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "feedback, events and daily salts",
        (
            """CREATE TABLE feedback (
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
                
    client_name TEXT NOT NULL DEFAULT '',
    client_major TEXT NOT NULL DEFAULT '',
    os_family TEXT NOT NULL DEFAULT '',
    client_locale TEXT NOT NULL DEFAULT '',
    org TEXT NOT NULL DEFAULT ''
,
                UNIQUE (visitor, article_id, day)
            )""",
            "CREATE INDEX feedback_article ON feedback (article_id, day)",
            "CREATE INDEX feedback_day ON feedback (day)",
            """CREATE TABLE events (
                id {id},
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
                
    client_name TEXT NOT NULL DEFAULT '',
    client_major TEXT NOT NULL DEFAULT '',
    os_family TEXT NOT NULL DEFAULT '',
    client_locale TEXT NOT NULL DEFAULT '',
    org TEXT NOT NULL DEFAULT ''

            )""",
            "CREATE INDEX events_day_kind ON events (day, kind)",
            "CREATE INDEX events_search ON events (search_id)",
            "CREATE TABLE salts (day TEXT PRIMARY KEY, salt {blob} NOT NULL)",
        ),
    ),
    Migration(
        2,
        "staff accounts, organisation policies, daily rollups",
        (
            """CREATE TABLE staff_users (
                id {id},
                name TEXT NOT NULL UNIQUE,
                role TEXT NOT NULL,
                org TEXT NOT NULL DEFAULT '',
                password_hash TEXT NOT NULL,
                created TEXT NOT NULL,
                password_changed TEXT NOT NULL
            )""",
            """CREATE TABLE staff_sessions (
                token_hash TEXT PRIMARY KEY,
                user_id {bigint} NOT NULL,
                csrf TEXT NOT NULL,
                created TEXT NOT NULL,
                expires TEXT NOT NULL
            )""",
            "CREATE INDEX staff_sessions_user ON staff_sessions (user_id)",
            "CREATE TABLE login_failures (name_key TEXT PRIMARY KEY, failures INTEGER NOT NULL, locked_until TEXT NOT NULL)",
            """CREATE TABLE org_policies (
                org TEXT PRIMARY KEY,
                name TEXT NOT NULL DEFAULT '',
                feedback INTEGER NOT NULL,
                search_logging INTEGER NOT NULL,
                updated TEXT NOT NULL,
                updated_by TEXT NOT NULL DEFAULT ''
            )""",
            "CREATE TABLE job_leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires TEXT NOT NULL, last_done TEXT NOT NULL DEFAULT '')",
            "CREATE TABLE rollup_days (day TEXT PRIMARY KEY, built TEXT NOT NULL, final INTEGER NOT NULL)",
            """CREATE TABLE rollup_views (
                day TEXT NOT NULL, article_id TEXT NOT NULL, locale TEXT NOT NULL, views INTEGER NOT NULL,
                PRIMARY KEY (day, article_id, locale)
            )""",
            """CREATE TABLE rollup_votes (
                day TEXT NOT NULL, article_id TEXT NOT NULL, locale TEXT NOT NULL, revision TEXT NOT NULL,
                yes_votes INTEGER NOT NULL, no_votes INTEGER NOT NULL, comments INTEGER NOT NULL,
                PRIMARY KEY (day, article_id, locale, revision)
            )""",
            "CREATE INDEX rollup_votes_article ON rollup_votes (article_id, day)",
            """CREATE TABLE rollup_reasons (
                day TEXT NOT NULL, article_id TEXT NOT NULL, locale TEXT NOT NULL, helpful INTEGER NOT NULL,
                reason TEXT NOT NULL, votes INTEGER NOT NULL,
                PRIMARY KEY (day, article_id, locale, helpful, reason)
            )""",
            """CREATE TABLE rollup_searches (
                day TEXT NOT NULL, locale TEXT NOT NULL, searches INTEGER NOT NULL, zero_results INTEGER NOT NULL,
                clicked INTEGER NOT NULL, clicks INTEGER NOT NULL,
                PRIMARY KEY (day, locale)
            )""",
            """CREATE TABLE rollup_queries (
                day TEXT NOT NULL, locale TEXT NOT NULL, query TEXT NOT NULL, visitors INTEGER NOT NULL,
                searches INTEGER NOT NULL, zero_results INTEGER NOT NULL, clicked INTEGER NOT NULL,
                no_votes INTEGER NOT NULL,
                PRIMARY KEY (day, locale, query)
            )""",
            """CREATE TABLE rollup_query_articles (
                day TEXT NOT NULL, locale TEXT NOT NULL, query TEXT NOT NULL, article_id TEXT NOT NULL,
                clicks INTEGER NOT NULL,
                PRIMARY KEY (day, locale, query, article_id)
            )""",
            "CREATE INDEX rollup_query_articles_article ON rollup_query_articles (article_id, day)",
            """CREATE TABLE rollup_reformulations (
                day TEXT NOT NULL, locale TEXT NOT NULL, from_query TEXT NOT NULL, to_query TEXT NOT NULL,
                visitors INTEGER NOT NULL, transitions INTEGER NOT NULL, from_zero INTEGER NOT NULL,
                PRIMARY KEY (day, locale, from_query, to_query)
            )""",
            """CREATE TABLE synonym_decisions (
                locale TEXT NOT NULL, from_query TEXT NOT NULL, to_query TEXT NOT NULL, decision TEXT NOT NULL,
                decided TEXT NOT NULL, decided_by TEXT NOT NULL,
                PRIMARY KEY (locale, from_query, to_query)
            )""",
        ),
    ),
    Migration(
        3,
        "index click events only by search id",
        (
            # Search ids are random, so indexing every search event by its id put each insert
            # at a random place in the index: two thirds of the cost of writing an event. Only
            # the rollups look events up by search id, and only clicks.
            "DROP INDEX events_search",
            "CREATE INDEX events_click_search ON events (search_id) WHERE kind = 'click'",
        ),
    ),
    Migration(
        4,
        "fold rare queries into per-day counts once raw events expire",
        (
            # What remains of the queries fewer than k visitors issued on a day, once that day's
            # raw events are gone: how many there were and how they fared, never their text.
            """CREATE TABLE rollup_other_queries (
                day TEXT NOT NULL, locale TEXT NOT NULL, queries INTEGER NOT NULL, searches INTEGER NOT NULL,
                zero_results INTEGER NOT NULL, clicked INTEGER NOT NULL, no_votes INTEGER NOT NULL,
                PRIMARY KEY (day, locale)
            )""",
        ),
    ),
    Migration(
        5,
        "article views as per-hour counters",
        (
            # The rollups only ever count views per article and day, so a view is a counter,
            # not a row naming a visitor: the counts of a few seconds are written together.
            """CREATE TABLE view_counts (
                day TEXT NOT NULL, hour TEXT NOT NULL, article_id TEXT NOT NULL, locale TEXT NOT NULL,
                views INTEGER NOT NULL,
                PRIMARY KEY (day, hour, article_id, locale)
            )""",
        ),
    ),
)


def statements_for(migration: Migration, dialect: str) -> list[str]:
    types = DIALECT_TYPES[dialect]
    return [statement.format(**types) for statement in migration.statements]
