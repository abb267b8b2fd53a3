"""Settings: declared once as data, read from the environment, refused clearly when wrong."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpsvc.cli import cli
from helpsvc.settings import SETTINGS, Settings, SettingsError


def test_every_declared_setting_is_a_field_with_the_same_default() -> None:
    fields = {f.name: f for f in dataclasses.fields(Settings)}
    assert set(fields) == {s.name for s in SETTINGS}
    defaults = Settings()
    loaded = Settings.load(env={})
    for setting in SETTINGS:
        expected = setting.cast(setting.default) if isinstance(setting.default, str) else setting.default
        assert getattr(defaults, setting.name) == expected == getattr(loaded, setting.name), setting.name
        assert setting.help.strip(), f"{setting.name} has no help line"


def test_environment_overrides_and_options_win() -> None:
    env = {"HELPSVC_PORT": "9000", "HELPSVC_LOG_JSON": "yes", "HELPSVC_LOCALES": "en-US, fr-FR", "HELPSVC_INDEX_DIR": "/x"}
    settings = Settings.load(env=env, port=9100)
    assert settings.port == 9100 and settings.log_json is True
    assert settings.locales == ("en-US", "fr-FR") and settings.index_dir == Path("/x")


@pytest.mark.parametrize("name, value", [("HELPSVC_PORT", "eighty"), ("HELPSVC_LOG_JSON", "maybe"), ("HELPSVC_K_THRESHOLD", "1.5")])
def test_bad_values_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.load(env={name: value})


def test_the_cli_reports_a_bad_setting_without_a_traceback() -> None:
    result = CliRunner().invoke(cli, ["check"], env={"HELPSVC_PORT": "eighty"})
    assert result.exit_code == 2 and "HELPSVC_PORT" in result.output and "Traceback" not in result.output
