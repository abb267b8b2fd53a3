"""What staff features keep: accounts, sessions, failed logins, organisation policies,
synonym decisions and job leases.

All of it is written through the store's one writer and read with plain
portable SQL (``?`` placeholders, no dialect functions), so it works the same
on SQLite and PostgreSQL. Nothing here holds reader data except the
organisation feedback listing, which returns only export fields (never the
visitor hash).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .sql import EXPORT_FIELDS, SQLStore, StoreError


class StaffStoreError(StoreError):
    """A staff record cannot be written as asked (for example, the name is taken)."""


def stamp(moment: dt.datetime) -> str:
    """A UTC timestamp to the second, in a form that sorts as text."""
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class StaffUser:
    id: int
    name: str
    role: str
    org: str
    created: str
    password_changed: str


@dataclass(frozen=True)
class OrgPolicyRow:
    org: str
    name: str
    feedback: bool
    search_logging: bool
    updated: str
    updated_by: str


_USER_COLUMNS = "id, name, role, org, created, password_changed"


class StaffStore:
    """Staff-side reads and writes over one ``SQLStore``."""

    def __init__(self, store: SQLStore) -> None:
        self.store = store

    def _write(self, job: Any) -> Any:
        return self.store.writer.submit(job).result(timeout=60)

    def _exec(self, statement: str, params: tuple[Any, ...]) -> int:
        sql = self.store.sql(statement)

        def job(conn: Any) -> int:
            cur = conn.cursor()
            cur.execute(sql, params)
            return int(cur.rowcount)

        return int(self._write(job))

    # -- accounts

    def add_user(self, name: str, role: str, org: str, password_hash: str, now: dt.datetime) -> StaffUser:
        if self.user(name) is not None:
            raise StaffStoreError(f"a staff account named {name!r} already exists")
        when = stamp(now)
        self._exec(
            "INSERT INTO staff_users (name, role, org, password_hash, created, password_changed) VALUES (?, ?, ?, ?, ?, ?)",
            (name, role, org, password_hash, when, when),
        )
        user = self.user(name)
        if user is None:
            raise StaffStoreError(f"the account {name!r} could not be saved")
        return user

    def user(self, name: str) -> StaffUser | None:
        rows = self.store.query(f"SELECT {_USER_COLUMNS} FROM staff_users WHERE name = ?", (name,))
        return StaffUser(*rows[0]) if rows else None

    def password_hash(self, name: str) -> tuple[StaffUser, str] | None:
        rows = self.store.query(f"SELECT {_USER_COLUMNS}, password_hash FROM staff_users WHERE name = ?", (name,))
        if not rows:
            return None
        return StaffUser(*rows[0][:6]), str(rows[0][6])

    def users(self) -> list[StaffUser]:
        return [StaffUser(*row) for row in self.store.query(f"SELECT {_USER_COLUMNS} FROM staff_users ORDER BY name")]

    def remove_user(self, name: str) -> bool:
        user = self.user(name)
        if user is None:
            return False
        sql_sessions = self.store.sql("DELETE FROM staff_sessions WHERE user_id = ?")
        sql_user = self.store.sql("DELETE FROM staff_users WHERE id = ?")

        def job(conn: Any) -> None:
            cur = conn.cursor()
            cur.execute(sql_sessions, (user.id,))
            cur.execute(sql_user, (user.id,))

        self._write(job)
        return True

    def set_password(self, name: str, password_hash: str, now: dt.datetime) -> bool:
        """Replaces a password and ends every session of that account."""
        user = self.user(name)
        if user is None:
            return False
        sql_user = self.store.sql("UPDATE staff_users SET password_hash = ?, password_changed = ? WHERE id = ?")
        sql_sessions = self.store.sql("DELETE FROM staff_sessions WHERE user_id = ?")

        def job(conn: Any) -> None:
            cur = conn.cursor()
            cur.execute(sql_user, (password_hash, stamp(now), user.id))
            cur.execute(sql_sessions, (user.id,))

        self._write(job)
        return True

    # -- sessions (only a hash of the token is kept, so a copy of the database opens no session)

    def add_session(self, token_hash: str, user_id: int, csrf: str, now: dt.datetime, expires: dt.datetime) -> None:
        self._exec(
            "INSERT INTO staff_sessions (token_hash, user_id, csrf, created, expires) VALUES (?, ?, ?, ?, ?)",
            (token_hash, user_id, csrf, stamp(now), stamp(expires)),
        )

    def session(self, token_hash: str, now: dt.datetime) -> tuple[StaffUser, str] | None:
        rows = self.store.query(
            "SELECT u.id, u.name, u.role, u.org, u.created, u.password_changed, s.csrf "
            "FROM staff_sessions s JOIN staff_users u ON u.id = s.user_id "
            "WHERE s.token_hash = ? AND s.expires > ?",
            (token_hash, stamp(now)),
        )
        if not rows:
            return None
        return StaffUser(*rows[0][:6]), str(rows[0][6])

    def end_session(self, token_hash: str) -> None:
        self._exec("DELETE FROM staff_sessions WHERE token_hash = ?", (token_hash,))

    def purge_sessions(self, now: dt.datetime) -> int:
        return self._exec("DELETE FROM staff_sessions WHERE expires <= ?", (stamp(now),))

    # -- failed logins, keyed by a keyed hash of the name typed (which may be a mistyped password)

    def begin_attempt(self, name_key: str, now: dt.datetime, lock_for: Callable[[int], int]) -> tuple[bool, str]:
        """Counts a login attempt as failed before its password is checked: (allowed, locked_until).

        Counting first, in one transaction with the lock, is what bounds parallel guesses:
        if attempts only counted after the slow password check, many could read the same
        count at once and all be checked. The upsert takes the row's write lock (SQLite's
        database lock, PostgreSQL's row lock), so attempts from every worker and server
        queue on it; one that finds the name locked changes nothing. ``lock_for(n)`` is how
        many seconds the n-th counted attempt locks the name for (0: no lock); a right
        password clears both with ``clear_failures``.
        """
        insert = self.store.sql(
            "INSERT INTO login_failures (name_key, failures, locked_until) VALUES (?, 1, '') "
            "ON CONFLICT (name_key) DO UPDATE SET failures = login_failures.failures + 1 "
            "WHERE login_failures.locked_until <= ?"
        )
        read = self.store.sql("SELECT failures, locked_until FROM login_failures WHERE name_key = ?")
        lock = self.store.sql("UPDATE login_failures SET locked_until = ? WHERE name_key = ?")

        def job(conn: Any) -> tuple[bool, str]:
            cur = conn.cursor()
            cur.execute(insert, (name_key, stamp(now)))
            counted = cur.rowcount == 1
            cur.execute(read, (name_key,))
            failures, locked_until = cur.fetchone()
            if not counted:
                return False, str(locked_until)
            seconds = lock_for(int(failures))
            if seconds:
                cur.execute(lock, (stamp(now + dt.timedelta(seconds=seconds)), name_key))
            return True, ""

        return tuple(self._write(job))  # type: ignore[return-value]

    def clear_failures(self, name_key: str) -> None:
        self._exec("DELETE FROM login_failures WHERE name_key = ?", (name_key,))

    # -- organisation policies set on the admin page

    def org_policies(self) -> list[OrgPolicyRow]:
        rows = self.store.query("SELECT org, name, feedback, search_logging, updated, updated_by FROM org_policies ORDER BY org")
        return [OrgPolicyRow(r[0], r[1], bool(r[2]), bool(r[3]), r[4], r[5]) for r in rows]

    def set_org_policy(self, org: str, name: str, feedback: bool, search_logging: bool, now: dt.datetime, by: str) -> None:
        self._exec(
            "INSERT INTO org_policies (org, name, feedback, search_logging, updated, updated_by) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (org) DO UPDATE SET name = excluded.name, feedback = excluded.feedback, "
            "search_logging = excluded.search_logging, updated = excluded.updated, updated_by = excluded.updated_by",
            (org, name, int(feedback), int(search_logging), stamp(now), by),
        )

    # -- synonym suggestions a writer accepted or dismissed

    def synonym_decisions(self) -> dict[tuple[str, str, str], str]:
        rows = self.store.query("SELECT locale, from_query, to_query, decision FROM synonym_decisions")
        return {(r[0], r[1], r[2]): r[3] for r in rows}

    def decide_synonym(self, locale: str, from_query: str, to_query: str, decision: str, now: dt.datetime, by: str) -> None:
        self._exec(
            "INSERT INTO synonym_decisions (locale, from_query, to_query, decision, decided, decided_by) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (locale, from_query, to_query) DO UPDATE SET decision = excluded.decision, "
            "decided = excluded.decided, decided_by = excluded.decided_by",
            (locale, from_query, to_query, decision, stamp(now), by),
        )

    # -- job leases: one runner at a time across workers and servers

    def take_lease(self, name: str, holder: str, now: dt.datetime, until: dt.datetime) -> bool:
        """Takes or renews a lease; True if ``holder`` holds it afterwards."""
        self._exec(
            "INSERT INTO job_leases (name, holder, expires) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires = excluded.expires "
            "WHERE job_leases.expires < ? OR job_leases.holder = excluded.holder",
            (name, holder, stamp(until), stamp(now)),
        )
        rows = self.store.query("SELECT holder FROM job_leases WHERE name = ?", (name,))
        return bool(rows) and rows[0][0] == holder

    def lease_done(self, name: str) -> str:
        rows = self.store.query("SELECT last_done FROM job_leases WHERE name = ?", (name,))
        return str(rows[0][0]) if rows else ""

    def mark_done(self, name: str, done: str) -> None:
        self._exec("UPDATE job_leases SET last_done = ? WHERE name = ?", (done, name))

    # -- one organisation's feedback, as exported (never the visitor hash)

    def org_feedback(self, org: str, since: str, until: str, limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
        fields = EXPORT_FIELDS["feedback"]
        statement = (
            f"SELECT {', '.join(fields)} FROM feedback WHERE org = ? AND day >= ? AND day <= ? "
            "ORDER BY hour DESC, id DESC"
        )
        params: tuple[Any, ...] = (org, since, until)
        if limit is not None:
            statement += " LIMIT ? OFFSET ?"
            params += (limit, offset)
        rows = []
        for row in self.store.query(statement, params):
            record = dict(zip(fields, row))
            record["helpful"] = bool(record["helpful"])
            record["reasons"] = json.loads(record["reasons"])
            rows.append(record)
        return rows

    def org_feedback_count(self, org: str, since: str, until: str) -> int:
        rows = self.store.query("SELECT COUNT(*) FROM feedback WHERE org = ? AND day >= ? AND day <= ?", (org, since, until))
        return int(rows[0][0])

    def feedback_orgs(self) -> list[str]:
        return [r[0] for r in self.store.query("SELECT DISTINCT org FROM feedback WHERE org <> '' ORDER BY org")]

    # -- one article's scrubbed comments, newest first

    def article_comments(self, article_id: str, since: str, until: str, locale: str | None, limit: int, offset: int) -> tuple[int, list[dict[str, Any]]]:
        where = "article_id = ? AND comment IS NOT NULL AND comment <> '' AND day >= ? AND day <= ?"
        params: tuple[Any, ...] = (article_id, since, until)
        if locale:
            where += " AND locale = ?"
            params += (locale,)
        total = int(self.store.query(f"SELECT COUNT(*) FROM feedback WHERE {where}", params)[0][0])
        fields = ("hour", "locale", "revision", "helpful", "reasons", "comment", "client_name", "os_family")
        rows = []
        for row in self.store.query(
            f"SELECT {', '.join(fields)} FROM feedback WHERE {where} ORDER BY hour DESC, id DESC LIMIT ? OFFSET ?",
            params + (limit, offset),
        ):
            record = dict(zip(fields, row))
            record["helpful"] = bool(record["helpful"])
            record["reasons"] = json.loads(record["reasons"])
            rows.append(record)
        return total, rows
