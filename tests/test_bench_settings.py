"""The benchmark reads the settings' own declarations to keep limits out of its measurements."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from helpsvc.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from server import bench_overrides  # noqa: E402


def test_every_rate_limit_and_the_daily_cap_are_off_in_the_benchmark() -> None:
    overrides = bench_overrides()
    limits = [f.name for f in dataclasses.fields(Settings) if f.name.startswith("rate_limit") or f.name.endswith("_cap")]
    assert limits
    for name in limits:
        assert overrides[f"HELPSVC_{name.upper()}"] == "0", name
    # And the values are ones the settings accept.
    settings = Settings.load(env=overrides)
    assert all(getattr(settings, name) == 0 for name in limits)
