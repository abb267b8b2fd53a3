"""Settings, declared as data and read once.

Each setting has a name, a default and a help line. Values come from keyword
overrides (the CLI), then ``HELPSVC_<NAME>`` environment variables, then the
default. The result is one frozen ``Settings`` object handed to ``create_app``.
"""

from __future__ import annotations

import dataclasses
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable


class SettingsError(ValueError):
    """A setting has a value that cannot be used."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    cast: Callable[[str], Any] = str


def _bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected true/false, got {value!r}")


def _locales(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


SETTINGS: tuple[Setting, ...] = (
    Setting("content_dir", "content", "Folder of Markdown articles (one sub-folder per locale).", Path),
    Setting("index_dir", "indexes", "Folder holding index builds and the CURRENT pointer.", Path),
    Setting("database_url", "sqlite:///var/helpsvc.db", "Where feedback and events are stored: sqlite:///PATH or postgresql://...", str),
    Setting("host", "127.0.0.1", "Address the server listens on.", str),
    Setting("port", 8000, "Port the server listens on.", int),
    Setting("default_locale", "en-US", "Locale every article falls back to.", str),
    Setting("locales", ("en-US", "de-DE"), "Locales offered to readers, comma-separated.", _locales),
    Setting("site_name", "Relay Help", "Name shown in page titles.", str),
    Setting("per_page", 10, "Search results per page unless the request asks otherwise.", int),
    Setting("max_per_page", 50, "Largest page size a request may ask for.", int),
    Setting("index_check_seconds", 1.0, "How often a server looks for a new index build.", float),
    Setting("secret_key", "", "Key that signs staff sessions; generated and kept in var/ when empty.", str),
    Setting("k_threshold", 10, "Distinct daily visitors a query needs before reports show it.", int),
    Setting("event_retention_days", 30, "Days raw events are kept.", int),
    Setting("comment_retention_days", 90, "Days feedback comments are kept.", int),
    Setting("max_body_bytes", 65536, "Largest request body accepted.", int),
    Setting("log_json", False, "Write logs as JSON lines.", _bool),
    Setting("learning", True, "Let anonymised clicks and votes (from daily rollups) nudge search ranking.", _bool),
    Setting("frame_ancestors", "'self'", "Who may show help pages in a frame (CSP frame-ancestors), e.g. \"'self' https://portal.example\".", str),
    Setting("rate_limit_search", 120, "Searches per minute from one address; 0 turns the limit off.", int),
    Setting("rate_limit_feedback", 30, "Feedback posts per minute from one address; 0 turns the limit off.", int),
    Setting("rate_limit_suggest", 600, "Autocomplete requests per minute from one address; 0 turns the limit off.", int),
    Setting("feedback_daily_cap", 50, "Articles one visitor may rate per day; 0 turns the cap off.", int),
    Setting("feedback_min_seconds", 2.0, "Least time between showing the feedback form and its submission.", float),
    Setting("secret_key_file", "var/secret_key", "Where a generated secret key is kept (mode 0600) when secret_key is empty.", str),
    Setting("session_hours", 12.0, "Hours a staff login lasts.", float),
    Setting("password_time_cost", 3, "Argon2id passes per staff password hash.", int),
    Setting("password_memory_kib", 65536, "Argon2id memory per staff password hash, in KiB.", int),
    Setting("org_policy_file", "", "TOML or JSON file of organisation policies (feedback, search logging); empty for none.", str),
    Setting("rollup_interval_seconds", 300.0, "How often the server updates report rollups and purges expired data; 0 turns the job off.", float),
    Setting("scrubber_socket", "", "Unix socket of the node's scrubber process (helpsvc serve starts one and sets this for its workers); empty scrubs inside each process.", str),
    Setting("scrubber_timeout_seconds", 5.0, "How long a worker waits for the scrubber process before it drops the text it could not scrub.", float),
)


@dataclass(frozen=True)
class Settings:
    content_dir: Path = Path("content")
    index_dir: Path = Path("indexes")
    database_url: str = "sqlite:///var/helpsvc.db"
    host: str = "127.0.0.1"
    port: int = 8000
    default_locale: str = "en-US"
    locales: tuple[str, ...] = ("en-US", "de-DE")
    site_name: str = "Relay Help"
    per_page: int = 10
    max_per_page: int = 50
    index_check_seconds: float = 1.0
    secret_key: str = ""
    k_threshold: int = 10
    event_retention_days: int = 30
    comment_retention_days: int = 90
    max_body_bytes: int = 65536
    log_json: bool = False
    learning: bool = True
    frame_ancestors: str = "'self'"
    rate_limit_search: int = 120
    rate_limit_feedback: int = 30
    rate_limit_suggest: int = 600
    feedback_daily_cap: int = 50
    feedback_min_seconds: float = 2.0
    secret_key_file: str = "var/secret_key"
    session_hours: float = 12.0
    password_time_cost: int = 3
    password_memory_kib: int = 65536
    org_policy_file: str = ""
    rollup_interval_seconds: float = 300.0
    scrubber_socket: str = ""
    scrubber_timeout_seconds: float = 5.0

    @classmethod
    def load(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> "Settings":
        """Build settings from overrides, then HELPSVC_* variables, then defaults."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for setting in SETTINGS:
            if overrides.get(setting.name) is not None:
                raw: Any = overrides[setting.name]
            elif f"HELPSVC_{setting.name.upper()}" in env:
                raw = env[f"HELPSVC_{setting.name.upper()}"]
            else:
                raw = setting.default
            try:
                values[setting.name] = setting.cast(raw) if isinstance(raw, str) else raw
            except ValueError as exc:
                raise SettingsError(f"HELPSVC_{setting.name.upper()}: {exc}") from exc
        if isinstance(values["content_dir"], str):
            values["content_dir"] = Path(values["content_dir"])
        if isinstance(values["index_dir"], str):
            values["index_dir"] = Path(values["index_dir"])
        return cls(**values)

    def replace(self, **changes: Any) -> "Settings":
        return dataclasses.replace(self, **changes)


def secret_key(settings: Settings) -> str:
    """HELPSVC_SECRET_KEY, or a key generated once and kept (mode 0600) in ``secret_key_file``.

    Several servers sharing one database must share one key: set HELPSVC_SECRET_KEY on each.
    """
    if settings.secret_key:
        return settings.secret_key
    path = Path(settings.secret_key_file)
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    try:
        # O_EXCL: when several workers start at once, one writes the key and the others read it.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key
