"""In-process figures: per-query search latency and MRR@10 beside the naive Whoosh setup and
SQLite FTS5, index build times, re-indexing after one change.

Per-query latency is wall time around one call, one query after another on one
thread. helpsvc's figure is ``SearchService.search(text, per_page=10)``, the call
the API makes, with its result cache emptied before every query; it includes
making the ten snippets, which neither baseline does. It is measured twice over
the same queries:

* **cold**: a new ``SearchService`` (so the per-build term-score cache is empty)
  and every query asked for the first time: what a distinct query costs on a
  freshly started worker. The goal figures use this pass.
* **warm**: the same queries again on the same service (result cache emptied,
  term-score cache kept): what a distinct query costs once a worker has seen its
  words before.

The cold pass and the two baselines run ``ROUNDS`` times, one after another, and
each query's figure is the median of its rounds. A pass of 120 short queries
takes helpsvc about 0.15 s, so a moment of load from another process on this
shared machine could slow one system's whole pass and not the others'; the
median sets such a round aside. Before each cold round the process-wide caches
(stems, analyzers) are emptied too, so every round starts as a new worker does.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from whoosh.qparser import OrGroup

from baselines import Fts5, NaiveWhoosh
from corpus import Corpus, KnownItem

K = 10
ROUNDS = 3
HELPSVC = Path(sys.executable).parent / "helpsvc"
REPO = Path(__file__).resolve().parent.parent


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def summarise(ms: list[float], ranks: list[int | None]) -> dict[str, Any]:
    n = len(ms)
    return {
        "n": n,
        "p50_ms": statistics.median(ms) if ms else float("nan"),
        "p99_ms": pct(ms, 99),
        "mean_ms": sum(ms) / n if n else float("nan"),
        "mrr10": sum(1.0 / r for r in ranks if r) / len(ranks) if ranks else float("nan"),
        "r10": sum(1 for r in ranks if r) / len(ranks) if ranks else float("nan"),
    }


def timed(search: Callable[[str], list[str] | list[list[str]]], items: list[KnownItem], kind: str,
          before: Callable[[], None] = lambda: None) -> tuple[list[float], list[int | None]]:
    """Per query, the time and the rank of the target. A hit may stand for several paths (ours
    folds near-duplicates under one hit): the target counts at that hit's rank, as in make eval."""
    ms: list[float] = []
    ranks: list[int | None] = []
    for item in items:
        text = item.long if kind == "long" else item.short
        before()
        started = time.perf_counter()
        hits = search(text)
        ms.append((time.perf_counter() - started) * 1000)
        found = [n for n, hit in enumerate(hits, 1) if item.target == hit or (isinstance(hit, list) and item.target in hit)]
        ranks.append(found[0] if found else None)
    return ms, ranks


def median_of_rounds(rounds: list[tuple[list[float], list[int | None]]]) -> tuple[list[float], list[int | None]]:
    """Each query's median time over the rounds; ranks from the first round (searches are deterministic)."""
    ms = [statistics.median(times) for times in zip(*(r[0] for r in rounds))]
    return ms, rounds[0][1]


def forget_process_caches() -> None:
    """Empties what a worker process keeps across builds, so a new SearchService starts cold."""
    from helpsvc.search import query, schema

    query._stem.cache_clear()
    schema.analyzer_for.cache_clear()  # each analyzer keeps its own cache of stems
    schema.words_analyzer.cache_clear()


def eval_reference(items: list[KnownItem], kind: str) -> dict[str, Any] | None:
    """#2's recorded MRR@10 (eval/results/known_item.json) over the same queries, if it was run."""
    path = REPO / "eval" / "results" / "known_item.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        recorded = {(q["query"], q["target"]): q for q in data["queries"][kind]}
    except (OSError, ValueError, KeyError):
        return None
    ranks = []
    fts = []
    for item in items:
        q = recorded.get((item.long if kind == "long" else item.short, item.target))
        if q is None:
            continue
        ranks.append(q["ours_rank"] if q["ours_rank"] and q["ours_rank"] <= K else None)
        fts.append(q["fts5_rank"] if q["fts5_rank"] and q["fts5_rank"] <= K else None)
    if not ranks:
        return None
    return {
        "file": str(path.relative_to(REPO)),
        "created": data.get("created"),
        "build_id": data.get("build_id"),
        "matched_queries": len(ranks),
        "ours_mrr10": sum(1.0 / r for r in ranks if r) / len(ranks),
        "fts5_mrr10": sum(1.0 / r for r in fts if r) / len(fts),
    }


