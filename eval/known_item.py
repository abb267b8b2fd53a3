"""Known-item search evaluation: our search against an SQLite FTS5 BM25 baseline.

Each query has one right answer (the article it was written for). The corpus is
indexed with our own ``build_index`` and, in the same run and from the same
article text, into an SQLite FTS5 table. The query sets (short queries readers
type and their misspelled twins, title-derived queries, long descriptions, and
the held-out blind short queries) are run through both, and MRR@10, Recall@1,
Recall@10 and latency are reported, per query style for the dev short sets.
The blind sets are reported as aggregate lines only. See eval/README.md.

    .venv/bin/python eval/known_item.py --shared ../shared [--sets short,long] [--limit 50]
"""

from __future__ import annotations

import argparse
import json
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from helpsvc.content.articles import Article, load_collection, render
from helpsvc.search import build_index, current_build_id
from helpsvc.search import SearchService

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fts5 import WEIGHTS as FTS_WEIGHTS, Fts5Baseline  # noqa: E402
from querysets import DocFreq, short_query  # noqa: E402

EVAL_FILE = "eval/known_item_dev.jsonl"
SHORT_FILE = "eval/short_queries_dev.jsonl"  # under --shared
BLIND_FILE = Path(__file__).resolve().parent / "short_queries_blind.jsonl"  # held out: aggregates only
CORPUS = "corpus"
ALL_SETS = ("short", "misspelled", "title", "long", "blind-short", "blind-typo")
BLIND_SETS = ("blind-short", "blind-typo")
STYLED_SETS = ("short", "misspelled")  # reported per style as well
TYPO_PAIRS = (("misspelled", "short"), ("blind-typo", "blind-short"))  # (typo set, its clean twin)
K = 10
DEEP = 100  # how far down a miss is looked for, to report its rank (not timed)
RESULTS = Path(__file__).resolve().parent / "results" / "known_item.json"

GOALS = {name: 1.15 for name in ("short", "misspelled", "long", "blind-short", "blind-typo")}
TYPO_LATENCY_GOAL = 3.0  # a misspelled query's p50 at most this many times its clean twin's
TYPO_RECALL_GOAL = 0.8


def _progress(total: int, desc: str) -> Any:
    return tqdm(total=total, desc=desc, file=sys.stderr, leave=False)


# ---------------------------------------------------------------- corpus and indexes


@dataclass
class Corpus:
    root: Path
    articles: dict[str, Article]  # by path relative to the corpus root
    texts: dict[str, str]  # plain body text, as our indexer renders it
    skipped: int

    @classmethod
    def load(cls, root: Path) -> "Corpus":
        articles: dict[str, Article] = {}
        skipped = 0
        for item in load_collection(root):
            if isinstance(item, Article):
                articles[item.path] = item
            else:
                skipped += 1
        texts = {}
        for path, article in tqdm(articles.items(), desc="rendering", file=sys.stderr, leave=False):
            texts[path] = render(article).text
        return cls(root, articles, texts, skipped)


def ensure_index(corpus_dir: Path, index_dir: Path, reuse: bool) -> tuple[str, float, bool]:
    """(build id, seconds spent building, reused?)"""
    existing = current_build_id(index_dir) if reuse else None
    if existing:
        problem = _unusable(corpus_dir, index_dir, existing)
        if problem is None:
            return existing, 0.0, True
        print(f"ours: build {existing} in {index_dir} is not reused ({problem}); building a new one")
    started = time.perf_counter()
    report = build_index(corpus_dir, index_dir, progress=_progress)
    return report.build_id, time.perf_counter() - started, False


