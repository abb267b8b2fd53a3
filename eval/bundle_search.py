"""The offline bundle's search beside the server's, on the readers' short queries.

Builds the bundle of the shared corpus with `helpsvc bundle`'s own code, runs the
bundle's own search code (MiniSearch and offline-search.js, exactly the files the
reader's browser loads) in Node over ``short_queries_dev.jsonl`` and its misspelled
twins, and the server's search (SearchService, as the web API calls it) over the
same queries. Prints MRR@10 and R@10 for both and the bundle's share of the
server's MRR@10 (goal: at least 0.8).

    make eval-bundle            # or: python eval/bundle_search.py --shared ../shared
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from helpsvc.bundle import build_bundle  # noqa: E402
from helpsvc.content import Article, load_collection  # noqa: E402
from helpsvc.search import SearchService, build_index, current_build_id  # noqa: E402

K = 10
GOAL = 0.8
LOCALE = "en-US"
NODE_RUNNER = """
const fs = require("fs"), vm = require("vm");
const [dir, locale, k] = process.argv.slice(1);
const window = vm.createContext({}); window.window = window.self = window;
for (const f of ["assets/minisearch.js", "assets/offline-search.js", locale + "/search-index.js"])
  vm.runInContext(fs.readFileSync(dir + "/" + f, "utf8"), window);
const data = window.HELP_SEARCH;
const index = window.OfflineSearch.load(window.MiniSearch, data.index, data.stopWords);
const queries = JSON.parse(fs.readFileSync(0, "utf8"));
const started = process.hrtime.bigint();
const out = queries.map((q) => window.OfflineSearch.search(index, q, Number(k)).map((h) => h.id));
const ms = Number(process.hrtime.bigint() - started) / 1e6;
console.log(JSON.stringify({ hits: out, ms_per_query: ms / Math.max(1, queries.length) }));
"""


def reciprocal_rank(found: list[str], target: str) -> float:
    return next((1.0 / rank for rank, hit in enumerate(found[:K], 1) if hit == target), 0.0)


def figures(hits: list[list[str]], targets: list[str]) -> dict[str, float]:
    n = max(1, len(targets))
    return {"mrr10": sum(reciprocal_rank(h, t) for h, t in zip(hits, targets)) / n,
            "r10": sum(t in h[:K] for h, t in zip(hits, targets)) / n}


def bundle_hits(bundle: Path, queries: list[str]) -> tuple[list[list[str]], float]:
    done = subprocess.run(["node", "-e", NODE_RUNNER, str(bundle), LOCALE, str(K)], input=json.dumps(queries),
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"the bundle's search failed in Node: {done.stderr.strip()[-2000:]}")
    answer = json.loads(done.stdout)
    return answer["hits"], answer["ms_per_query"]


def server_hits(index_dir: Path, queries: list[str]) -> list[list[str]]:
    service = SearchService(index_dir)
    found = []
    for text in queries:
        # A folded near-duplicate counts at its hit's rank, as in `make eval`.
        found.append([p for h in service.search(text, per_page=K).hits
                      for p in (h.path, *(d.get("path", "") for d in h.duplicates or []))])
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=Path("../shared"), help="the shared folder (corpus/, eval/)")
    parser.add_argument("--keep", type=Path, default=None, metavar="DIR",
                        help="keep the bundle and the server's index in DIR and reuse them next time")
    args = parser.parse_args(argv)
    corpus, queries_file = args.shared / "corpus", args.shared / "eval" / "short_queries_dev.jsonl"
    if not corpus.is_dir() or not queries_file.is_file():
        print(f"skipped: {corpus} or {queries_file} is missing (the shared material is not on this machine)")
        return 0
    rows = [json.loads(line) for line in queries_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    articles = [a for a in load_collection(corpus) if isinstance(a, Article)]
    path_of = {a.id: a.path for a in articles if a.locale == LOCALE}
    listed = {a.path for a in articles if not a.noindex}
    rows = [r for r in rows if r["target"] in listed]  # NOINDEX targets are left out for both, as in `make eval`

    work = args.keep or Path(tempfile.mkdtemp(prefix="helpsvc-eval-bundle-"))
    bundle, index_dir = work / "bundle", work / "index"
    if not (bundle / LOCALE / "search-index.js").is_file():
        started = time.perf_counter()
        build_bundle(corpus, bundle, [LOCALE], LOCALE)
        print(f"bundle of {len(articles)} articles built in {time.perf_counter() - started:.0f} s")
    if current_build_id(index_dir) is None:
        build_index(corpus, index_dir)

    print(f"{'set':<12} {'system':<7} {'n':>4}  {'MRR@10':>6}  {'R@10':>5}  {'ms/query':>8}")
    shares = {}
    for name, field in (("short", "query"), ("misspelled", "typo")):
        queries, targets = [r[field] for r in rows], [r["target"] for r in rows]
        ids, ms = bundle_hits(bundle, queries)
        offline = figures([[path_of.get(i, i) for i in hit] for hit in ids], targets)
        started = time.perf_counter()
        online = figures(server_hits(index_dir, queries), targets)
        server_ms = (time.perf_counter() - started) * 1000 / max(1, len(queries))
        print(f"{name:<12} {'bundle':<7} {len(rows):>4}  {offline['mrr10']:>6.3f}  {offline['r10']:>5.3f}  {ms:>8.1f}")
        print(f"{name:<12} {'server':<7} {len(rows):>4}  {online['mrr10']:>6.3f}  {online['r10']:>5.3f}  {server_ms:>8.1f}")
        shares[name] = offline["mrr10"] / online["mrr10"] if online["mrr10"] else 0.0
    for name, share in shares.items():
        verdict = "met" if share >= GOAL else "NOT met"
        print(f"[{verdict}] {name}: bundle MRR@10 >= {GOAL} x the server's: {share:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