def search_latency(
    corpus: Corpus,
    known: list[KnownItem],
    index_dir: Path,
    naive_dir: Path,
    naive_n: int,
    trap_n: int,
    log: Callable[[str], None],
) -> dict[str, Any]:
    from helpsvc.search import SearchService

    out: dict[str, Any] = {"queries": len(known), "naive_queries": min(naive_n, len(known))}
    fts = Fts5(corpus)
    out["fts5_build_s"] = fts.build_seconds
    naive = NaiveWhoosh(naive_dir)
    factory = NaiveWhoosh(naive_dir, group=OrGroup.factory(0.9))
    sub = known[:naive_n]
    for kind in ("short", "long"):
        cold_rounds, fts_rounds, naive_rounds = [], [], []
        for round_number in range(1, ROUNDS + 1):
            log(f"  {kind} queries, round {round_number} of {ROUNDS}: helpsvc cold pass ({len(known)} queries), "
                f"SQLite FTS5, naive Whoosh ({len(sub)} queries)")
            forget_process_caches()
            service = SearchService(index_dir)
            service.search("zzbenchwarmup")  # opens the index (one unknown word: warms no real term)

            def ours(text: str, service: SearchService = service) -> list[list[str]]:
                return [[h.path, *(d.get("path", "") for d in h.duplicates)] for h in service.search(text, per_page=K).hits]

            clear = service._cache.clear
            cold_rounds.append(timed(ours, known, kind, clear))
            fts_rounds.append(timed(fts.search, known, kind))
            naive_rounds.append(timed(naive.search, sub, kind))
            if round_number < ROUNDS:
                service.state().close()
        cold_ms, cold_ranks = median_of_rounds(cold_rounds)
        fts_ms, fts_ranks = median_of_rounds(fts_rounds)
        naive_ms, naive_ranks = median_of_rounds(naive_rounds)
        log(f"  {kind} queries: helpsvc warm pass")
        warm_ms, warm_ranks = timed(ours, known, kind, clear)
        m = len(sub)
        res: dict[str, Any] = {
            "rounds": ROUNDS,
            # Each round's median, to show how much the rounds differed.
            "round_p50_ms": {
                "ours_cold_on_naive_subset": [statistics.median(r[0][:m]) for r in cold_rounds],
                "naive": [statistics.median(r[0]) for r in naive_rounds],
                "ours_cold": [statistics.median(r[0]) for r in cold_rounds],
                "fts5": [statistics.median(r[0]) for r in fts_rounds],
            },
            "ours_cold": summarise(cold_ms, cold_ranks),
            "ours_warm": summarise(warm_ms, warm_ranks),
            "fts5": summarise(fts_ms, fts_ranks),
            "naive": summarise(naive_ms, naive_ranks),
            # The same queries as the naive run, for a like-for-like ratio.
            "ours_cold_on_naive_subset": summarise(cold_ms[:m], cold_ranks[:m]),
            "ours_warm_on_naive_subset": summarise(warm_ms[:m], warm_ranks[:m]),
            "fts5_on_naive_subset": summarise(fts_ms[:m], fts_ranks[:m]),
            "eval_reference": eval_reference(known, kind),
        }
        if kind == "long" and trap_n:
            tsub = known[:trap_n]
            log(f"  long queries: naive Whoosh with OrGroup.factory(0.9) ({len(tsub)} queries)")
            t_ms, t_ranks = timed(factory.search, tsub, kind)
            res["trap_orgroup_factory"] = {
                "factory_0_9": summarise(t_ms, t_ranks),
                "plain_orgroup": summarise(naive_ms[: len(tsub)], naive_ranks[: len(tsub)]),
            }
        out[kind] = res
        service.state().close()
    naive.close()
    factory.close()
    fts.close()
    return out


# ---------------------------------------------------------------- builds


def run_index_cli(content: Path, index: Path) -> dict[str, Any]:
    started = time.perf_counter()
    proc = subprocess.run([str(HELPSVC), "index", "--content", str(content), "--index", str(index), "--quiet"],
                          capture_output=True, text=True)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"helpsvc index failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
    import re

    found = re.search(r"in ([0-9.]+) s\.", proc.stdout)
    return {"wall_s": wall, "reported_s": float(found.group(1)) if found else None,
            "output": proc.stdout.strip().splitlines()[0] if proc.stdout.strip() else ""}


EDIT_MARK = "zqxbenchedit"


def reindex_one(corpus_dir: Path, corpus: Corpus, log: Callable[[str], None]) -> dict[str, Any]:
    """Copy the corpus, build it, change one article, build again; both timed with `helpsvc index`."""
    from helpsvc.search import SearchService

    target = sorted(d.path for d in corpus.docs if not d.noindex)[len(corpus.docs) // 3]
    with tempfile.TemporaryDirectory(prefix="helpsvc-bench-reindex-") as tmp:
        content = Path(tmp) / "corpus"
        index = Path(tmp) / "index"
        shutil.copytree(corpus_dir, content)
        log("  full build of a copy of the corpus (helpsvc index)")
        full = run_index_cli(content, index)
        path = content / target
        text = path.read_text(encoding="utf-8-sig")
        path.write_text(text.rstrip("\n") + f"\n\nBenchmark edit: this paragraph adds the word {EDIT_MARK}.\n",
                        encoding="utf-8")
        log(f"  changed {target}; helpsvc index again")
        again = run_index_cli(content, index)
        service = SearchService(index)
        hits = service.search(EDIT_MARK).hits
        found = bool(hits) and hits[0].path == target
        service.state().close()
    return {
        "changed_article": target,
        "full_build": full,
        "reindex": again,
        "change_searchable": found,
        "ratio_wall": again["wall_s"] / full["wall_s"],
    }
