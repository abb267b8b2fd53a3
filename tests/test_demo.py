"""Demo traffic is answered by the real search over the real index: what the reports show of it
is what the service computed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from click.testing import CliRunner

import helpsvc.cli as cli_module
from helpsvc.search import SearchService

ENV = {"HELPSVC_SECRET_KEY": "k" * 40}


def test_every_demo_search_carries_the_live_answer(content_index: Path, tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    result = CliRunner().invoke(cli_module.cli, ["demo-data", "--days", "3", "--visitors", "150", "--db", str(db),
                                                 "--index", str(content_index)], env=ENV)
    assert result.exit_code == 0, result.output
    with sqlite3.connect(db) as conn:
        searches = conn.execute("SELECT search_id, query, locale, results FROM events WHERE kind = 'search'").fetchall()
        clicks = conn.execute("SELECT search_id, article_id, rank FROM events WHERE kind = 'click'").fetchall()
        voted = {row[0] for row in conn.execute("SELECT DISTINCT article_id FROM feedback")}
        # Views are counted per hour as the server counts them: a click's article is among them.
        viewed = dict(conn.execute("SELECT article_id, SUM(views) FROM view_counts GROUP BY article_id").fetchall())
        logged_views = conn.execute("SELECT COUNT(*) FROM events WHERE kind = 'view'").fetchone()[0]
    service = SearchService(content_index)
    live = {}
    for query, locale in {(q, loc) for _, q, loc, _ in searches}:
        answer = service.search(query, locale=locale, per_page=10)
        live[(query, locale)] = (answer.total, [hit.id for hit in answer.hits])
    assert len(searches) > 100 and clicks
    for _, query, locale, results in searches:
        assert results == live[(query, locale)][0], (query, locale)
    # A gap in the reports is a search the live site answers with nothing, and there are some.
    gaps = {(q, loc) for _, q, loc, results in searches if results == 0}
    assert gaps and all(live[gap][0] == 0 for gap in gaps)
    # Each click opens the hit the live search put at that rank.
    by_id = {search_id: (query, locale) for search_id, query, locale, _ in searches}
    for search_id, article_id, rank in clicks:
        assert live[by_id[search_id]][1][rank - 1] == article_id
    catalog_ids = {entry["id"] for entry in service.state().catalog.values()}
    assert voted and voted <= catalog_ids
    assert logged_views == 0 and {article_id for _, article_id, _ in clicks} <= set(viewed)