def _unusable(corpus_dir: Path, index_dir: Path, build_id: str) -> str | None:
    """Why an existing build cannot stand for this corpus, or None if it can."""
    try:
        meta = json.loads((index_dir / "builds" / build_id / "build.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        meta = {}
    root = meta.get("content_root") or meta.get("content_dir")
    if root and Path(root).resolve() != corpus_dir.resolve():
        return f"it was built from {root}"
    try:
        SearchService(index_dir).search("index check", correct=False)
    except Exception as exc:  # made by an older version of the indexer, say
        return str(exc)
    return None


def clean_text(text: str) -> str:
    """The bounds our search puts on user text (NFKC, collapsed spaces, 1,000 characters), for FTS5."""
    text = " ".join(unicodedata.normalize("NFKC", text).split())
    return text[:1000]


class Fts5:
    """The shared baseline (eval/fts5.py) over this run's article text."""

    def __init__(self, corpus: Corpus, weights: tuple[float, float] = FTS_WEIGHTS) -> None:
        self.base = Fts5Baseline(
            ((a.title, corpus.texts[p], p, a.noindex) for p, a in corpus.articles.items()), weights
        )
        self.weights = weights
        self.seconds = self.base.seconds

    def search(self, text: str, limit: int = K) -> list[list[str]]:
        """Per hit, a list of the paths it stands for (always one here)."""
        return [[path] for path in self.base.search(clean_text(text), limit)]


class Ours:
    """Our search, exactly as the web API calls it (SearchService.search, page 1)."""

    def __init__(self, index_dir: Path) -> None:
        self.service = SearchService(index_dir)
        self.service.search("warm up the searcher")  # opens the index; not timed

    def search(self, text: str, limit: int = K) -> list[list[str]]:
        """Per hit, the paths it stands for: its own, then near-duplicates folded under it."""
        # The service caches results by query text; short queries can repeat across
        # targets, so the cache is emptied to time every query as a cold one.
        cache = getattr(self.service, "_cache", None)
        if cache is not None:
            cache.clear()
        return [
            [h.path, *(d.get("path", "") for d in getattr(h, "duplicates", None) or [])]
            for h in self.service.search(text, per_page=limit).hits
        ]


# ---------------------------------------------------------------- query sets


@dataclass
class Query:
    text: str
    target: str
    title: str
    style: str = ""


def load_known_items(path: Path) -> list[dict[str, str]]:
    items = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                items.append(json.loads(line))
    return items


def _title(item: dict[str, str], corpus: Corpus) -> str:
    article = corpus.articles.get(item["target"])
    return article.title if article else item["title"]


def make_sets(items: list[dict[str, str]], shorts: list[dict[str, str]], blind: list[dict[str, str]],
              corpus: Corpus, wanted: list[str]) -> dict[str, list[Query]]:
    """The query sets asked for; ``shorts`` and ``blind`` are {query, typo, target, title, style} lines."""
    def typed(rows: list[dict[str, str]], field_name: str) -> list[Query]:
        return [Query(r[field_name], r["target"], r["title"], r.get("style", "")) for r in rows]

    sets: dict[str, list[Query]] = {}
    for name, rows, field_name in (("short", shorts, "query"), ("misspelled", shorts, "typo"),
                                   ("blind-short", blind, "query"), ("blind-typo", blind, "typo")):
        if name in wanted and rows:
            sets[name] = typed(rows, field_name)
    if "title" in wanted:
        df = DocFreq(a.title + "\n" + corpus.texts[p] for p, a in corpus.articles.items())
        # The target's own title (the eval file's copy if the target is not in the corpus).
        sets["title"] = [Query(short_query(_title(i, corpus), df), i["target"], i["title"]) for i in items]
    if "long" in wanted:
        sets["long"] = [Query(i["query"], i["target"], i["title"]) for i in items]
    return {name: sets[name] for name in ALL_SETS if name in sets}


# ---------------------------------------------------------------- running and scoring


@dataclass
class Run:
    ranks: list[int | None] = field(default_factory=list)  # 1-based rank in the top 10, else None
    deep_ranks: list[int | None] = field(default_factory=list)  # rank within the top 100 (misses only)
    folded: list[bool] = field(default_factory=list)  # found as a near-duplicate folded under another hit
    top1: list[str | None] = field(default_factory=list)
    ms: list[float] = field(default_factory=list)

    def metrics(self) -> dict[str, float]:
        n = len(self.ranks)
        if not n:
            return {"n": 0}
        ms = sorted(self.ms)
        return {
            "n": n,
            "mrr10": sum(1.0 / r for r in self.ranks if r) / n,
            "r1": sum(1 for r in self.ranks if r == 1) / n,
            "r10": sum(1 for r in self.ranks if r) / n,
            "p50_ms": statistics.median(ms),
            "p95_ms": ms[min(n - 1, int(round(0.95 * (n - 1))))],
            "found_folded": sum(1 for r, f in zip(self.ranks, self.folded) if r and f),
        }


def rank_of(target: str, hits: list[list[str]]) -> tuple[int | None, bool]:
    """(1-based rank of the hit that is or folds the target, whether it was folded)."""
    for position, paths in enumerate(hits, 1):
        if target in paths:
            return position, paths[0] != target
    return None, False


def run_set(system: Any, queries: list[Query], label: str) -> Run:
    run = Run()
    for q in tqdm(queries, desc=label, file=sys.stderr, leave=False):
        started = time.perf_counter()
        hits = system.search(q.text, K)
        run.ms.append((time.perf_counter() - started) * 1000.0)
        rank, folded = rank_of(q.target, hits)
        run.ranks.append(rank)
        run.folded.append(folded)
        run.top1.append(hits[0][0] if hits else None)
        # A miss is looked for further down (not timed), to report how far it was.
        run.deep_ranks.append(rank if rank else rank_of(q.target, system.search(q.text, DEEP))[0])
    return run


def fmt_rank(rank: int | None) -> str:
    return str(rank) if rank else f">{DEEP}"


# ---------------------------------------------------------------- output


def metrics_by_style(queries: list[Query], runs: dict[str, Run]) -> dict[str, dict[str, dict[str, float]]]:
    """{style: {system: metrics}} over the queries of each style."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    for style in sorted({q.style for q in queries if q.style}):
        picked = [i for i, q in enumerate(queries) if q.style == style]
        out[style] = {system: Run(ranks=[run.ranks[i] for i in picked], folded=[run.folded[i] for i in picked],
                                  ms=[run.ms[i] for i in picked]).metrics() for system, run in runs.items()}
    return out


def print_table(summary: dict[str, dict[str, dict[str, float]]], label: str = "set") -> None:
    header = (f"{label:<12} {'system':<7} {'n':>4}  {'MRR@10':>6}  {'R@1':>5}  {'R@10':>5}  {'MRR ours/fts5':>13}"
              f"  {'p50 ms':>7}  {'p95 ms':>7}")
    print(header)
    print("-" * len(header))
    for name, systems in summary.items():
        ours, fts = systems["ours"], systems["fts5"]
        ratio = ours["mrr10"] / fts["mrr10"] if fts["mrr10"] else float("inf")
        for system, m in (("ours", ours), ("fts5", fts)):
            shown = f"{ratio:.2f}x" if system == "ours" else ""
            print(
                f"{name:<12} {system:<7} {m['n']:>4}  {m['mrr10']:>6.3f}  {m['r1']:>5.3f}  {m['r10']:>5.3f}  "
                f"{shown:>13}  {m['p50_ms']:>7.1f}  {m['p95_ms']:>7.1f}"
            )


def goals(summary: dict[str, dict[str, dict[str, float]]]) -> list[dict[str, Any]]:
    checks = []
    for name, factor in GOALS.items():
        if name in summary:
            ours, fts = summary[name]["ours"]["mrr10"], summary[name]["fts5"]["mrr10"]
            ratio = ours / fts if fts else float("inf")
            checks.append({
                "goal": f"{name}: ours MRR@10 >= {factor:.2f} x FTS5",
                "value": f"{ratio:.3f}x ({ours:.3f} vs {fts:.3f})",
                "met": ratio >= factor,
            })
    for typo_set, clean_set in TYPO_PAIRS:
        if typo_set not in summary or clean_set not in summary:
            continue
        clean, typo = summary[clean_set]["ours"], summary[typo_set]["ours"]
        rel = typo["r10"] / clean["r10"] if clean["r10"] else 0.0
        checks.append({
            "goal": f"{typo_set}: ours R@10 >= {TYPO_RECALL_GOAL:.1f} x our {clean_set} R@10",
            "value": f"{rel:.3f}x ({typo['r10']:.3f} vs {clean['r10']:.3f})",
            "met": rel >= TYPO_RECALL_GOAL,
        })
        slower = typo["p50_ms"] / clean["p50_ms"] if clean["p50_ms"] else float("inf")
        checks.append({
            "goal": f"{typo_set}: ours p50 <= {TYPO_LATENCY_GOAL:.0f} x our {clean_set} p50 (same run)",
            "value": f"{slower:.2f}x ({typo['p50_ms']:.1f} vs {clean['p50_ms']:.1f} ms)",
            "met": slower <= TYPO_LATENCY_GOAL,
        })
    return checks


def show_misses(name: str, queries: list[Query], runs: dict[str, Run], corpus: Corpus, k: int) -> None:
    ours, fts = runs["ours"], runs["fts5"]
    missed = [i for i, r in enumerate(ours.ranks) if r is None]
    # Losses to the baseline first (FTS5 found it in its top 10), then misses by both.
    missed.sort(key=lambda i: (fts.ranks[i] is None, i))
    lost = sum(1 for i in missed if fts.ranks[i] is not None)
    print(f"\n{name}: {len(missed)} misses by ours ({lost} of them found by FTS5 in its top {K}); first {min(k, len(missed))}:")
    for i in missed[:k]:
        q = queries[i]
        top = ours.top1[i]
        top_title = corpus.articles[top].title if top in corpus.articles else "(no results)"
        text = q.text if len(q.text) <= 110 else q.text[:107] + "..."
        print(f"  - query  : {text}" + (f"  ({q.style})" if q.style else ""))
        print(f"    target : {q.title}  [{q.target}]")
        print(f"    ours rank {fmt_rank(ours.deep_ranks[i])}, fts5 rank {fmt_rank(fts.deep_ranks[i])}; our #1: {top_title}")


# ---------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=Path("../shared"), help="the shared folder (corpus/, eval/)")
    parser.add_argument("--sets", default=",".join(ALL_SETS), help=f"comma-separated, from {','.join(ALL_SETS)}")
    parser.add_argument("--limit", type=int, default=0, help="only the first N lines of each dev file (quick runs)")
    parser.add_argument("--keep-index", type=Path, default=None, metavar="DIR",
                        help="index folder to reuse if it has a CURRENT build (built there otherwise)")
    parser.add_argument("--show-misses", type=int, default=0, metavar="K",
                        help="print K example misses per dev set (never for the blind sets)")
    parser.add_argument("--noindex-targets", choices=("exclude", "miss"), default="exclude",
                        help="known items whose target is ROBOTS: NOINDEX: excluded from both systems "
                             "(default) or counted as misses for both")
    parser.add_argument("--fts-title-weight", type=float, default=FTS_WEIGHTS[0], metavar="W",
                        help=f"FTS5 bm25() weight of the title column (body is 1.0; default {FTS_WEIGHTS[0]})")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write the JSON results")
    args = parser.parse_args(argv)
    sets = [s.strip() for s in args.sets.split(",") if s.strip()]
    unknown = [s for s in sets if s not in ALL_SETS]
    if unknown or not sets:
        parser.error(f"unknown query set(s) {unknown}; choose from {','.join(ALL_SETS)}")
    args.set_list = [s for s in ALL_SETS if s in sets]
    return args


def _searchable(rows: list[dict[str, str]], corpus: Corpus, exclude_noindex: bool) -> tuple[list[dict[str, str]], int]:
    """(the rows to run, how many name a NOINDEX target)."""
    noindex = {id(r) for r in rows if r["target"] in corpus.articles and corpus.articles[r["target"]].noindex}
    return ([r for r in rows if id(r) not in noindex] if exclude_noindex else rows), len(noindex)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    corpus_dir = args.shared / CORPUS
    eval_file = args.shared / EVAL_FILE
    short_file = args.shared / SHORT_FILE
    if not corpus_dir.is_dir() or not eval_file.is_file() or not short_file.is_file():
        missing = next(p for p in (corpus_dir, eval_file, short_file) if not p.exists())
        print(f"known-item eval skipped: {missing} not found (pass --shared DIR with corpus/, {EVAL_FILE}, {SHORT_FILE})")
        return 0

    items, shorts = load_known_items(eval_file), load_known_items(short_file)
    if args.limit:
        items, shorts = items[: args.limit], shorts[: args.limit]
    wants_blind = any(s in BLIND_SETS for s in args.set_list)
    blind = load_known_items(BLIND_FILE) if wants_blind and BLIND_FILE.is_file() else []
    if wants_blind and not blind:
        print(f"  {BLIND_FILE.name} not found: the blind sets are skipped")
    corpus = Corpus.load(corpus_dir)
    exclude = args.noindex_targets == "exclude"
    print(f"corpus: {len(corpus.articles)} articles ({sum(a.noindex for a in corpus.articles.values())} NOINDEX, "
          f"{corpus.skipped} skipped)")
    action = "excluded, for both systems" if exclude else "kept, as misses for both systems (neither may return them)"
    kept = []
    for label, rows in (("known items", items), ("short queries", shorts), ("blind short queries", blind)):
        rows_kept, noindex = _searchable(rows, corpus, exclude)
        kept.append(rows_kept)
        if rows:
            unknown = sum(1 for r in rows if r["target"] not in corpus.articles)
            print(f"  {label}: {len(rows)}; {noindex} with a ROBOTS: NOINDEX target ({action}); "
                  f"{unknown} with a target not in the corpus (misses for both)")
    items, shorts, blind = kept
    tmp = None
    if args.keep_index:
        index_dir = args.keep_index.resolve()
    else:
        tmp = tempfile.TemporaryDirectory(prefix="helpsvc-eval-")
        index_dir = Path(tmp.name)
    try:
        build_id, build_s, reused = ensure_index(corpus_dir, index_dir, reuse=bool(args.keep_index))
        print(f"ours: index build {build_id} in {index_dir} "
              f"({'reused' if reused else f'built in {build_s:.1f} s'})")
        fts = Fts5(corpus, (args.fts_title_weight, FTS_WEIGHTS[1]))
        print(f"fts5: SQLite {sqlite3.sqlite_version}, tokenize='porter unicode61', "
              f"bm25(title={fts.weights[0]}, body={fts.weights[1]}), built in {fts.seconds:.1f} s")

        sets = make_sets(items, shorts, blind, corpus, args.set_list)
        runs: dict[str, dict[str, Run]] = {}
        summary: dict[str, dict[str, dict[str, float]]] = {}
        for name, queries in sets.items():
            ours = Ours(index_dir)  # a fresh service per set: no cache carried over
            runs[name] = {
                "ours": run_set(ours, queries, f"{name}/ours"),
                "fts5": run_set(fts, queries, f"{name}/fts5"),
            }
            summary[name] = {system: run.metrics() for system, run in runs[name].items()}
    finally:
        if tmp is not None:
            tmp.cleanup()

    print()
    print_table(summary)
    print()
    for name, systems in summary.items():
        o, f = systems["ours"], systems["fts5"]
        print(f"ratio {name:<12} MRR@10 {o['mrr10'] / f['mrr10'] if f['mrr10'] else float('inf'):.3f}x  "
              f"R@1 {o['r1'] / f['r1'] if f['r1'] else float('inf'):.3f}x  "
              f"R@10 {o['r10'] / f['r10'] if f['r10'] else float('inf'):.3f}x")
    for name, systems in summary.items():
        folded = systems["ours"].get("found_folded", 0)
        if folded:
            print(f"note {name:<12} {folded} target(s) found folded under a near-duplicate hit (counted at that hit's rank)")
    styles = {name: metrics_by_style(sets[name], runs[name]) for name in STYLED_SETS if name in sets}
    for name, by_style in styles.items():
        print(f"\nper style, {name}:")
        print_table(by_style, label="style")
    checks = goals(summary)
    print("\ngoals (informational):")
    for c in checks:
        print(f"  [{'met' if c['met'] else 'NOT met'}] {c['goal']}: {c['value']}")

    if args.show_misses:
        for name, queries in sets.items():
            if name not in BLIND_SETS:
                show_misses(name, queries, runs[name], corpus, args.show_misses)

    elapsed = time.perf_counter() - started
    write_results(args, summary, styles, checks, sets, runs, build_id, elapsed)
    print(f"\nresults: {args.output}  (run took {elapsed:.1f} s)")
    return 0


def write_results(args: argparse.Namespace, summary: dict, styles: dict, checks: list, sets: dict[str, list[Query]],
                  runs: dict[str, dict[str, Run]], build_id: str, elapsed: float) -> None:
    """The settings, figures and goals; per-query ranks for the dev sets only (never the blind ones)."""
    out = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "shared": str(args.shared),
        "build_id": build_id,
        "limit": args.limit or None,
        "noindex_targets": args.noindex_targets,
        "fts5": {"tokenize": "porter unicode61", "bm25_weights": {"title": args.fts_title_weight, "body": FTS_WEIGHTS[1]}},
        "seconds": round(elapsed, 1),
        "summary": summary,
        "per_style": styles,
        "ratios_mrr10": {
            name: (s["ours"]["mrr10"] / s["fts5"]["mrr10"] if s["fts5"]["mrr10"] else None)
            for name, s in summary.items()
        },
        "goals": checks,
        "queries": {
            name: [
                {
                    "query": q.text,
                    "target": q.target,
                    "title": q.title,
                    "style": q.style,
                    "ours_rank": runs[name]["ours"].deep_ranks[i],
                    "fts5_rank": runs[name]["fts5"].deep_ranks[i],
                    "ours_ms": round(runs[name]["ours"].ms[i], 2),
                    "fts5_ms": round(runs[name]["fts5"].ms[i], 2),
                }
                for i, q in enumerate(queries)
            ]
            for name, queries in sets.items() if name not in BLIND_SETS
        },
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    if args.output.parent == RESULTS.parent and not (RESULTS.parent / ".gitignore").exists():
        (RESULTS.parent / ".gitignore").write_text("# generated by eval/known_item.py\n*\n", encoding="utf-8")
    args.output.write_text(json.dumps(out, indent=1), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
