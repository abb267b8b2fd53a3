"""helpsvc benchmark suite (issue #6): the real server under HTTP load, and in-process search,
each figure beside a baseline measured in the same run.

    .venv/bin/python bench/run.py --shared ../shared [--duration 10] [--connections 32]
                                  [--only zipf,article,...] [--json bench/results/latest.json]
                                  [--skip-build] [--index DIR] [--workers 1]

See bench/README.md for what each scenario does and how to read the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

if __package__ in (None, ""):  # run as a script: make `bench` importable as a package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "bench"

from bench import load as loadgen  # noqa: E402
from bench.corpus import Corpus, QuerySets, make_query_sets  # noqa: E402
from bench.server import Server  # noqa: E402

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
HTTP_SCENARIOS = ("zipf", "distinct-short", "distinct-long", "article", "feedback")
OTHER_SCENARIOS = ("search", "build", "reindex", "traps")
ALL = HTTP_SCENARIOS + OTHER_SCENARIOS

GOALS = {
    "zipf_rps": 0.7,
    "article_rps": 0.7,
    "feedback_rps": 0.2,
    "distinct_p99_over_p50": 5.0,  # no query that costs many times the others
    "short_vs_naive": 0.2,
    "long_vs_fts5": 1.0,
    "reindex_vs_full": 0.05,
    "rss_mb": 150.0,
    "mrr_tolerance": 0.0005,  # "no loss": #2's recorded figure, up to float rounding
}

COMMENTS = [
    "The steps worked once I restarted the client.",
    "Wrong screenshots. Call me on +44 20 7946 0958 or write to jane.doe@example.com if you need details.",
    "My name is John Smith and the sign-in page at 12 High Street office never showed the option.",
    "",
    "Too long; the PowerShell part lost me. Ticket 4411-2291 at our helpdesk has the log.",
]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- options


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--shared", type=Path, default=REPO.parent / "shared", help="the shared folder (corpus/, eval/)")
    p.add_argument("--duration", type=float, default=10.0, help="seconds per HTTP scenario (default 10)")
    p.add_argument("--connections", type=int, default=32, help="concurrent keep-alive connections (default 32)")
    p.add_argument("--only", default="", help=f"comma-separated subset of: {','.join(ALL)} "
                                               "(the hello-world baseline always runs with any HTTP scenario)")
    p.add_argument("--json", type=Path, default=BENCH / "results" / "latest.json", help="where to write the JSON")
    p.add_argument("--index", type=Path, default=BENCH / ".work" / "index",
                   help="index folder for the server (default bench/.work/index)")
    p.add_argument("--skip-build", action="store_true", help="reuse the index in --index if it has a CURRENT build")
    p.add_argument("--workers", type=int, default=1, help="server worker processes (default 1)")
    p.add_argument("--naive-queries", type=int, default=120,
                   help="known items timed with the (slow) naive Whoosh setup (default 120)")
    p.add_argument("--trap-queries", type=int, default=40,
                   help="long queries timed with OrGroup.factory(0.9) (default 40; 0 skips)")
    p.add_argument("--profile", type=Path, default=None, metavar="DIR",
                   help="sample the server with py-spy (must be on PATH) during each HTTP scenario; "
                        "raw stacks and a summary per scenario go to DIR (profiling slows the server: "
                        "figures from a profiled run are not comparable)")
    p.add_argument("--loadgen", choices=("auto", "wrk", "python"), default="auto",
                   help="load generator: wrk if installed (auto), or the Python asyncio client")
    args = p.parse_args(argv)
    wanted = [s.strip() for s in args.only.split(",") if s.strip()] or list(ALL)
    unknown = [s for s in wanted if s not in ALL]
    if unknown:
        p.error(f"unknown scenario(s) {unknown}; choose from {','.join(ALL)}")
    args.wanted = [s for s in ALL if s in wanted]
    return args


# ---------------------------------------------------------------- environment facts


def environment(tool: str) -> dict[str, Any]:
    from importlib.metadata import PackageNotFoundError, version

    def _version(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "?"

    info: dict[str, Any] = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "sqlite": sqlite3.sqlite_version,
        "whoosh": _version("Whoosh-Reloaded"),
        "uvicorn": _version("uvicorn"),
        "starlette": _version("starlette"),
        "loadgen": tool,
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
    }
    if tool == "wrk":
        out = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
        info["wrk"] = (out.stdout or out.stderr).splitlines()[0].strip() if (out.stdout or out.stderr) else "wrk"
    try:  # the commit measured, read from the files (no git command)
        head = (REPO / ".git" / "HEAD").read_text().strip()
        if head.startswith("ref: "):
            ref = REPO / ".git" / head[5:]
            info["commit"] = ref.read_text().strip()[:12] if ref.exists() else head[5:]
        else:
            info["commit"] = head[:12]
    except OSError:
        pass
    return info


# ---------------------------------------------------------------- HTTP


def search_path(q: str) -> str:
    return "/api/v1/search?q=" + quote_plus(q)


def feedback_bodies(sets: QuerySets) -> list[str]:
    from helpsvc.intake.feedback import NO_REASONS, YES_REASONS

    yes, no = list(YES_REASONS), list(NO_REASONS)
    bodies = []
    for i, article_id in enumerate(sets.article_ids):
        helpful = i % 3 != 0
        reasons = [(yes if helpful else no)[i % 5]]
        bodies.append(json.dumps({"article_id": article_id, "helpful": helpful, "reasons": reasons,
                                  "comment": COMMENTS[i % len(COMMENTS)]}))
    return bodies


def db_count(db_path: Path, sql: str) -> int:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


def stored_ids(db_path: Path) -> set[str]:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return {str(row[0]) for row in conn.execute("SELECT id FROM feedback")}
    finally:
        conn.close()


def http_scenarios(args: argparse.Namespace, sets: QuerySets, corpus_dir: Path, run_dir: Path,
                   tool: str) -> dict[str, Any]:
    wanted = [s for s in HTTP_SCENARIOS if s in args.wanted]
    threads = max(1, min(2, os.cpu_count() or 1, args.connections))
    db_path = run_dir / "bench.db"
    server = Server(args.index.resolve(), db_path, run_dir, corpus_dir.resolve(), workers=args.workers)
    out: dict[str, Any] = {"server_env": server.overrides, "connections": args.connections, "threads": threads,
                           "workers": args.workers, "duration": args.duration, "runs": {}}
    log(f"starting the server: helpsvc serve on 127.0.0.1:{server.port} "
        f"({args.workers} worker{'s' if args.workers != 1 else ''}); bench settings {server.overrides}")
    server.start()
    search_requests = 0
    try:
        # First requests (imports, the index, the scrubber's lists) are not part of any figure.
        server.get(search_path("zzbenchwarmup"))
        search_requests += 1
        out["rss_start"] = server.rss_mb()  # the index loaded, one search made, nothing cached yet
        out["scrubber_rss_start"] = server.scrubber_rss_mb()

        def go(name: str, mode: str, paths: list[str] | None = None, weights: list[float] | None = None,
               bodies: list[str] | None = None, warmup: float = 0.0) -> loadgen.Result:
            spec = loadgen.Spec(name=name, mode=mode, port=server.port, duration=args.duration,
                                connections=args.connections, threads=threads, paths=paths or [],
                                weights=weights or [], bodies=bodies or [])
            if warmup:
                log(f"  {name}: warm-up {warmup:.0f} s (not counted)")
                w = loadgen.run(loadgen.Spec(**{**spec.__dict__, "name": name + "-warmup", "duration": warmup}), tool)
                out["runs"][name + "-warmup"] = w.as_json()
            log(f"  {name}: {args.duration:.0f} s at {args.connections} connections ({tool})")
            spy = None
            if args.profile:
                from bench import profile

                args.profile.mkdir(parents=True, exist_ok=True)
                spy = profile.start(server.worker_pids()[0], args.duration, args.profile / f"{name}.txt")
                time.sleep(0.5)  # let py-spy attach before the load starts
            r = loadgen.run(spec, tool)
            if spy is not None:
                spy.wait(60)
                raw = args.profile / f"{name}.txt"
                if raw.exists():
                    (args.profile / f"{name}.top.txt").write_text(profile.summarise(raw), encoding="utf-8")
            r.distinct_paths = len(set(paths or [])) or len(bodies or [])
            log(f"    {r.requests} requests in {r.seconds:.1f} s: {r.rps:,.0f} req/s, p50 {r.p50_ms:.1f} ms, "
                f"p99 {r.p99_ms:.1f} ms, non-2xx {r.non_2xx}, errors {sum(r.errors.values())}")
            out["runs"][name] = r.as_json()
            return r

        go("hello", "fixed", ["/healthz"], warmup=2)
        if "distinct-short" in wanted:
            r = go("distinct-short", "once", [search_path(q) for q in sets.distinct_short])
            search_requests += r.requests
        if "distinct-long" in wanted:
            r = go("distinct-long", "once", [search_path(q) for q in sets.distinct_long])
            search_requests += r.requests
        if "zipf" in wanted:
            paths = [search_path(q) for q in sets.zipf_queries]
            r = go("zipf", "zipf", paths, sets.zipf_weights, warmup=2)
            search_requests += r.requests + out["runs"]["zipf-warmup"]["requests"]
        if any(s in wanted for s in ("zipf", "distinct-short", "distinct-long")):
            out["search_events"] = await_search_events(server, db_path, search_requests)
            ev = out["search_events"]
            log(f"  search events logged: {ev['logged']} for {search_requests} completed search requests"
                + (f", all within {ev['seconds']:.1f} s" if ev["all_logged"] else f" after {LOGGED_WITHIN_S:.0f} s; {ev['why']}"))
            out["rss_after_search"] = server.rss_mb()
            out["scrubber_rss_after_search"] = server.scrubber_rss_mb()
        if "article" in wanted:
            go("article", "cycle", sets.article_urls, warmup=2)
        if "feedback" in wanted:
            status, body = server.post_json("/api/v1/feedback", json.loads(feedback_bodies(sets)[0]),
                                            "helpsvc-bench/1.0 (warm-up)")
            if status != 201:
                raise RuntimeError(f"a feedback POST was refused ({status}): {body[:300]!r}")
            r = go("feedback", "feedback", bodies=feedback_bodies(sets))
            stored = stored_ids(db_path)
            acked = r.ids
            missing = [i for i in acked if i not in stored]
            out["feedback_check"] = {
                "acknowledged_201": len(acked),
                "distinct_ids": len(set(acked)),
                "stored_of_acknowledged": len(acked) - len(missing),
                "missing": missing[:20],
                "statuses": r.statuses,
            }
            log(f"  feedback: {len(acked)} acknowledged (201), {len(acked) - len(missing)} of them in the "
                f"feedback table; statuses {r.statuses}")
        go("hello-end", "fixed", ["/healthz"])
        out["rss_end"] = server.rss_mb()
        out["scrubber_rss_end"] = server.scrubber_rss_mb()
    finally:
        server.stop()
    return out


def traps_http(args: argparse.Namespace, corpus_dir: Path, run_dir: Path, tool: str) -> dict[str, Any]:
    """uvicorn --workers 2 with h11 vs httptools: hello-world latency on keep-alive connections."""
    out: dict[str, Any] = {}
    duration = max(3.0, args.duration / 2)
    for http in ("h11", "httptools"):
        folder = run_dir / f"trap-{http}"
        folder.mkdir()
        server = Server(args.index.resolve(), folder / "trap.db", folder, corpus_dir.resolve(), workers=2,
                        uvicorn_args=["--workers", "2", "--http", http, "--loop", "uvloop"])
        log(f"  trap: uvicorn --workers 2 --http {http} ({duration:.0f} s of hello-world)")
        server.start()
        try:
            spec = loadgen.Spec(name=f"trap-{http}", mode="fixed", port=server.port, duration=duration,
                                connections=args.connections, threads=max(1, min(2, os.cpu_count() or 1)),
                                paths=["/healthz"])
            before = server.cpu_seconds()
            r = loadgen.run(spec, tool)
            after = server.cpu_seconds()
            used = [after[p] - before.get(p, 0.0) for p in after]
            share = [round(u / sum(used), 3) if sum(used) else 0.0 for u in used]
            log(f"    {r.rps:,.0f} req/s, p50 {r.p50_ms:.1f} ms, p99 {r.p99_ms:.1f} ms; "
                f"CPU share per worker {share}")
            out[http] = {**r.as_json(), "worker_cpu_share": share}
        finally:
            server.stop()
    return out


# ---------------------------------------------------------------- the report


def _ms(x: float) -> str:
    return f"{x:,.1f} ms" if x >= 1 else f"{x:,.2f} ms"


def _ratio(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}×" if x < 0.1 else f"{x:.2f}×"


def _mark(met: bool | None) -> str:
    return "" if met is None else "✓" if met else "✗"


LOGGED_WITHIN_S = 2.0  # every search is in the events table this soon after the last response


def await_search_events(server: Any, db_path: Path, responses: int) -> dict[str, Any]:
    """Counts logged searches until all are in or LOGGED_WITHIN_S has passed; says why some are not."""
    started = time.monotonic()
    while True:
        logged = db_count(db_path, "SELECT COUNT(*) FROM events WHERE kind = 'search'")
        seconds = time.monotonic() - started
        if logged >= responses or seconds >= LOGGED_WITHIN_S:
            break
        time.sleep(0.1)
    found = {"responses": responses, "logged": logged, "all_logged": logged >= responses, "seconds": round(seconds, 2)}
    if not found["all_logged"]:
        status, body = server.get("/metrics")
        counters = {name: 0.0 for name in ("helpsvc_scrub_backlog_full_total", "helpsvc_events_dropped_total",
                                            "helpsvc_scrub_failures_total")}
        for line in body.decode("utf-8", "replace").splitlines() if status == 200 else []:
            name, _, value = line.partition(" ")
            if name in counters:
                counters[name] = float(value or 0)
        found["counters"] = counters
        found["why"] = (f"{responses - logged} not yet written (still queued for the scrubber or the writer); "
                        f"counters: " + ", ".join(f"{k} {v:.0f}" for k, v in counters.items()))
    return found


def build_report(res: dict[str, Any]) -> tuple[list[list[str]], list[dict[str, Any]]]:
    """Rows of the Markdown table and the goal checks."""
    rows: list[list[str]] = []
    goals: list[dict[str, Any]] = []

    def goal(name: str, value: float | None, op: str, target: float, row: list[str]) -> None:
        met = None if value is None else (value >= target if op == "≥" else value <= target)
        goals.append({"goal": name, "value": value, "target": f"{op} {target}", "met": met})
        row[4], row[5] = f"{op} {target:g}", _mark(met)

    http = res.get("http")
    if http:
        runs = http["runs"]
        hello_rps = (runs["hello"]["rps"] + runs["hello-end"]["rps"]) / 2
        hello_p50 = (runs["hello"]["p50_ms"] + runs["hello-end"]["p50_ms"]) / 2
        hello_p99 = (runs["hello"]["p99_ms"] + runs["hello-end"]["p99_ms"]) / 2
        rows.append(["hello-world `GET /healthz` (baseline: mean of start and end)",
                     f"{hello_rps:,.0f} req/s · p50 {_ms(hello_p50)} · p99 {_ms(hello_p99)}",
                     f"start {runs['hello']['rps']:,.0f} / end {runs['hello-end']['rps']:,.0f} req/s", "1.00×", "", ""])
        labels = {
            "zipf": ("1. search API, Zipf mix of ~500 short queries", "zipf_rps"),
            "distinct-short": ("2a. search API, distinct short queries", None),
            "distinct-long": ("2b. search API, distinct long (description) queries", None),
            "article": ("3. article page (HTML)", "article_rps"),
            "feedback": ("4. feedback POST (scrubbed, committed)", "feedback_rps"),
        }
        for name, (label, goal_key) in labels.items():
            r = runs.get(name)
            if not r:
                continue
            extra = f" ({r['requests']:,} requests, {r['distinct_paths']:,} distinct" + (
                f"; all sent in {r['seconds']:.1f} s" if r.get("exhausted") else "") + ")" if name != "feedback" else ""
            errors = r["non_2xx"] + sum(r["errors"].values())
            row = [f"{label}: req/s{extra}", f"{r['rps']:,.0f} req/s" + (f" ({errors} non-2xx/errors)" if errors else ""),
                   f"{hello_rps:,.0f} req/s", _ratio(r["rps"] / hello_rps), "", ""]
            if goal_key:
                extra_ok = True
                if name == "zipf" and "search_events" in http:
                    extra_ok = http["search_events"]["all_logged"]
                    row[0] += "; every search logged" if extra_ok else "; NOT every search logged"
                if name == "feedback" and "feedback_check" in http:
                    fc = http["feedback_check"]
                    extra_ok = fc["stored_of_acknowledged"] == fc["acknowledged_201"] and fc["acknowledged_201"] > 0
                    row[0] += f"; {fc['acknowledged_201']:,} acknowledged, {fc['stored_of_acknowledged']:,} stored"
                ratio = r["rps"] / hello_rps
                goal(f"{name}: req/s ≥ {GOALS[goal_key]} × hello-world" + (" (and all logged/stored)" if name in ("zipf", "feedback") else ""),
                     ratio if extra_ok else 0.0, "≥", GOALS[goal_key], row)
            rows.append(row)
            latency = [f"{label}: latency p50 / p99", f"{_ms(r['p50_ms'])} / {_ms(r['p99_ms'])}",
                       f"{_ms(hello_p50)} / {_ms(hello_p99)}",
                       f"{_ratio(r['p50_ms'] / hello_p50)} / {_ratio(r['p99_ms'] / hello_p99)}", "", ""]
            if name.startswith("distinct-") and r["p50_ms"] > 0:
                spread = r["p99_ms"] / r["p50_ms"]
                latency[0] += f" (p99 = {spread:.1f} × p50)"
                goal(f"{name}: p99 ≤ {GOALS['distinct_p99_over_p50']:.0f} × p50", spread, "≤", GOALS["distinct_p99_over_p50"], latency)
            rows.append(latency)
        rss = http.get("rss_after_search") or http.get("rss_end")
        if rss:
            # "At every point of the run": the highest resident size any worker reached (VmHWM), not one sample.
            worst = max(w[k] for point in ("rss_start", "rss_after_search", "rss_end") for w in http.get(point) or []
                        for k in ("rss_mb", "peak_rss_mb") if k in w)
            start = max(w["rss_mb"] for w in http["rss_start"])
            end = max(w["rss_mb"] for w in http["rss_end"])
            last = max(http["rss_end"], key=lambda w: w["rss_mb"])
            split = f" ({last['anon_mb']:,.0f} MB anonymous, {last['file_mb']:,.0f} MB file-backed)" if "anon_mb" in last else ""
            row = [f"resident memory per worker after the search scenarios ({len(rss)} worker{'s' if len(rss) > 1 else ''})",
                   f"{worst:,.0f} MB (peak {max(w['peak_rss_mb'] for w in rss):,.0f} MB)",
                   f"just after start (index loaded) {start:,.0f} MB; at the end {end:,.0f} MB{split}", "", "", ""]
            goal("memory: RSS per worker ≤ 150 MB at every point (peak)", worst, "≤", GOALS["rss_mb"], row)
            rows.append(row)
            scrubber = http.get("scrubber_rss_after_search") or http.get("scrubber_rss_end")
            if scrubber:
                start = (http.get("scrubber_rss_start") or scrubber)["rss_mb"]
                end = (http.get("scrubber_rss_end") or scrubber)["rss_mb"]
                rows.append(["resident memory of the scrubber process (one per node, shared by the workers)",
                             f"{scrubber['rss_mb']:,.0f} MB (peak {scrubber['peak_rss_mb']:,.0f} MB)",
                             f"just after start {start:,.0f} MB; at the end {end:,.0f} MB", "", "", ""])

    search = res.get("search")
    if search:
        for kind, key, base_name, target in (("short", "naive_subset", "naive Whoosh", GOALS["short_vs_naive"]),
                                             ("long", "fts5", "SQLite FTS5", GOALS["long_vs_fts5"])):
            s = search[kind]
            naive_n = s["naive"]["n"]
            if kind == "short":
                ours_c, ours_w, base = s["ours_cold_on_naive_subset"], s["ours_warm_on_naive_subset"], s["naive"]
                what = f"{naive_n} distinct short queries"
            else:
                ours_c, ours_w, base = s["ours_cold"], s["ours_warm"], s["fts5"]
                what = f"{ours_c['n']} distinct long queries"
            row = [f"in-process {kind}: p50 per query vs {base_name}, cold pass ({what})",
                   f"{_ms(ours_c['p50_ms'])} (p99 {_ms(ours_c['p99_ms'])})",
                   f"{_ms(base['p50_ms'])} (p99 {_ms(base['p99_ms'])})", _ratio(ours_c["p50_ms"] / base["p50_ms"]), "", ""]
            goal(f"{kind} queries: p50 ≤ {target} × {base_name} (cold pass)", ours_c["p50_ms"] / base["p50_ms"], "≤", target, row)
            rows.append(row)
            rows.append([f"in-process {kind}: same, warm pass (term-score cache kept)",
                         f"{_ms(ours_w['p50_ms'])} (p99 {_ms(ours_w['p99_ms'])})",
                         f"{_ms(base['p50_ms'])}", _ratio(ours_w["p50_ms"] / base["p50_ms"]), "", ""])
            other = s["naive"] if kind == "long" else s["fts5_on_naive_subset"]
            other_name = "naive Whoosh" if kind == "long" else "SQLite FTS5"
            ours_sub = s["ours_cold_on_naive_subset"] if kind == "long" else ours_c
            rows.append([f"in-process {kind}: p50 vs {other_name} (same {other['n']} queries, cold pass)",
                         _ms(ours_sub["p50_ms"]), _ms(other["p50_ms"]), _ratio(ours_sub["p50_ms"] / other["p50_ms"]), "", ""])
            ref = s.get("eval_reference")
            mrr_row = [f"{kind} queries: MRR@10 ({s['ours_cold']['n']} known items)",
                       f"{s['ours_cold']['mrr10']:.3f}",
                       f"FTS5 {s['fts5']['mrr10']:.3f} · naive {s['naive']['mrr10']:.3f} (n={naive_n})"
                       + (f" · #2 eval {ref['ours_mrr10']:.3f} (n={ref['matched_queries']})" if ref else " · #2 eval: not run"),
                       _ratio(s["ours_cold"]["mrr10"] / s["fts5"]["mrr10"]) + " of FTS5", "", ""]
            if ref:
                loss = ref["ours_mrr10"] - s["ours_cold"]["mrr10"]
                goal(f"{kind} queries: no loss of MRR@10 vs #2's evaluation", -loss, "≥", -GOALS["mrr_tolerance"], mrr_row)
                mrr_row[4] = f"≥ #2's {ref['ours_mrr10']:.3f}"
            rows.append(mrr_row)
        trap = search["long"].get("trap_orgroup_factory")
        if trap:
            f, p = trap["factory_0_9"], trap["plain_orgroup"]
            rows.append([f"trap: naive `OrGroup.factory(0.9)` vs plain `OrGroup`, long queries (n={f['n']})",
                         f"{_ms(f['p50_ms'])}, MRR@10 {f['mrr10']:.3f}", f"{_ms(p['p50_ms'])}, MRR@10 {p['mrr10']:.3f}",
                         _ratio(f["p50_ms"] / p["p50_ms"]), "", ""])

    build = res.get("build")
    if build:
        rows.append(["index build, whole corpus: `helpsvc index` (wall)",
                     f"{build['helpsvc_full_s']:,.1f} s", f"naive single writer {build['naive_total_s']:,.1f} s "
                     f"(read+render {build['render_s']:.1f} s + index {build['naive_index_s']:.1f} s)",
                     _ratio(build["helpsvc_full_s"] / build["naive_total_s"]), "", ""])
    re_ = res.get("reindex")
    if re_:
        row = [f"re-index after one article changed (`helpsvc index` again; change searchable: "
               f"{'yes' if re_['change_searchable'] else 'NO'})",
               f"{re_['reindex']['wall_s']:,.2f} s wall ({re_['reindex']['reported_s']} s reported by the build)",
               f"full build {re_['full_build']['wall_s']:,.1f} s wall ({re_['full_build']['reported_s']} s reported)",
               _ratio(re_["ratio_wall"]) + (f" wall ({_ratio(re_['reindex']['reported_s'] / re_['full_build']['reported_s'])}"
                                            " reported)" if re_['reindex']['reported_s'] and re_['full_build']['reported_s'] else ""),
               "", ""]
        goal("re-index one changed article ≤ 0.05 × full build (wall time of `helpsvc index`)", re_["ratio_wall"] if re_["change_searchable"] else None,
             "≤", GOALS["reindex_vs_full"], row)
        rows.append(row)
    traps = res.get("traps_http")
    if traps and "h11" in traps and "httptools" in traps:
        h, t = traps["h11"], traps["httptools"]
        rows.append(["trap: `uvicorn --workers 2 --http h11` vs `httptools`, hello-world p50 / req/s "
                     "(CPU share per worker)",
                     f"{_ms(h['p50_ms'])} / {h['rps']:,.0f} ({h.get('worker_cpu_share')})",
                     f"{_ms(t['p50_ms'])} / {t['rps']:,.0f} ({t.get('worker_cpu_share')})",
                     _ratio(h["p50_ms"] / t["p50_ms"]) + " p50", "", ""])
    return rows, goals


def markdown(rows: list[list[str]], res: dict[str, Any]) -> str:
    env = res["environment"]
    head = (f"helpsvc bench — {res['created']}, commit {env.get('commit', '?')}, {env['cpus']} CPUs, "
            f"load generator {env['loadgen']}"
            + (f" ({res['http']['connections']} connections"
               + (f", {res['http']['threads']} threads" if env["loadgen"] == "wrk" else "") + ", "
               f"{res['http']['duration']:g} s per scenario, {res['http']['workers']} worker)" if res.get("http") else "")
            + f", load average {env['loadavg_start']} → {env.get('loadavg_end')}")
    lines = [head, "", "| figure | measured | baseline (same run) | ratio | goal | met |", "| --- | --- | --- | --- | --- | --- |"]
    for row in rows:
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    return "\n".join(lines)


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    corpus_dir = args.shared / "corpus"
    eval_file = args.shared / "eval" / "known_item_dev.jsonl"
    if not corpus_dir.is_dir() or not eval_file.is_file():
        missing = corpus_dir if not corpus_dir.is_dir() else eval_file
        print(f"bench skipped: {missing} not found (pass --shared DIR holding corpus/ and eval/known_item_dev.jsonl)")
        return 0

    wants_http = any(s in args.wanted for s in HTTP_SCENARIOS)
    if args.profile:
        from bench import profile

        if not profile.py_spy():
            print("--profile needs py-spy on PATH (pip install py-spy); it is not a project dependency",
                  file=sys.stderr)
            return 2
    tool = "python"
    if wants_http or "traps" in args.wanted:
        if args.loadgen in ("auto", "wrk") and loadgen.wrk_path():
            tool = "wrk"
        elif args.loadgen == "wrk":
            print("wrk is not installed: install it with `apt-get update && apt-get install -y wrk`, "
                  "or run with --loadgen python", file=sys.stderr)
            return 2
        elif args.loadgen == "auto":
            log("wrk not found: the figures will come from the Python asyncio client (bench/pyload.py), which "
                "needs more CPU per request than wrk. For wrk: apt-get update && apt-get install -y wrk")
    res: dict[str, Any] = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "environment": environment(tool),
    }

    log(f"reading and rendering the corpus in {corpus_dir} ...")
    corpus = Corpus.load(corpus_dir, log)
    sets = make_query_sets(corpus, eval_file)
    log(f"  {len(corpus.docs)} articles ({sum(d.noindex for d in corpus.docs)} NOINDEX) in {corpus.load_seconds:.1f} s; "
        f"{len(sets.known)} known items; {len(sets.distinct_short)} distinct short queries ({sets.short_rule}); "
        f"{len(sets.distinct_long)} distinct long queries")
    res["query_sets"] = {
        "short_rule": sets.short_rule, "known_items": len(sets.known), "distinct_short": len(sets.distinct_short),
        "distinct_long": len(sets.distinct_long), "zipf_queries": len(sets.zipf_queries), "zipf_s": sets.notes["zipf_s"],
        "known_items_excluded_noindex_or_missing": sets.notes["known_items_excluded"],
        "article_pages": len(sets.article_urls),
    }

    from helpsvc.search import current_build_id

    index_dir = args.index.resolve()
    need_index = wants_http or "search" in args.wanted or "traps" in args.wanted
    build: dict[str, Any] = {}
    if need_index or "build" in args.wanted:
        if args.skip_build and current_build_id(index_dir):
            log(f"reusing the index build {current_build_id(index_dir)} in {index_dir} (--skip-build)")
        else:
            if index_dir.exists() and index_dir == (BENCH / ".work" / "index").resolve():
                shutil.rmtree(index_dir)  # our own scratch index: a fresh full build every time
            log(f"building the index: helpsvc index --content {corpus_dir} --index {index_dir}")
            from bench.inproc import run_index_cli

            b = run_index_cli(corpus_dir.resolve(), index_dir)
            build["helpsvc_full_s"] = b["wall_s"]
            build["helpsvc_reported_s"] = b["reported_s"]
            log(f"  {b['output']} (wall {b['wall_s']:.1f} s)")
        res["index_build_id"] = current_build_id(index_dir)

    work = BENCH / ".work"
    work.mkdir(parents=True, exist_ok=True)
    run_dir = Path(tempfile.mkdtemp(prefix="run-", dir=work))
    naive_dir = run_dir / "naive-whoosh"
    try:
        if wants_http:
            log("HTTP scenarios (server and load generator share this machine's CPUs)")
            res["http"] = http_scenarios(args, sets, corpus_dir, run_dir, tool)
        if "traps" in args.wanted and tool:
            log("deployment traps")
            res["traps_http"] = traps_http(args, corpus_dir, run_dir, tool)

        if "build" in args.wanted or "search" in args.wanted:
            from bench.baselines import NaiveWhoosh

            log("naive Whoosh baseline: one writer, default schema and analyzer")
            naive_s = NaiveWhoosh.build(corpus, naive_dir)
            log(f"  built in {naive_s:.1f} s (+ {corpus.load_seconds:.1f} s reading and rendering the corpus)")
            if "build" in args.wanted and "helpsvc_full_s" in build:
                build.update({"naive_index_s": naive_s, "render_s": corpus.load_seconds,
                              "naive_total_s": naive_s + corpus.load_seconds})
                res["build"] = build
            elif "build" in args.wanted:
                log("  (helpsvc's own full build was skipped: --skip-build; the re-index scenario still times one)")
        if "search" in args.wanted:
            from bench.inproc import search_latency

            log("in-process search latency and MRR@10: helpsvc, naive Whoosh, SQLite FTS5")
            res["search"] = search_latency(corpus, sets.known, index_dir, naive_dir, args.naive_queries,
                                           args.trap_queries, log)
        if "reindex" in args.wanted:
            from bench.inproc import reindex_one

            log("re-index after one change (on a copy of the corpus)")
            res["reindex"] = reindex_one(corpus_dir, corpus, log)
            r = res["reindex"]
            log(f"  full {r['full_build']['wall_s']:.1f} s, after one change {r['reindex']['wall_s']:.1f} s "
                f"({r['ratio_wall']:.3f}×); change searchable: {r['change_searchable']}")
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)

    res["environment"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    rows, goals = build_report(res)
    res["goals"] = goals
    res["seconds"] = round(time.perf_counter() - started, 1)
    table = markdown(rows, res)
    res["table_markdown"] = table
    args.json.parent.mkdir(parents=True, exist_ok=True)
    if args.json.parent == (BENCH / "results") and not (args.json.parent / ".gitignore").exists():
        (args.json.parent / ".gitignore").write_text("# generated by bench/run.py\n*\n", encoding="utf-8")
    args.json.write_text(json.dumps(res, indent=1, default=str), encoding="utf-8")
    print()
    print(table)
    print()
    met = sum(1 for g in goals if g["met"])
    print(f"{met} of {len(goals)} goals met. JSON: {args.json}  (run took {res['seconds']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
