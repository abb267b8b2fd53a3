"""Score the PII scrubber on labelled JSON Lines sets with the shared scorer.

Usage:
    python eval/pii.py [DATASET.jsonl ...] [--details] [--through-api]

Without a dataset it scores the five sets we keep apart: ``../shared/eval/pii_dev.jsonl``
(the set the detectors were first built on), ``../shared/eval/pii_dev2.jsonl`` (other
languages and hard English), ``eval/pii_dev3.jsonl`` (every type) and ``eval/pii_dev4.jsonl``
(names above all), both written from the labelling format alone and then read to find kinds
of failure, and ``eval/pii_blind.jsonl`` (written the same way by someone who never saw the
detectors; never read, never tuned on). For each set it
prints the scorer's per-type table, a line per language and the scrub times, then one
summary table; with a single dataset the scorer's ``leak=… keep=… n=…`` line comes last.

``--through-api`` measures what is really kept: it starts ``helpsvc serve`` (with its
scrubber process) on a loopback port with a fresh database, posts every text as the
comment of a feedback to ``POST /api/v1/feedback``, reads the comments back with
``helpsvc export feedback`` and scores those. A comment the service dropped counts as
fully scrubbed, as it is for a reader. Without the shared folder the script says so
and exits 0.

Example:
    .venv/bin/python eval/pii.py --details
    .venv/bin/python eval/pii.py ../shared/eval/pii_dev2.jsonl --through-api
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SETS = (
    ("dev", SHARED / "eval" / "pii_dev.jsonl"),
    ("dev2", SHARED / "eval" / "pii_dev2.jsonl"),
    ("dev3", REPO / "eval" / "pii_dev3.jsonl"),
    ("dev4", REPO / "eval" / "pii_dev4.jsonl"),
    ("blind", REPO / "eval" / "pii_blind.jsonl"),
)
SCORER = SHARED / "tools" / "score_pii.py"
HELPSVC = Path(sys.executable).with_name("helpsvc")

sys.path.insert(0, str(REPO))

from helpsvc.privacy import Scrubber, ScrubError  # noqa: E402


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="eval/pii.py", description=__doc__.split("\n\n")[0],
        epilog="Without DATASET: the dev, dev2, dev3, dev4 and blind sets. --details is never given for the blind set.",
    )
    parser.add_argument("datasets", nargs="*", type=Path, metavar="DATASET", help="labelled JSON Lines sets to score")
    parser.add_argument("--details", action="store_true", help="the scorer's per-text misses (dev sets only)")
    parser.add_argument("--through-api", action="store_true", help="post every text as feedback to a real server and score what it stored")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = _arguments(argv)
    named, through_api = args.datasets, args.through_api
    sets = [(path.stem, path) for path in named] if named else [(name, path) for name, path in SETS if path.exists()]
    if not SCORER.exists() or not sets or any(not path.exists() for _, path in sets):
        print(f"labelled sets or the scorer not found ({SCORER}, {', '.join(str(p) for _, p in sets) or 'no set'}); "
              "nothing to score.")
        return 0
    scrub = _api_scrubber() if through_api else _in_process()
    summary: list[tuple[str, str, str]] = []
    for name, path in sets:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        print(f"\n=== {name}: {path} ({len(rows)} texts, {'through the API' if through_api else 'in process'})")
        scrubbed, timings = scrub(rows)
        # The held-out set is a measurement only: its per-text misses are never shown.
        report = _score(path, scrubbed, args.details and "blind" not in path.name)
        print("\n".join(report[:-1]))
        for lang, line in _per_language(rows, scrubbed):
            print(f"lang={lang:<6} {line}")
            summary.append((name, lang, line))
        if timings:
            print(f"scrub time per text: median {statistics.median(timings) * 1e6:,.0f} µs, "
                  f"max {max(timings) * 1e6:,.0f} µs ({len(rows) / sum(timings):,.0f} texts/s)")
        summary.append((name, "all", report[-1] if report else "no score"))
        if len(sets) == 1 and report:
            print(report[-1])
    if not through_api:
        _speed()
    if len(sets) > 1:
        print("\nsummary")
        for name, lang, line in summary:
            print(f"  {name:<6} {lang:<6} {line}")
    return 0


def _in_process():
    scrubber = Scrubber()

    def scrub(rows: list[dict]) -> tuple[dict[str, str], list[float]]:
        for row in rows[:10]:  # warm-up: compile caches, first-touch of the word lists
            _safe_scrub(scrubber, row.get("text", ""))
        out: dict[str, str] = {}
        timings: list[float] = []
        for row in rows:
            started = time.perf_counter()
            out[row["id"]] = _safe_scrub(scrubber, row.get("text", ""))
            timings.append(time.perf_counter() - started)
        return out, timings

    return scrub


# Inputs that once made regular expressions backtrack or loops run long.
HOSTILE = (
    "a" * 10_000, "1 " * 5_000, "A-" * 5_000, "a.b" * 3_000,
    ("Colm Fitzgerald jo@example.com +44 20 7946 0877 " * 200)[:10_000],
    "\x00\x01\x02\x1b[31m\x7f\u200b\u202e" * 500,
)


def _speed() -> None:
    """Scrub time of a short query and the worst hostile input, in this run and as a ratio."""
    scrubber = Scrubber()
    query = "teams meeting audio not working today"
    for _ in range(50):
        scrubber.scrub(query)
    timings = []
    for _ in range(300):
        started = time.perf_counter()
        scrubber.scrub(query)
        timings.append(time.perf_counter() - started)
    short = statistics.median(timings)
    worst = 0.0
    for text in HOSTILE:
        started = time.perf_counter()
        _safe_scrub(scrubber, text)
        worst = max(worst, time.perf_counter() - started)
    print(f"\nshort query: median {short * 1e6:,.0f} µs; worst hostile input of 10,000 characters: "
          f"{worst * 1e3:,.0f} ms ({worst / short:,.0f}× the short query)")


def _safe_scrub(scrubber: Scrubber, text: str) -> str:
    try:
        return scrubber.scrub(text)
    except ScrubError:
        return ""  # fail closed, as the service does: the text is dropped


def _api_scrubber():
    def scrub(rows: list[dict]) -> tuple[dict[str, str], list[float]]:
        with tempfile.TemporaryDirectory() as tmp, _Server(Path(tmp)) as server:
            ids: dict[str, str] = {}
            for n, row in enumerate(rows):
                ids[server.post_comment(row["text"], visitor=n)] = row["id"]
            exported = server.export_feedback()
        out = {row_id: "" for row_id in ids.values()}  # a dropped comment keeps nothing
        for record in exported:
            if record["id"] in ids:
                out[ids[record["id"]]] = record.get("comment") or ""
        return out, []

    return scrub


class _Server:
    """``helpsvc serve`` on a free loopback port, with a fresh index of content/ and a fresh database."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.db = f"sqlite:///{tmp / 'eval.db'}"
        self.env = {
            **os.environ,
            "HELPSVC_DATABASE_URL": self.db,
            "HELPSVC_INDEX_DIR": str(tmp / "index"),
            "HELPSVC_CONTENT_DIR": str(REPO / "content"),
            "HELPSVC_SECRET_KEY_FILE": str(tmp / "secret"),
            "HELPSVC_RATE_LIMIT_FEEDBACK": "0",
            "HELPSVC_FEEDBACK_DAILY_CAP": "0",
            "HELPSVC_FEEDBACK_MIN_SECONDS": "0",
            "HELPSVC_ROLLUP_INTERVAL_SECONDS": "0",
        }

    def __enter__(self) -> _Server:
        subprocess.run([str(HELPSVC), "index"], env=self.env, check=True, capture_output=True)
        self.process = subprocess.Popen([str(HELPSVC), "serve", "--port", str(self.port)], env=self.env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if json.loads(self._get("/readyz")).get("status") == "ready":
                    break
            except OSError:
                time.sleep(0.3)
        else:
            raise SystemExit("helpsvc serve did not become ready within 60 s")
        home = json.loads(self._get("/api/v1/home"))
        self.article = (home.get("popular") or [{}])[0].get("id") or "screen-share"
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)

    def _get(self, path: str) -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=10) as response:
            return response.read().decode("utf-8")

    def post_comment(self, text: str, visitor: int) -> str:
        """Posts a comment as a reader of its own: a second vote from one reader on one article replaces the first."""
        body = json.dumps({"article_id": self.article, "helpful": False, "comment": text[:2000]}).encode("utf-8")
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/api/v1/feedback", data=body,
                                         headers={"content-type": "application/json", "user-agent": f"pii-eval/{visitor}"},
                                         method="POST")
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())["id"]

    def export_feedback(self) -> list[dict]:
        done = subprocess.run([str(HELPSVC), "export", "feedback", "--format", "jsonl", "--db", self.db],
                              env=self.env, check=True, capture_output=True, text=True)
        return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def _score(dataset: Path, scrubbed: dict[str, str], details: bool) -> list[str]:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as out:
        for row_id, text in scrubbed.items():
            out.write(json.dumps({"id": row_id, "text": text}, ensure_ascii=False) + "\n")
    try:
        cmd = [sys.executable, str(SCORER), str(dataset), out.name] + (["--details"] if details else [])
        result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    finally:
        Path(out.name).unlink(missing_ok=True)
    if result.stderr:
        print(result.stderr, end="", file=sys.stderr)
    return result.stdout.rstrip("\n").splitlines()


def _per_language(rows: list[dict], scrubbed: dict[str, str]) -> list[tuple[str, str]]:
    """The scorer's summary line for the texts of each language, when a set has several."""
    by_lang: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_lang[row.get("lang", "en")].append(row)
    if len(by_lang) < 2:
        return []
    lines = []
    for lang, subset in sorted(by_lang.items(), key=lambda item: (-len(item[1]), item[0])):
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as part:
            for row in subset:
                part.write(json.dumps(row, ensure_ascii=False) + "\n")
        try:
            report = _score(Path(part.name), {row["id"]: scrubbed[row["id"]] for row in subset}, False)
        finally:
            Path(part.name).unlink(missing_ok=True)
        lines.append((lang, report[-1] if report else "no score"))
    return lines


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
