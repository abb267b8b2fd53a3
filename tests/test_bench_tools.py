"""The benchmark's own tools still fit the code they measure: they import, find the settings they
switch off and the caches they empty."""

from __future__ import annotations

import dataclasses
import importlib
import sys
from pathlib import Path

import pytest

from helpsvc.settings import Settings

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

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


@pytest.mark.parametrize("module", sorted(p.stem for p in BENCH.glob("*.py")))
def test_every_bench_module_imports(module: str) -> None:
    importlib.import_module(module)


def test_the_in_process_bench_can_empty_the_search_caches() -> None:
    from helpsvc.search import schema

    schema.words_analyzer()
    assert schema.words_analyzer.cache_info().currsize == 1
    importlib.import_module("inproc").forget_process_caches()
    assert schema.words_analyzer.cache_info().currsize == 0


def test_several_runs_are_summed_up_by_median_and_range(tmp_path: Path) -> None:
    from runs import main, table

    def run(zipf: float, met: bool, hello: float, rps: float) -> dict:
        return {"created": "t", "goals": [{"goal": "zipf ratio", "value": zipf, "met": met}],
                "http": {"runs": {"hello": {"rps": hello}, "hello-end": {"rps": hello}, "zipf": {"rps": rps}, "zipf-warmup": {"rps": 1}}}}

    text = table([run(0.5, False, 1000, 500), run(0.8, True, 1000, 800), run(0.6, False, 2000, 1200)])
    assert "| zipf ratio | 0.500 / 0.800 / 0.600 | 0.600 | 0.500 – 0.800 | 1 of 3 |" in text
    assert "| zipf | 500 / 800 / 1,200 | 800 | 500 – 1,200 | 0.600 |" in text
    assert "warmup" not in text
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(SystemExit, match="cannot read"):
        main([str(broken)])
