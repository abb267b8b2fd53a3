"""The switches CI sets so that a missing server or browser fails the run instead of skipping quietly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run_one_postgres_test(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("HELPSVC_TEST_POSTGRES_URL", "HELPSVC_REQUIRE_POSTGRES")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--no-cov",
         "tests/test_retention.py::test_rare_query_strings_fold_into_counts_when_raw_events_expire[postgresql]"],
        cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=120,
    )


def test_postgres_tests_skip_without_a_server_unless_required() -> None:
    skipped = _run_one_postgres_test()
    assert skipped.returncode == 0 and "1 skipped" in skipped.stdout, skipped.stdout
    required = _run_one_postgres_test(HELPSVC_REQUIRE_POSTGRES="1")
    assert required.returncode != 0 and "HELPSVC_REQUIRE_POSTGRES=1" in required.stdout, required.stdout
