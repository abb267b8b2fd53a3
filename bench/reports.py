"""Report pages over a million synthetic events: how long each takes to render.

Usage: .venv/bin/python bench/reports.py [--events 1000000] [--days 30] [--runs 5]

Builds an index of the bundled content, fills a fresh SQLite file with
realistic synthetic traffic (helpsvc.cli.demo) until it holds the asked number of
raw events, builds the daily rollups, then times every report page, its JSON
twin and its CSV download through the ASGI app (in-process, no network).
Each figure is the median of --runs requests after one warm-up, and is also
given as a ratio to a trivial page (/healthz) measured in the same run, so
figures from different machines can be compared.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from starlette.testclient import TestClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from helpsvc.web.auth import Auth  # noqa: E402
from helpsvc.cli.demo import demo_articles, searcher_of, traffic, write  # noqa: E402
from helpsvc.search import build_index  # noqa: E402
from helpsvc.web.site import Site  # noqa: E402
from helpsvc.settings import Settings  # noqa: E402
from helpsvc.store.records import Feedback  # noqa: E402
from helpsvc.store.rollups import Rollups  # noqa: E402
from helpsvc.web import create_app  # noqa: E402

PASSWORD = "bench password 123"


def median_ms(client: TestClient, url: str, runs: int) -> float:
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}: {response.text[:300]}")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def events_only(items, limit: int):
    """Generated traffic, stopping once ``limit`` raw events have been produced."""
    count = 0
    for item in items:
        if not isinstance(item, Feedback):
            count += 1
            if count > limit:
                return
        yield item


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="helpsvc-bench-"))
    build_index(ROOT / "content", tmp / "index")
    settings = Settings.load(env={}, content_dir=ROOT / "content", index_dir=tmp / "index", database_url=f"sqlite:///{tmp}/bench.db",
                             secret_key="bench-secret-key", rollup_interval_seconds=0.0)
    services = Site(settings)
    services.start()
    catalog = services.search.state().catalog
    today = dt.datetime.now(dt.timezone.utc).date()

    # Visitors per day so that the period holds about the asked number of events (measured on a sample).
    search = searcher_of(services.search)  # the demo readers are answered by the real search
    sample = sum(1 for i in traffic(demo_articles(catalog), 1, 1000, today, search, seed=99) if not isinstance(i, Feedback))
    visitors = int(args.events / (args.days * 0.87 * sample / 1000) * 1.05)
    start = time.perf_counter()
    counts = write(services.store, events_only(traffic(demo_articles(catalog), args.days, visitors, today, search), args.events))
    load_s = time.perf_counter() - start
    start = time.perf_counter()
    rollups = Rollups(services.store)
    for offset in range(args.days - 1, -1, -1):
        rollups.build_day((today - dt.timedelta(days=offset)).isoformat(), final=offset >= 2)
    rollup_s = time.perf_counter() - start
    Auth(services.store, settings).add_user("bench", "admin", PASSWORD)
    services.close()

    print(f"raw events: {services.store.count('events'):,}  votes: {counts['feedback']:,}  "
          f"(loaded in {load_s:.1f} s; rollups for {args.days} days built in {rollup_s:.1f} s, "
          f"{rollup_s / args.days * 1000:.0f} ms a day)")
    app = create_app(settings, Site(settings))
    with TestClient(app) as client:
        page = client.get("/login").text
        token = re.search(r'name="login_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        client.post("/login", data={"name": "bench", "password": PASSWORD, "login_token": token})
        top = client.get("/api/v1/reports/articles?sort=views").json()["tables"]["articles"]["rows"][0]["id"]
        baseline = median_ms(client, "/healthz", args.runs * 4)
        urls = list(itertools.chain.from_iterable(
            (f"/reports/{slug}{q}", f"/api/v1/reports/{slug}{q}", f"/reports/{slug}.csv{q}")
            for slug, q in (("articles", ""), ("article", f"?id={top}"), ("search", ""), ("synonyms", ""))
        ))
        print(f"baseline /healthz: {baseline:.2f} ms (median of {args.runs * 4})")
        print(f"{'page':<48} {'median ms':>10} {'x baseline':>11}")
        for url in urls:
            ms = median_ms(client, url, args.runs)
            print(f"{url:<48} {ms:>10.1f} {ms / baseline:>11.1f}")


if __name__ == "__main__":
    main()
