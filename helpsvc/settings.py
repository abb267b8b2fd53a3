"""Settings, declared once as a frozen dataclass and read once.

Each field of ``Settings`` is one setting: its default, and in its metadata (see
``about``) a help line and the cast that parses it from text. A secret has
``repr=False``, so printing the settings never shows it. Values come from keyword
overrides (the CLI), then ``HELPSVC_<NAME>`` environment variables, then the
default. The result is one frozen ``Settings`` object handed to ``create_app``;
anything that lists the settings reads ``dataclasses.fields(Settings)``.
"""

from __future__ import annotations

import dataclasses
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class SettingsError(ValueError):
    """A setting has a value that cannot be used."""


def _bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected true/false, got {value!r}")


def _locales(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def about(help: str, cast: Callable[[str], Any] = str) -> dict[str, Any]:
    """A setting's field metadata: its help line, and how to read it from text."""
    return {"help": help, "cast": cast}


def env_name(spec: dataclasses.Field[Any]) -> str:
    """The environment variable that sets this field."""
    return f"HELPSVC_{spec.name.upper()}"


@dataclass(frozen=True)
class Settings:
    content_dir: Path = field(default=Path("content"), metadata=about("Folder of Markdown articles (one sub-folder per locale).", Path))
    index_dir: Path = field(default=Path("indexes"), metadata=about("Folder holding index builds and the CURRENT pointer.", Path))
    # A PostgreSQL URL may carry a password, so it stays out of repr() like the key.
    database_url: str = field(default="sqlite:///var/helpsvc.db", repr=False, metadata=about("Where feedback and events are stored: sqlite:///PATH or postgresql://..."))
    host: str = field(default="127.0.0.1", metadata=about("Address the server listens on."))
    port: int = field(default=8000, metadata=about("Port the server listens on.", int))
    default_locale: str = field(default="en-US", metadata=about("Locale every article falls back to."))
    locales: tuple[str, ...] = field(default=("en-US", "de-DE", "fr-FR"), metadata=about("Locales offered to readers, comma-separated.", _locales))
    site_name: str = field(default="Relay Help", metadata=about("Name shown in page titles."))
    per_page: int = field(default=10, metadata=about("Search results per page unless the request asks otherwise.", int))
    max_per_page: int = field(default=50, metadata=about("Largest page size a request may ask for.", int))
    index_check_seconds: float = field(default=1.0, metadata=about("How often a server looks for a new index build.", float))
    secret_key: str = field(default="", repr=False, metadata=about("Key that signs staff sessions; generated and kept in var/ when empty."))
    k_threshold: int = field(default=10, metadata=about("Distinct daily visitors a query needs before reports show it.", int))
    event_retention_days: int = field(default=30, metadata=about("Days raw events are kept.", int))
    comment_retention_days: int = field(default=90, metadata=about("Days feedback comments are kept.", int))
    max_body_bytes: int = field(default=65536, metadata=about("Largest request body accepted.", int))
    log_json: bool = field(default=False, metadata=about("Write logs as JSON lines.", _bool))
    learning: bool = field(default=True, metadata=about("Let anonymised clicks and votes (from daily rollups) nudge search ranking.", _bool))
    frame_ancestors: str = field(default="'self'", metadata=about("Who may show help pages in a frame (CSP frame-ancestors), e.g. \"'self' https://portal.example\"."))
    rate_limit_search: int = field(default=120, metadata=about("Searches per minute from one address; 0 turns the limit off.", int))
    rate_limit_feedback: int = field(default=30, metadata=about("Feedback posts per minute from one address; 0 turns the limit off.", int))
    rate_limit_suggest: int = field(default=600, metadata=about("Autocomplete requests per minute from one address; 0 turns the limit off.", int))
    feedback_daily_cap: int = field(default=50, metadata=about("Articles one visitor may rate per day; 0 turns the cap off.", int))
    feedback_min_seconds: float = field(default=2.0, metadata=about("Least time between showing the feedback form and its submission.", float))
    secret_key_file: str = field(default="var/secret_key", metadata=about("Where a generated secret key is kept (mode 0600) when secret_key is empty."))
    session_hours: float = field(default=12.0, metadata=about("Hours a staff login lasts.", float))
    password_time_cost: int = field(default=3, metadata=about("Argon2id passes per staff password hash.", int))
    password_memory_kib: int = field(default=65536, metadata=about("Argon2id memory per staff password hash, in KiB.", int))
    org_policy_file: str = field(default="", metadata=about("TOML or JSON file of organisation policies (feedback, search logging); empty for none."))
    rollup_interval_seconds: float = field(default=300.0, metadata=about("How often the server updates report rollups and purges expired data; 0 turns the job off.", float))
    scrubber_socket: str = field(default="", metadata=about("Unix socket of the node's scrubber process (helpsvc serve starts one and sets this for its workers); empty scrubs inside each process."))
    scrubber_timeout_seconds: float = field(default=5.0, metadata=about("How long a worker waits for the scrubber process before it drops the text it could not scrub.", float))

    @classmethod
    def load(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from overrides, then HELPSVC_* variables, then defaults."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for spec in dataclasses.fields(cls):
            variable = env_name(spec)
            if overrides.get(spec.name) is not None:
                raw: Any = overrides[spec.name]
            elif variable in env:
                raw = env[variable]
            else:
                raw = spec.default
            try:
                # Text (from the environment or a CLI option) is parsed; typed values are taken as given.
                values[spec.name] = spec.metadata["cast"](raw) if isinstance(raw, str) else raw
            except ValueError as exc:
                raise SettingsError(f"{variable}: {exc}") from exc
        return cls(**values)

    def replace(self, **changes: Any) -> Settings:
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
