"""Score the PII scrubber on a labelled JSON Lines set with the shared scorer.

Usage:
    python eval/pii.py [DATASET.jsonl] [--details]

DATASET defaults to ../shared/eval/pii_dev.jsonl next to the repository. The scrubbed
texts go to a temporary file, ../shared/tools/score_pii.py scores them, and its report
is printed followed by the scrub throughput. Without the shared folder the script says
so and exits 0.

Example:
    .venv/bin/python eval/pii.py --details
"""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DEFAULT_DATASET = SHARED / "eval" / "pii_dev.jsonl"
SCORER = SHARED / "tools" / "score_pii.py"

sys.path.insert(0, str(REPO))

from helpsvc.privacy import Scrubber, ScrubError  # noqa: E402


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    details = "--details" in argv
    dataset = Path(args[0]) if args else DEFAULT_DATASET
    if not dataset.exists() or not SCORER.exists():
        print(f"shared eval data not found ({dataset} / {SCORER}); nothing to score.")
        return 0

    rows = [json.loads(line) for line in dataset.read_text(encoding="utf-8").splitlines() if line.strip()]
    scrubber = Scrubber()
    for row in rows[:10]:  # warm-up: compile caches, first-touch of the word lists
        _safe_scrub(scrubber, row.get("text", ""))

    timings: list[float] = []
    started = time.perf_counter()
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as out:
        for row in rows:
            t0 = time.perf_counter()
            text = _safe_scrub(scrubber, row.get("text", ""))
            timings.append(time.perf_counter() - t0)
            out.write(json.dumps({"id": row["id"], "text": text}, ensure_ascii=False) + "\n")
        scrubbed_path = out.name
    elapsed = time.perf_counter() - started

    cmd = [sys.executable, str(SCORER), str(dataset), scrubbed_path] + (["--details"] if details else [])
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    Path(scrubbed_path).unlink(missing_ok=True)
    if result.stderr:
        print(result.stderr, end="", file=sys.stderr)
    report = result.stdout.rstrip("\n").splitlines()
    # Keep the scorer's summary line last, as tools that read this output expect.
    print("\n".join(report[:-1]))
    print(
        f"throughput: {len(rows) / elapsed:,.0f} texts/s  "
        f"(median {statistics.median(timings) * 1e6:,.0f} µs, max {max(timings) * 1e6:,.0f} µs per text)"
    )
    if report:
        print(report[-1])
    return 0


def _safe_scrub(scrubber: Scrubber, text: str) -> str:
    try:
        return scrubber.scrub(text)
    except ScrubError:
        return ""  # fail closed, as the service does: the text is dropped


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
