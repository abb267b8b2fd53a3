"""Feedback: validation, deduplication, the no-JavaScript form, clicks, exports and retention."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from helpsvc.cli import cli
from helpsvc.store import Client, Event, Feedback, SQLiteStore, open_store
from helpsvc.store.rollups import Rollups


def _post(client, body, **kwargs):
    return client.post("/api/v1/feedback", json=body, **kwargs)


def test_feedback_is_stored_scrubbed_and_exported_with_the_same_id(client, tmp_path: Path) -> None:
    response = _post(client, {
        "article_id": "sign-in", "helpful": False, "reasons": ["too-technical", "incorrect"],
        "comment": "Step 3 is wrong, write to maria.keller@contoso.com", "locale": "en-US",
        "client": {"name": "Relay", "version": "16.0.4711.1000", "os": "Windows 11 Enterprise"},
    })
    assert response.status_code == 201, response.text
    feedback_id = response.json()["id"]
    services = client.app.state.site
    row = services.store.feedback_by_id(feedback_id)
    assert row is not None  # acknowledged means committed: readable at once from another connection
    assert "maria.keller" not in row["comment"] and "{{EMAIL}}" in row["comment"]
    assert (row["client_name"], row["client_major"], row["os_family"]) == ("relay", "16", "windows")
    assert row["hour"].endswith(":00Z") and len(row["visitor"]) == 32
    assert row["revision"] == client.get("/api/v1/articles/sign-in").json()["revision"]
    db = services.settings.database_url.removeprefix("sqlite:///")
    out = CliRunner().invoke(cli, ["export", "feedback", "--db", db, "--format", "jsonl"])
    assert out.exit_code == 0, out.output
    exported = [json.loads(line) for line in out.output.splitlines()]
    assert [e["id"] for e in exported] == [feedback_id]
    assert exported[0]["reasons"] == ["too-technical", "incorrect"] and "visitor" not in exported[0]
    csv_out = CliRunner().invoke(cli, ["export", "votes", "--db", db, "--format", "csv"])
    assert csv_out.output.splitlines()[0].startswith("id,article_id") and feedback_id in csv_out.output


@pytest.mark.parametrize(
    "body, status, message",
    [
        ({"article_id": "nope", "helpful": True}, 404, "no article with id 'nope'"),
        ({"article_id": "sign-in", "helpful": True, "reasons": ["incorrect"]}, 400, "unknown reason 'incorrect' for a Yes answer"),
        ({"article_id": "sign-in", "helpful": False, "reasons": ["clear"]}, 400, "unknown reason 'clear' for a No answer"),
        ({"article_id": "sign-in", "helpful": True, "comment": "x" * 2001}, 400, "at most 2000"),
        ({"article_id": "sign-in", "helpful": "yes"}, 400, "'helpful' is required and must be true or false"),
        ({"article_id": 5, "helpful": True}, 400, "'article_id' is required"),
        ({"helpful": True}, 400, "'article_id' is required"),
        ({"article_id": "sign-in"}, 400, "'helpful' is required"),
        ({"article_id": "sign-in", "helpful": True, "reasons": "clear"}, 400, "'reasons' must be a list"),
        ({"article_id": "sign-in", "helpful": True, "rating": 5}, 400, "unknown field 'rating'"),
        ({"article_id": "sign-in", "helpful": True, "client": {"ip": "1.2.3.4"}}, 400, "unknown client field 'ip'"),
        ({"article_id": "sign-in", "helpful": True, "locale": "../x"}, 400, "'locale' must be one of en-US, de-DE, fr-FR"),
        ([1, 2], 400, "must be a JSON object"),
    ],
)
def test_bad_feedback_is_refused_with_a_message(client, body, status: int, message: str) -> None:
    response = _post(client, body)
    assert response.status_code == status
    assert message in response.json()["error"]["message"]
    assert client.app.state.site.store.count("feedback") == 0


def test_malformed_bodies_get_clear_errors(client) -> None:
    not_json = client.post("/api/v1/feedback", content=b"{nope", headers={"content-type": "application/json"})
    assert not_json.status_code == 400 and "not valid JSON" in not_json.json()["error"]["message"]
    bad_utf8 = client.post("/api/v1/feedback", content=b'{"comment": "\xff\xfe"}', headers={"content-type": "application/json"})
    assert bad_utf8.status_code == 400 and "UTF-8" in bad_utf8.json()["error"]["message"]
    wrong_type = client.post("/api/v1/feedback", content=b"article_id=x", headers={"content-type": "text/plain"})
    assert wrong_type.status_code == 415
    nan = client.post("/api/v1/feedback", content=b'{"article_id": "sign-in", "helpful": NaN}', headers={"content-type": "application/json"})
    assert nan.status_code == 400
    huge = client.post("/api/v1/feedback", content=b"{" + b" " * 70_000 + b"}", headers={"content-type": "application/json"})
    assert huge.status_code == 413


def test_one_vote_per_visitor_per_article_per_day(client) -> None:
    first = _post(client, {"article_id": "calls-make", "helpful": True})
    second = _post(client, {"article_id": "calls-make", "helpful": False, "reasons": ["too-technical"]})
    other_article = _post(client, {"article_id": "calls-video", "helpful": True})
    assert first.status_code == second.status_code == other_article.status_code == 201
    store = client.app.state.site.store
    assert store.count("feedback") == 2
    row = store.feedback_by_id(second.json()["id"])
    assert row["helpful"] == 0 and json.loads(row["reasons"]) == ["too-technical"]
    assert store.feedback_by_id(first.json()["id"]) is None  # replaced, not added
    another_visitor = _post(client, {"article_id": "calls-make", "helpful": True}, headers={"user-agent": "Other/1.0"})
    assert another_visitor.status_code == 201 and store.count("feedback") == 3


def _stamp(html: str) -> str:
    return re.search(r'name="stamp" value="([^"]+)"', html).group(1)


def test_the_form_works_without_javascript_in_two_steps(make_app) -> None:
    client = make_app(feedback_min_seconds=0.0)
    stamp = _stamp(client.get("/articles/voicemail-setup").text)
    vote = client.post("/feedback", data={"article_id": "voicemail-setup", "helpful": "no", "step": "vote", "stamp": stamp, "website": ""})
    assert vote.status_code == 200
    assert "What affected your experience?" in vote.text and "Too technical" in vote.text and "Clear instructions" not in vote.text
    details = client.post("/feedback", data={
        "article_id": "voicemail-setup", "helpful": "no", "step": "details", "stamp": _stamp(vote.text),
        "reasons": ["too-technical", "not-enough-pictures"], "comment": "Call me on +44 20 7946 0958",
    })
    assert details.status_code == 201 and "Thank you for your feedback!" in details.text
    store = client.app.state.site.store
    assert store.count("feedback") == 1
    (row,) = list(store.export("feedback"))
    assert row["reasons"] == ["too-technical", "not-enough-pictures"]
    assert "7946" not in row["comment"]


def test_article_page_offers_the_widget_without_a_per_page_token(client) -> None:
    html = client.get("/articles/sign-in").text
    assert "Was this information helpful?" in html and "What affected your experience?" in html
    assert "Any additional feedback?" in html and 'maxlength="2000"' in html
    assert "IT admin may be able to collect it" in html and 'href="/privacy"' in html
    assert "csrf" not in html.lower()
    # Nothing in the page is tied to one reader: a cached copy votes as well as a fresh one.
    assert re.sub(r'name="stamp" value="[^"]+"', "", html) == re.sub(r'name="stamp" value="[^"]+"', "", client.get("/articles/sign-in").text)


def test_scrubbing_fails_closed(make_app) -> None:
    def broken(text: str) -> str:
        raise RuntimeError("detector crashed")

    client = make_app(scrub=broken)
    secret = "my card is 4111 1111 1111 1111"
    response = _post(client, {"article_id": "sign-in", "helpful": False, "comment": secret})
    assert response.status_code == 201
    row = client.app.state.site.store.feedback_by_id(response.json()["id"])
    assert row["comment"] is None and row["comment_dropped"] == 1  # the vote is kept, the text is not
    client.get("/api/v1/search", params={"q": secret})
    client.app.state.site.store.flush()
    (search,) = list(client.app.state.site.store.export("searches"))
    assert search["query"] is None


def test_searches_and_clicks_are_logged_anonymously(client) -> None:
    data = client.get("/api/v1/search", params={"q": "Headset for jane.doe@contoso.com"}).json()
    assert data["search_id"] and data["hits"]
    click_url = data["hits"][0]["click_url"]
    # The link names the search by a random id and the article; the query never travels in it.
    assert set(parse_qs(urlsplit(click_url).query)) == {"a", "r", "locale"} and "contoso" not in click_url
    response = client.get(click_url, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == data["hits"][0]["url"]
    client.get("/api/v1/suggest", params={"q": "head"})  # autocomplete is never logged as a search
    store = client.app.state.site.store
    store.flush()
    rows = store.query("SELECT kind, query, search_id, article_id, rank FROM events ORDER BY id")
    searches = [r for r in rows if r[0] == "search"]
    clicks = [r for r in rows if r[0] == "click"]
    assert len(searches) == 1 and searches[0][1] == "headset for {{EMAIL}}"
    assert clicks == [("click", None, data["search_id"], data["hits"][0]["id"], 1)]


def test_click_links_cannot_redirect_elsewhere(client) -> None:
    response = client.get("/go/0123456789abcdef", params={"a": "//evil.example", "r": 1}, follow_redirects=False)
    assert response.status_code == 404
    assert client.get("/go/not-an-id", params={"a": "sign-in"}, follow_redirects=False).status_code == 400


def test_article_views_are_counted(client) -> None:
    client.get("/articles/sign-in")
    client.get("/api/v1/articles/sign-in")
    store = client.app.state.site.store
    store.flush()
    # Counted, hour by hour, with nothing of the reader: no visitor, no client, no event row.
    assert store.query("SELECT SUM(views) FROM view_counts WHERE article_id = 'sign-in'")[0][0] == 2
    assert store.query("SELECT COUNT(*) FROM events WHERE kind = 'view'")[0][0] == 0


def test_views_counted_and_views_logged_before_the_counters_roll_up_alike(database_url: str) -> None:
    store = open_store(database_url)
    store.migrate()
    day = "2026-11-20"
    for hour in ("T09:00Z", "T09:00Z", "T10:00Z"):
        store.add_view(day, day + hour, "sign-in", "en-US")
    store.add_view(day, day + "T10:00Z", "sign-in", "de-DE")
    store.add_view("2026-11-21", "2026-11-21T00:00Z", "sign-in", "en-US")  # the next day is its own
    store.add_event(Event(kind="view", visitor="v", day=day, hour=day + "T08:00Z", article_id="sign-in", locale="en-US"))
    store.flush()
    assert store.query("SELECT hour, views FROM view_counts WHERE day = ? AND locale = 'en-US' ORDER BY hour", (day,)) == [
        (day + "T09:00Z", 2), (day + "T10:00Z", 1)]
    rollups = Rollups(store)
    rollups.build_day(day, final=True)
    assert sorted(store.query("SELECT article_id, locale, views FROM rollup_views WHERE day = ?", (day,))) == [
        ("sign-in", "de-DE", 1), ("sign-in", "en-US", 4)]
    # A day with only counted views still needs its final rollup before it expires.
    assert rollups.unfinished_raw_days("2026-12-01") == ["2026-11-21"]
    store.close()


def _feedback(day: dt.date, comment: str | None = "text") -> Feedback:
    return Feedback(
        id=f"fb-{day.isoformat()}", article_id="a", locale="en-US", revision="r", helpful=True, reasons=(),
        comment=comment, comment_dropped=False, visitor=f"v-{day}", day=day.isoformat(),
        hour=f"{day.isoformat()}T10:00Z", client=Client(), org="",
    )


def test_purge_keeps_what_is_within_retention(database_url: str) -> None:
    store = open_store(database_url)
    store.migrate()
    today = dt.date(2026, 11, 29)
    for age in (0, 29, 31, 89, 91):
        day = today - dt.timedelta(days=age)
        store.add_feedback_sync(_feedback(day))
        store.add_event(Event(kind="search", visitor="v", day=day.isoformat(), hour=f"{day}T01:00Z", query="q"))
        store.add_view(day.isoformat(), f"{day}T01:00Z", "a", "en-US")
    for age in (0, 1, 2, 3):
        store.salt((today - dt.timedelta(days=age)).isoformat())
    store.flush()
    counts = store.purge(today, event_days=30, comment_days=90)
    assert counts == {"events": 3, "view_counts": 3, "feedback": 1, "salts": 2}
    assert sorted(r[0] for r in store.query("SELECT day FROM events")) == [(today - dt.timedelta(days=a)).isoformat() for a in (29, 0)]
    assert store.salt_days() == [(today - dt.timedelta(days=1)).isoformat(), today.isoformat()]
    store.close()


def test_purge_command_uses_the_configured_database(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    store = SQLiteStore(db)
    store.migrate()
    store.add_event(Event(kind="view", visitor="v", day="2000-01-01", hour="2000-01-01T00:00Z"))
    store.close()
    result = CliRunner().invoke(cli, ["purge", "--db", str(db)])
    assert result.exit_code == 0 and "Deleted 1 events" in result.output


def test_export_refuses_bad_dates_with_a_message(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["export", "feedback", "--db", str(tmp_path / "e.db"), "--since", "yesterday"])
    assert result.exit_code == 2 and "expected a date like 2026-01-31" in result.output


def test_honeypot_and_too_fast_forms_are_counted_not_stored(make_app) -> None:
    client = make_app(feedback_min_seconds=30.0)
    stamp = _stamp(client.get("/articles/sign-in").text)
    bot = client.post("/feedback", data={"article_id": "sign-in", "helpful": "no", "stamp": stamp, "website": "http://spam.example"})
    assert bot.status_code == 201 and "Thank you" in bot.text  # a bot learns nothing
    hasty = client.post("/feedback", data={"article_id": "sign-in", "helpful": "no", "stamp": stamp})
    assert hasty.status_code == 429 and "very quick" in hasty.text
    forged = client.post("/feedback", data={"article_id": "sign-in", "helpful": "no", "stamp": "1.deadbeef"})
    assert forged.status_code == 429
    services = client.app.state.site
    assert services.store.count("feedback") == 0
    assert services.intake.spam.counts["honeypot"] == 1 and services.intake.spam.counts["too_fast"] == 2


def test_form_stamps_age_and_cannot_be_forged() -> None:
    from helpsvc.intake.abuse import FormStamp

    stamp = FormStamp("k", min_seconds=3).make(now=1000.0)
    assert FormStamp("k", 3).too_fast(stamp, now=1001.0)
    assert not FormStamp("k", 3).too_fast(stamp, now=1004.0)
    assert FormStamp("other key", 3).too_fast(stamp, now=5000.0)
    assert FormStamp("k", 3).too_fast("", now=5000.0)


def test_rate_limits_answer_429_with_retry_after(make_app) -> None:
    client = make_app(rate_limit_search=3, rate_limit_feedback=2)
    assert [client.get("/api/v1/search", params={"q": "mic"}).status_code for _ in range(4)] == [200, 200, 200, 429]
    limited = client.get("/search", params={"q": "mic"})
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    statuses = [client.post("/api/v1/feedback", json={"article_id": "sign-in", "helpful": True}).status_code for _ in range(3)]
    assert statuses == [201, 201, 429]
    assert client.get("/api/v1/articles/sign-in").status_code == 200  # reading is never limited


def test_a_limit_of_zero_turns_it_off(make_app) -> None:
    client = make_app(rate_limit_search=0)
    assert {client.get("/api/v1/search", params={"q": "mic"}).status_code for _ in range(200)} == {200}


def test_daily_cap_per_visitor(make_app) -> None:
    client = make_app(feedback_daily_cap=2)
    ids = ["sign-in", "calls-make", "calls-video"]
    statuses = [client.post("/api/v1/feedback", json={"article_id": a, "helpful": True}).status_code for a in ids]
    assert statuses == [201, 201, 429]
    # Changing a vote already cast today is not a new article: still allowed.
    assert client.post("/api/v1/feedback", json={"article_id": "sign-in", "helpful": False}).status_code == 201
    assert client.app.state.site.store.count("feedback") == 2
    assert client.app.state.site.intake.spam.counts["daily_cap"] == 1
