"""Several full bench runs side by side: the median and the spread of every goal and rate.

    python bench/runs.py RUN1.json RUN2.json RUN3.json

Each file is what ``bench/run.py --json`` wrote. One run on a shared machine says
little: this prints, for every goal the runs checked, its value in each run, the
median, the range and how many runs met it, then each HTTP scenario's requests per
second (absolute, and as a ratio to the same run's hello-world).
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path
from typing import Any


def _load(paths: list[Path]) -> list[dict[str, Any]]:
    runs = []
    for path in paths:
        try:
            runs.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            raise SystemExit(f"cannot read {path}: {exc}; give the files bench/run.py --json wrote") from None
    return runs


def _row(name: str, values: list[float], digits: int = 3) -> str:
    each = " / ".join(f"{v:,.{digits}f}" for v in values)
    return (f"| {name} | {each} | {statistics.median(values):,.{digits}f} | "
            f"{min(values):,.{digits}f} – {max(values):,.{digits}f} |")


def table(runs: list[dict[str, Any]]) -> str:
    lines = [f"{len(runs)} runs: " + ", ".join(str(r.get("created", "?")) for r in runs), "",
             "| figure | each run | median | range | met |", "| --- | --- | --- | --- | --- |"]
    goals: dict[str, list[tuple[float, bool]]] = {}
    for run in runs:
        for goal in run.get("goals", []):
            goals.setdefault(goal["goal"], []).append((float(goal["value"]), bool(goal["met"])))
    for name, found in goals.items():
        met = sum(ok for _, ok in found)
        lines.append(_row(name, [v for v, _ in found]) + f" {met} of {len(found)} |")
    lines += ["", "| scenario | req/s, each run | median | range | median ratio to hello-world |", "| --- | --- | --- | --- | --- |"]
    scenarios: dict[str, list[tuple[float, float]]] = {}
    for run in runs:
        http = (run.get("http") or {}).get("runs") or {}
        hello = [http[k]["rps"] for k in ("hello", "hello-end") if k in http and http[k].get("rps")]
        base = statistics.mean(hello) if hello else 0.0
        for name, result in http.items():
            if name.endswith("-warmup") or not result.get("rps"):
                continue
            scenarios.setdefault(name, []).append((float(result["rps"]), result["rps"] / base if base else 0.0))
    for name, found in scenarios.items():
        lines.append(_row(name, [r for r, _ in found], 0) + f" {statistics.median(x for _, x in found):.3f} |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help"}:
        print(__doc__)
        return 0 if argv else 2
    print(table(_load([Path(a) for a in argv])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
