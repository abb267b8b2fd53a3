"""Settings: declared once as a dataclass, read from the environment, refused clearly when wrong."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpsvc.cli import cli
from helpsvc.settings import Settings, SettingsError


@pytest.mark.parametrize("spec", dataclasses.fields(Settings), ids=lambda spec: spec.name)
def test_every_setting_has_a_help_line_and_a_parser(spec: dataclasses.Field[object]) -> None:
    assert str(spec.metadata.get("help", "")).strip(), f"{spec.name} has no help line"
    assert callable(spec.metadata.get("cast")), f"{spec.name} has no parser for its HELPSVC_ variable"


def test_with_nothing_set_every_setting_is_its_default() -> None:
    assert Settings.load(env={}) == Settings()
    assert Settings.load(env={}).content_dir == Path("content")


def test_the_environment_beats_the_default() -> None:
    env = {"HELPSVC_PORT": "9000", "HELPSVC_LOG_JSON": "yes", "HELPSVC_LOCALES": "en-US, fr-FR", "HELPSVC_INDEX_DIR": "/x"}
    settings = Settings.load(env=env)
    assert settings.port == 9000 and settings.log_json is True
    assert settings.locales == ("en-US", "fr-FR") and settings.index_dir == Path("/x")


def test_an_override_beats_the_environment() -> None:
    env = {"HELPSVC_PORT": "9000", "HELPSVC_CONTENT_DIR": "from-env", "HELPSVC_HOST": "0.0.0.0"}
    settings = Settings.load(env=env, port=9100, content_dir="from-option", host=None)
    assert settings.port == 9100
    # Text from an option is parsed like text from the environment.
    assert settings.content_dir == Path("from-option")
    # An option left unset (None) does not hide the environment.
    assert settings.host == "0.0.0.0"


@pytest.mark.parametrize("name, value", [("HELPSVC_PORT", "eighty"), ("HELPSVC_LOG_JSON", "maybe"), ("HELPSVC_K_THRESHOLD", "1.5")])
def test_bad_values_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.load(env={name: value})


def test_a_bad_override_names_the_variable_too() -> None:
    with pytest.raises(SettingsError, match="HELPSVC_SESSION_HOURS"):
        Settings.load(env={}, session_hours="half a day")


def test_repr_hides_the_secrets_but_the_values_stay_readable() -> None:
    env = {"HELPSVC_SECRET_KEY": "key-7f3a9c", "HELPSVC_DATABASE_URL": "postgresql://help:pw-51d2e@db/help"}
    settings = Settings.load(env=env)
    shown = repr(settings)
    assert "key-7f3a9c" not in shown and "pw-51d2e" not in shown
    assert "site_name='Relay Help'" in shown
    assert settings.secret_key == "key-7f3a9c" and settings.database_url.endswith("@db/help")


def test_the_cli_reports_a_bad_setting_without_a_traceback() -> None:
    result = CliRunner().invoke(cli, ["check"], env={"HELPSVC_PORT": "eighty"})
    assert result.exit_code == 2 and "HELPSVC_PORT" in result.output and "Traceback" not in result.output
