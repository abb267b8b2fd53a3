"""What every command shares: the ``helpsvc`` group, settings from options, the store, dates."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import click

from ..settings import Settings, SettingsError

if TYPE_CHECKING:
    from ..store import SQLStore


def settings_from(**overrides: Any) -> Settings:
    try:
        return Settings.load(**{k: v for k, v in overrides.items() if v is not None})
    except SettingsError as exc:
        raise click.UsageError(str(exc)) from None


def db_url(db: str | None) -> str | None:
    from ..store import database_url_for

    return database_url_for(db) if db else None


@contextlib.contextmanager
def opened_store(settings: Settings) -> Iterator[SQLStore]:
    """The command's store, migrated, and closed when the block ends however it ends.

    A database that cannot be opened is a click error naming it, not a traceback.
    """
    from ..store import StoreError, open_store

    try:
        store = open_store(settings.database_url)
        store.migrate()
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    except Exception as exc:
        raise click.ClickException(f"cannot open the database at {settings.database_url}: {exc}") from None
    try:
        yield store
    finally:
        store.close()


def day_option(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(f"expected a date like 2026-01-31, got {value!r}", param_hint=name) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="helpsvc")
def cli() -> None:
    """helpsvc: a self-hosted help site with search and anonymised feedback.

    Example: helpsvc index && helpsvc serve
    """
