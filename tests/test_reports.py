"""Reports: known events in, known figures out, on the page, the JSON twin, the CSV and the CLI."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from conftest_staff import TODAY, add_staff, csrf_of, day, event, login, make_site, vote
import helpsvc.cli as cli_module
from helpsvc.reports.stats import compare, wilson_interval, wilson_lower_bound, Helpfulness
from helpsvc.store.upkeep import Maintenance, update_rollups
from helpsvc.reports.charts import Series, bar_chart, line_chart, sparkline

ENV = {"HELPSVC_SECRET_KEY": "k" * 40, "HELPSVC_K_THRESHOLD": "3", "HELPSVC_ROLLUP_INTERVAL_SECONDS": "0"}


@pytest.fixture
def site(tmp_path: Path, database_url: str):
    app, services = make_site(tmp_path, database_url=database_url)
    add_staff(services, "ada", "admin")
    with TestClient(app) as client:
        assert login(client, "ada").status_code == 303
        yield services, client


def roll(services) -> None:
    services.store.flush()
    update_rollups(services.store, TODAY, services.settings.event_retention_days)


def searches(services) -> None:
    """Known search traffic on day(1) (and day(2)), with k = 3."""
    for v in "abc":
        event(services, "search", v, day(1), query="dark mode", results=0, search_id=f"dm-{v}", locale="en-US")
    for n, v in enumerate("abcd"):
        event(services, "search", v, day(1), query="share screen", results=5, search_id=f"ss-{v}", locale="en-US")
        if v != "d":
            event(services, "click", v, day(1), search_id=f"ss-{v}", article_id="share-screen", rank=1, locale="en-US")
    vote(services, "share-screen", False, "a", day(1), reasons=("incorrect",))
    # Below k: one visitor five times and one more visitor is two visitors, not six.
    for _ in range(5):
        event(services, "search", "d", day(1), query="rare thing", results=2, search_id="rt-d", locale="en-US")
    event(services, "search", "e", day(1), query="rare thing", results=2, search_id="rt-e", locale="en-US")
    # Below k on each day, even if four visitors over two days.
    for v, on in (("f", day(1)), ("g", day(1)), ("h", day(2)), ("i", day(2))):
        event(services, "search", v, on, query="split query", results=1, search_id=f"sp-{v}", locale="en-US")


# ---------------------------------------------------------------- scoring


def test_wilson_interval_known_values_and_ranking() -> None:
    low, high = wilson_interval(8, 10)
    assert round(low, 4) == 0.4902 and round(high, 4) == 0.9433
    assert wilson_interval(0, 0) == (0.0, 1.0)
    assert wilson_lower_bound(10, 10) < 1.0
    # 3 of 3 is weaker evidence than 180 of 200, though its raw share is higher.
    assert wilson_lower_bound(3, 3) < wilson_lower_bound(180, 200)
    with pytest.raises(ValueError):
        wilson_interval(5, 4)


def test_compare_says_when_there_are_too_few_votes_and_when_an_edit_helped() -> None:
    few = compare(Helpfulness(2, 3), Helpfulness(5, 0))
    assert few["verdict"] == "too-few-votes" and few["message"].startswith("Too few votes to tell")
    better = compare(Helpfulness(10, 20), Helpfulness(27, 3))
    assert better["verdict"] == "better" and better["difference"] == round(0.9 - 1 / 3, 4)
    assert 0 < better["low"] < better["difference"] < better["high"]
    worse = compare(Helpfulness(27, 3), Helpfulness(10, 20))
    assert worse["verdict"] == "worse"
    same = compare(Helpfulness(20, 10), Helpfulness(21, 10))
    assert same["verdict"] == "no-clear-change" and same["low"] < 0 < same["high"]


# ---------------------------------------------------------------- articles


def test_articles_report_figures_and_needs_attention_first(site) -> None:
    services, client = site
    for n in range(6):
        event(services, "view", f"v{n}", day(1), article_id="share-screen", locale="en-US")
    for n, (helpful, reasons, comment) in enumerate([
        (True, ("clear",), "Great"), (True, ("clear", "easy"), None), (True, ("clear",), None), (True, (), None),
        (False, ("incorrect",), "Wrong button"),
    ]):
        vote(services, "share-screen", helpful, f"v{n}", day(2), reasons=reasons, comment=comment)
    for n in range(10):
        vote(services, "reset-password", n < 2, f"w{n}", day(3), reasons=("too-technical",) if n >= 2 else ())
    roll(services)
    data = client.get("/api/v1/reports/articles").json()
    rows = data["tables"]["articles"]["rows"]
    assert [r["id"] for r in rows] == ["reset-password", "share-screen"]
    reset, share = rows
    assert reset["needs_attention"] is True and share["needs_attention"] is False
    assert (share["views"], share["yes"], share["no"], share["comments"]) == (6, 4, 1, 2)
    assert share["helpful"] == 0.8
    assert share["score"] == round(wilson_lower_bound(4, 5), 4)
    assert share["top_reasons"][0] == {"reason": "clear", "label": "Clear instructions", "helpful": True, "votes": 3}
    assert reset["top_reasons"][0]["votes"] == 8
    assert share["trend"][-1] == 6 or share["trend"][-2] == 6  # day 1 falls in this week or the last
    assert data["summary"] == {"articles": 2, "views": 6, "votes": 15, "helpful": 0.4, "needs_attention": 1, "pages": 1}
    by_score = client.get("/api/v1/reports/articles?sort=score&order=desc").json()["tables"]["articles"]["rows"]
    assert [r["id"] for r in by_score] == ["share-screen", "reset-password"]
    assert [r["id"] for r in client.get("/api/v1/reports/articles?product=relay-web").json()["tables"]["articles"]["rows"]] == ["reset-password"]
    assert [r["id"] for r in client.get("/api/v1/reports/articles?topic=meetings").json()["tables"]["articles"]["rows"]] == ["share-screen"]
    # de-DE has only share-screen, and no votes in German.
    german = client.get("/api/v1/reports/articles?locale=de-DE").json()["tables"]["articles"]["rows"]
    assert [(r["id"], r["votes"]) for r in german] == [("share-screen", 0)]
    # Outside the period, nothing counts.
    old = client.get(f"/api/v1/reports/articles?since={day(60)}&until={day(30)}").json()
    assert old["summary"]["votes"] == 0
    page = client.get("/reports/articles")
    assert page.status_code == 200
    assert "needs attention" in page.text and "<svg" in page.text
    assert " style=" not in page.text  # the CSP forbids inline styles
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert client.get("/api/v1/reports/articles?sort=bogus").status_code == 400
    assert client.get("/api/v1/reports/articles?since=yesterday").status_code == 400


def test_article_detail_comments_searches_and_timeline(site) -> None:
    services, client = site
    searches(services)
    for n in range(21):
        vote(services, "share-screen", n % 3 != 0, f"c{n}", day(1 + n % 7), comment=f"comment number {n}")
    vote(services, "share-screen", False, "x", day(1), comment='=HYPERLINK("http://evil.example")')
    roll(services)
    first = client.get("/api/v1/reports/article?id=share-screen").json()
    comments = first["tables"]["comments"]
    assert comments["total"] == 22 and len(comments["rows"]) == 20
    hours = [r["hour"] for r in comments["rows"]]
    assert hours == sorted(hours, reverse=True)
    second = client.get("/api/v1/reports/article?id=share-screen&page=2").json()["tables"]["comments"]["rows"]
    assert len(second) == 2
    assert {r["query"] for r in first["tables"]["searches"]["rows"]} == {"share screen"}
    assert first["tables"]["searches"]["rows"][0]["clicks"] == 3
    timeline = first["tables"]["timeline"]["rows"]
    assert sum(r["yes"] + r["no"] for r in timeline) == first["summary"]["votes"] == 23
    assert all("visitor" not in row for table in first["tables"].values() for row in table["rows"])
    exported = client.get("/reports/article.csv?id=share-screen&section=comments").text
    rows = list(csv.reader(io.StringIO(exported)))
    assert len(rows) == 1 + 22
    assert any(cell.startswith("'=HYPERLINK") for row in rows for cell in row)
    assert not any(cell.startswith("=") for row in rows for cell in row)
    page = client.get("/reports/article?id=share-screen")
    assert page.status_code == 200 and page.text.count("<svg") >= 3
    assert client.get("/api/v1/reports/article?id=no-such-article").status_code == 404
    assert client.get("/api/v1/reports/article").status_code == 400


def test_did_my_edit_help_compares_revisions(site) -> None:
    services, client = site
    current = services.search.article("reset-password").revision
    for n in range(30):
        vote(services, "reset-password", n < 10, f"old{n}", day(20), revision="0ld0ld0ld0ld")
        vote(services, "reset-password", n < 27, f"new{n}", day(5), revision=current)
    for n in range(5):
        vote(services, "share-screen", True, f"a{n}", day(9), revision="aaaa")
        vote(services, "share-screen", n < 2, f"b{n}", day(4), revision="bbbb")
    roll(services)
    revisions = client.get(f"/api/v1/reports/article?id=reset-password&since={day(40)}").json()["tables"]["revisions"]["rows"]
    assert [(r["revision"], r["yes"], r["no"], r["current"]) for r in revisions] == [
        ("0ld0ld0ld0ld", 10, 20, False), (current, 27, 3, True)]
    assert revisions[0]["change"] == "first"
    assert revisions[1]["change"] == "better"
    assert revisions[1]["difference"] == round(0.9 - 1 / 3, 4)
    assert revisions[1]["message"].startswith("Helpfulness went up from 33% to 90%")
    few = client.get("/api/v1/reports/article?id=share-screen").json()["tables"]["revisions"]["rows"]
    assert few[1]["change"] == "too-few-votes"
    page = client.get("/reports/article?id=share-screen").text
    assert "Too few votes to tell" in page


# ---------------------------------------------------------------- search


def test_search_report_gaps_clicks_no_votes_and_k_threshold(site) -> None:
    services, client = site
    searches(services)
    roll(services)
    data = client.get("/api/v1/reports/search").json()
    tables = data["tables"]
    assert [(r["query"], r["zero_results"], r["visitors"]) for r in tables["gaps"]["rows"]] == [("dark mode", 3, 3)]
    top = {r["query"]: r for r in tables["top_queries"]["rows"]}
    assert set(top) == {"share screen", "dark mode"}
    assert (top["share screen"]["searches"], top["share screen"]["visitors"], top["share screen"]["ctr"]) == (4, 4, 0.75)
    assert [(r["query"], r["no_click"]) for r in tables["no_click"]["rows"]] == [("share screen", 1)]
    assert [(r["query"], r["no_votes"]) for r in tables["no_votes"]["rows"]] == [("share screen", 1)]
    assert data["summary"]["searches"] == 3 + 4 + 6 + 4
    assert data["summary"]["zero_results"] == 3 and data["summary"]["clicked"] == 3
    assert data["summary"]["other_queries"] == 6 + 4
    # Queries under the threshold appear nowhere: not in the JSON, the CSV, the page or the CLI.
    exports = [
        json.dumps(data),
        *(client.get(f"/reports/search.csv?section={name}").text for name in tables),
        client.get("/reports/search").text,
        client.get("/reports/synonyms").text,
        json.dumps(client.get("/api/v1/reports/article?id=share-screen").json()),
    ]
    result = CliRunner().invoke(cli_module.cli, ["report", "search", "--db", services.settings.database_url, "--index",
                                                 str(services.settings.index_dir)], env=ENV)
    assert result.exit_code == 0, result.output
    exports.append(result.output)
    assert "dark mode" in exports[0] and "dark mode" in exports[-1] and "dark mode" in exports[-4]
    for text in exports:
        assert "rare thing" not in text and "split query" not in text
    # With k = 5 even "dark mode" (3 visitors) is hidden.
    strict = CliRunner().invoke(cli_module.cli, ["report", "search", "--format", "json", "--db", services.settings.database_url],
                                env={**ENV, "HELPSVC_K_THRESHOLD": "5"})
    assert "dark mode" not in strict.output and json.loads(strict.output)["summary"]["other_queries"] == 17


def test_reformulations_become_synonyms_a_writer_can_accept(site) -> None:
    services, client = site
    searches(services)
    roll(services)
    suggested = client.get("/api/v1/reports/synonyms").json()["tables"]["suggestions"]["rows"]
    assert [(r["from_query"], r["to_query"], r["visitors"], r["from_zero_rate"]) for r in suggested] == [
        ("dark mode", "share screen", 3, 1.0)]
    csrf = csrf_of(client)
    response = client.post("/reports/synonyms", data={"csrf_token": csrf, "locale": "en-US", "from_query": "dark mode",
                                                      "to_query": "share screen", "decision": "accept"}, follow_redirects=False)
    assert response.status_code == 303
    synonyms = (Path(services.settings.content_dir) / "synonyms" / "en-US.txt").read_text(encoding="utf-8")
    assert synonyms.startswith("# groups\nsign in = log in\n") and synonyms.endswith("dark mode = share screen\n")
    after = client.get("/api/v1/reports/synonyms").json()["tables"]
    assert after["suggestions"]["rows"] == []
    assert after["decided"]["rows"] == [{"locale": "en-US", "from_query": "dark mode", "to_query": "share screen", "decision": "accept"}]
    refused = client.post("/api/v1/reports/synonyms", headers={"X-CSRF-Token": csrf},
                          json={"locale": "en-US", "from_query": "a = b", "to_query": "c", "decision": "accept"})
    assert refused.status_code == 400


def test_mined_abbreviations_are_shown_to_writers_who_can_reject_them(tmp_path: Path, database_url: str) -> None:
    content = tmp_path / "content" / "en-US"
    content.mkdir(parents=True)
    for article_id, title, body in (
        ("branch", "Plan branch sites", "A Survivable Branch Appliance (SBA) keeps calls working when the WAN fails."),
        ("outage", "Calls during an outage", "The survivable branch appliance takes over registration."),
        ("upgrade", "Upgrade branch devices", "Before you upgrade an SBA, drain its calls."),
    ):
        (content / f"{article_id}.md").write_text(f"---\nid: {article_id}\ntitle: {title}\n---\n\n{body}\n", encoding="utf-8")
    app, services = make_site(tmp_path, database_url=database_url, index_check_seconds=0.0)
    add_staff(services, "wren", "writer")
    with TestClient(app) as client:
        assert login(client, "wren").status_code == 303
        mined = {"locale": "en-US", "from_query": "sba", "to_query": "survivable branch appliance", "articles": 1}
        assert client.get("/api/v1/reports/synonyms").json()["tables"]["abbreviations"]["rows"] == [mined]
        page = client.get("/reports/synonyms").text
        assert 'id="t-abbreviations"' in page and "survivable branch appliance" in page
        found = {hit["id"] for hit in client.get("/api/v1/search", params={"q": "sba"}).json()["hits"]}
        assert "outage" in found, "search expands the mined abbreviation until a writer rejects it"

        csrf = csrf_of(client)
        wrong = client.post("/api/v1/reports/synonyms", headers={"X-CSRF-Token": csrf},
                            json={"locale": "en-US", "from_query": "sba", "to_query": "survivable branch appliance",
                                  "decision": "dismiss", "source": "guess"})
        assert wrong.status_code == 400 and "source" in wrong.json()["error"]["message"]
        response = client.post("/reports/synonyms", follow_redirects=False, data={
            "csrf_token": csrf, "source": "abbreviation", "locale": "en-US", "from_query": "sba",
            "to_query": "survivable branch appliance", "decision": "dismiss"})
        assert response.status_code == 303
        synonyms = (tmp_path / "content" / "synonyms" / "en-US.txt").read_text(encoding="utf-8")
        assert synonyms.startswith("# groups\nsign in = log in\n") and synonyms.endswith("sba != survivable branch appliance\n")
        after = client.get("/api/v1/reports/synonyms").json()["tables"]
        assert after["abbreviations"]["rows"] == []
        assert after["decided"]["rows"] == [{"locale": "en-US", "from_query": "sba", "to_query": "survivable branch appliance",
                                             "decision": "dismiss"}]
        found = {hit["id"] for hit in client.get("/api/v1/search", params={"q": "sba"}).json()["hits"]}
        assert "outage" not in found and {"branch", "upgrade"} <= found


# ---------------------------------------------------------------- rollups and upkeep


def test_rollups_keep_the_figures_after_raw_events_expire(site) -> None:
    services, client = site
    searches(services)
    roll(services)
    before = client.get("/api/v1/reports/search").json()
    later = TODAY + dt.timedelta(days=90)
    counts = services.store.purge(later, 30, 30)
    assert counts["events"] > 0 and services.store.count("events") == 0
    assert client.get("/api/v1/reports/search").json() == before


def test_maintenance_rolls_up_late_days_before_purging_and_runs_once(site) -> None:
    services, client = site
    old_day = day(35)  # older than the 30-day retention, never rolled up
    for v in "abc":
        event(services, "search", v, old_day, query="dark mode", results=0, search_id=f"x-{v}", locale="en-US")
        event(services, "search", v, day(1), query="dark mode", results=0, search_id=f"y-{v}", locale="en-US")
    services.store.flush()
    k = services.settings.k_threshold  # 3: "dark mode" had 3 visitors on each day, so its text stays
    first = Maintenance(services.store, 60, 30, 90, k=k)
    second = Maintenance(services.store, 60, 30, 90, k=k)
    result = first.run_once()
    assert result["ran"] and day(1) in result["built"]
    assert result["purged"]["events"] == 3
    assert second.run_once() == {"ran": False}
    gaps = client.get(f"/api/v1/reports/search?since={day(40)}").json()["tables"]["gaps"]["rows"]
    assert gaps == [{"query": "dark mode", "visitors": 6, "searches": 6, "zero_results": 6, "clicked": 0, "no_votes": 0,
                     "no_click": 0, "zero_rate": 1.0, "ctr": 0.0}]
    # The purge runs once a day; the rollups keep running.
    assert first.run_once()["purged"] is None


def test_cli_report_prints_what_the_json_twin_shows(site) -> None:
    services, client = site
    searches(services)
    roll(services)
    api = client.get("/api/v1/reports/article?id=share-screen").json()
    result = CliRunner().invoke(cli_module.cli, ["report", "article", "share-screen", "--format", "json", "--db",
                                                 services.settings.database_url, "--index", str(services.settings.index_dir)], env=ENV)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == api
    text = CliRunner().invoke(cli_module.cli, ["report", "articles", "--db", services.settings.database_url, "--index",
                                               str(services.settings.index_dir)], env=ENV)
    assert "Share your screen" in text.output and "Reset your password" in text.output
    csv_out = CliRunner().invoke(cli_module.cli, ["report", "search", "--format", "csv", "--section", "gaps", "--db",
                                                  services.settings.database_url], env=ENV)
    assert list(csv.reader(io.StringIO(csv_out.output))) == [["query", "zero_results", "searches", "visitors"], ["dark mode", "3", "3", "3"]]
    missing = CliRunner().invoke(cli_module.cli, ["report", "article", "--db", services.settings.database_url], env=ENV)
    assert missing.exit_code != 0 and "needs the article id" in missing.output


def test_demo_data_fills_every_report(tmp_path: Path) -> None:
    app, services = make_site(tmp_path)
    result = CliRunner().invoke(cli_module.cli, ["demo-data", "--days", "5", "--visitors", "400", "--db", str(tmp_path / "t.db"),
                                                 "--index", str(tmp_path / "index")], env=ENV)
    assert result.exit_code == 0, result.output
    add_staff(services, "ada", "admin")
    with TestClient(app) as client:
        login(client, "ada")
        articles = client.get("/api/v1/reports/articles").json()
        assert articles["summary"]["votes"] > 50 and articles["summary"]["views"] > 200
        search = client.get("/api/v1/reports/search").json()
        assert search["tables"]["gaps"]["rows"] and search["tables"]["synonyms"]["rows"]
        assert search["summary"]["other_queries"] >= 0 and search["summary"]["ctr"] > 0.3


# ---------------------------------------------------------------- charts


def test_charts_are_well_formed_svg_without_inline_styles() -> None:
    charts = [
        line_chart(["01", "02", "03"], [Series("Helpful", [0.5, None, 0.75], band=[(0.3, 0.7), None, (0.6, 0.9)])], "H", percent=True),
        line_chart([], [Series("Views", [])], "Empty"),
        sparkline([1.0, 3.0, 2.0], "trend"),
        bar_chart([("Yes: Clear <instructions>", 30.0, "yes"), ("No: Incorrect", 15.0, "no")], "Reasons"),
    ]
    for chart in charts:
        root = ET.fromstring(str(chart))
        assert root.tag.endswith("svg") and root.get("role") == "img"
        assert "style=" not in str(chart)
        assert root.find("{http://www.w3.org/2000/svg}title") is not None
    bars = [r for r in ET.fromstring(str(charts[3])).iter("{http://www.w3.org/2000/svg}rect")]
    assert float(bars[0].get("width")) == pytest.approx(2 * float(bars[1].get("width")))
    assert bars[0].get("fill") != bars[1].get("fill")
    assert "&lt;instructions&gt;" in str(charts[3])
    # A missing value breaks the line instead of bridging the gap.
    assert str(charts[0]).count("<polyline") == 2


def test_rollup_command_builds_due_days_and_refuses_expired_ones(site) -> None:
    services, client = site
    searches(services)
    services.store.flush()
    db = services.settings.database_url
    built = CliRunner().invoke(cli_module.cli, ["rollup", "--db", db], env=ENV)
    assert built.exit_code == 0 and "Built rollups for 31 days" in built.output
    assert client.get("/api/v1/reports/search").json()["summary"]["searches"] == 17
    again = CliRunner().invoke(cli_module.cli, ["rollup", "--db", db], env=ENV)
    assert "Built rollups for 2 days" in again.output  # only today and yesterday are not final yet
    expired = CliRunner().invoke(cli_module.cli, ["rollup", "--day", day(45), "--db", db], env=ENV)
    assert expired.exit_code != 0 and "raw events are gone" in expired.output


def test_hostile_text_is_escaped_in_staff_reports(site) -> None:
    services, client = site
    payload = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    vote(services, "share-screen", False, "xss", day(1), comment=payload)
    for v in "abc":
        event(services, "search", v, day(1), query=payload, results=0, search_id=f"x-{v}", locale="en-US")
    roll(services)
    for url in ["/reports/article?id=share-screen", "/reports/search", "/reports/articles"]:
        page = client.get(url)
        assert page.status_code == 200
        assert "<script>alert(1)" not in page.text and "<img src=x" not in page.text, url
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get("/reports/article?id=share-screen").text
    assert "&lt;script&gt;" in client.get("/reports/search").text  # shown (3 visitors = k), escaped


def test_count_charts_have_whole_number_gridlines() -> None:
    for top in ([0, 1, 1], [3, 7, 10], [12, 19], [0, 0]):
        svg = str(line_chart(["a", "b", "c"][: len(top)], [Series("Views", [float(v) for v in top])], "Views"))
        labels = re.findall(r'<text x="42" [^>]*text-anchor="end"[^>]*>([^<]+)</text>', svg)  # the y axis
        assert labels and all(label.replace(",", "").isdigit() for label in labels), labels
