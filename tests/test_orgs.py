"""Organisations: policies from a file or the admin page, feedback and search logging turned off,
and an org-admin who sees their own organisation's feedback and nothing of any other."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from conftest_staff import add_staff, csrf_of, login, make_site
from helpsvc.intake.orgs import OrgPolicyError, load_policy_file

POLICY = """
[default]
feedback = true
search_logging = true

[orgs.contoso]
name = "Contoso Ltd"
feedback = false

[orgs.quiet]
search_logging = false
"""


@pytest.fixture
def site(tmp_path: Path, database_url: str):
    policy = tmp_path / "orgs.toml"
    policy.write_text(POLICY, encoding="utf-8")
    app, services = make_site(tmp_path, database_url=database_url, org_policy_file=str(policy), feedback_min_seconds=0.0)
    with TestClient(app) as client:
        yield services, client


def send(client: TestClient, org: str | None = None, comment: str = "", headers: dict[str, str] | None = None):
    body = {"article_id": "share-screen", "helpful": False, "reasons": ["incorrect"], "comment": comment}
    if org is not None:
        body["org"] = org
    return client.post("/api/v1/feedback", json=body, headers=headers or {})


def test_policy_file_in_toml_or_json(tmp_path: Path) -> None:
    toml = tmp_path / "p.toml"
    toml.write_text(POLICY, encoding="utf-8")
    default, orgs = load_policy_file(toml)
    assert default.feedback and default.search_logging
    assert (orgs["contoso"].feedback, orgs["contoso"].search_logging, orgs["contoso"].name) == (False, True, "Contoso Ltd")
    assert (orgs["quiet"].feedback, orgs["quiet"].search_logging) == (True, False)
    as_json = tmp_path / "p.json"
    as_json.write_text('{"default": {"feedback": false}, "orgs": {"acme": {"search_logging": false}}}', encoding="utf-8")
    default, orgs = load_policy_file(as_json)
    assert default.feedback is False
    # An organisation inherits what it does not set from the default.
    assert (orgs["acme"].feedback, orgs["acme"].search_logging) == (False, False)
    for text, complaint in (
        ("[orgs.acme]\nfeedback = 'no'\n", "must be true or false"),
        ("[orgs.acme]\ncomments = false\n", "unknown setting 'comments'"),
        ('[orgs."a b"]\nfeedback = false\n', "must be 1-64 letters"),
        ("[orgz.acme]\n", "unknown section 'orgz'"),
        ("[orgs.acme\n", "p.toml"),
    ):
        toml.write_text(text, encoding="utf-8")
        with pytest.raises(OrgPolicyError, match=re.escape(complaint)):
            load_policy_file(toml)
    with pytest.raises(OrgPolicyError, match="cannot read"):
        load_policy_file(tmp_path / "missing.toml")


def test_feedback_off_is_refused_with_a_clear_403_and_nothing_is_stored(site) -> None:
    services, client = site
    for response in (
        send(client, "contoso"),
        send(client, headers={"X-Helpsvc-Org": "contoso"}),
        client.post("/feedback", data={"article_id": "share-screen", "helpful": "yes", "org": "contoso",
                                       "stamp": services.intake.stamp.make()}),
    ):
        assert response.status_code == 403
        assert "Feedback is turned off for your organisation (contoso)" in response.text
    assert services.store.count("feedback") == 0
    accepted = send(client, "fabrikam")
    assert accepted.status_code == 201
    assert services.store.feedback_by_id(accepted.json()["id"])["org"] == "fabrikam"
    assert send(client).status_code == 201  # no organisation: the default policy


def test_the_widget_is_not_shown_when_feedback_is_off(site) -> None:
    _, client = site
    for response in (client.get("/articles/share-screen?org=contoso"),
                     client.get("/articles/share-screen", headers={"X-Helpsvc-Org": "contoso"})):
        assert response.status_code == 200
        assert 'id="feedback"' not in response.text and "Was this information helpful?" not in response.text
    assert client.get("/api/v1/articles/share-screen?org=contoso").json()["feedback"] is None
    assert client.get("/api/v1/articles/share-screen?org=fabrikam").json()["feedback"]["org"] == "fabrikam"
    with_org = client.get("/articles/share-screen?org=fabrikam").text
    assert with_org.count('<input type="hidden" name="org" value="fabrikam">') == 2
    assert 'data-article="share-screen"' in client.get("/articles/share-screen").text


def test_the_org_survives_the_two_step_html_form(site) -> None:
    services, client = site
    first = client.post("/feedback", data={"article_id": "share-screen", "helpful": "no", "org": "fabrikam",
                                           "stamp": services.intake.stamp.make()})
    assert first.status_code == 200
    assert '<input type="hidden" name="org" value="fabrikam">' in first.text
    details = client.post("/feedback", data={"article_id": "share-screen", "helpful": "no", "org": "fabrikam",
                                             "step": "details", "reasons": "incorrect", "comment": "Step 2 is wrong",
                                             "stamp": services.intake.stamp.make()})
    assert details.status_code == 201
    rows = list(services.store.export("feedback"))
    assert [(r["org"], r["reasons"], r["comment"]) for r in rows] == [("fabrikam", ["incorrect"], "Step 2 is wrong")]


def test_search_logging_off_stores_no_search(site) -> None:
    services, client = site
    quiet = client.get("/api/v1/search?q=share+screen&org=quiet").json()
    assert quiet["total"] > 0 and quiet["search_id"] is None
    assert all("click_url" not in hit for hit in quiet["hits"])
    assert client.get("/api/v1/search?q=share+screen", headers={"X-Helpsvc-Org": "quiet"}).json()["search_id"] is None
    services.store.flush()
    assert services.store.count("events") == 0
    logged = client.get("/api/v1/search?q=share+screen&org=fabrikam").json()
    assert logged["search_id"]
    link = logged["hits"][0]["click_url"]
    assert "org=fabrikam" in link
    redirect = client.get(link, follow_redirects=False)
    assert redirect.status_code == 303 and redirect.headers["location"].endswith("org=fabrikam")
    services.store.flush()
    rows = services.store.query("SELECT kind, org FROM events ORDER BY id")
    assert rows == [("search", "fabrikam"), ("click", "fabrikam")]


def test_org_ids_are_validated_strictly(site) -> None:
    services, client = site
    assert send(client, "contoso; drop table").status_code == 400
    assert send(client, headers={"X-Helpsvc-Org": "a" * 65}).status_code == 400
    assert client.get("/api/v1/search?q=x&org=../etc").status_code == 400
    assert client.get("/articles/share-screen?org=<b>").status_code == 400
    assert services.store.count("feedback") == 0


def test_an_org_admin_sees_only_their_own_organisation(site, tmp_path: Path) -> None:
    services, client = site
    for org, comment in (("fabrikam", "Fabrikam says: mail me at ann.lee@fabrikam.example"), ("northwind", "Northwind secret plan")):
        for n in range(3):
            # Three readers (the visitor hash differs by browser) in each organisation.
            assert send(client, org, comment, headers={"User-Agent": f"browser-{org}-{n}"}).status_code == 201
    add_staff(services, "it-fabrikam", "org-admin", org="fabrikam")
    add_staff(services, "ada", "admin")
    it = TestClient(client.app)
    assert login(it, "it-fabrikam").status_code == 303
    data = it.get("/api/v1/reports/org-feedback").json()
    rows = data["tables"]["feedback"]["rows"]
    assert data["summary"]["org"] == "fabrikam" and len(rows) == 3
    assert {r["org"] for r in rows} == {"fabrikam"}
    assert all("visitor" not in r for r in rows)
    assert "ann.lee@fabrikam.example" not in rows[0]["comment"] and "Fabrikam says" in rows[0]["comment"]
    exported = it.get("/reports/org-feedback.csv").text
    table = list(csv.DictReader(io.StringIO(exported)))
    assert [r["org"] for r in table] == ["fabrikam"] * 3 and "visitor" not in table[0]
    page = it.get("/reports/org-feedback").text
    assert "Fabrikam says" in page
    everything = exported + page + str(data)
    assert "Northwind" not in everything and "northwind" not in everything
    for url in ("/api/v1/reports/org-feedback?org=northwind", "/reports/org-feedback?org=northwind",
                "/reports/org-feedback.csv?org=northwind", "/api/v1/reports/articles", "/api/v1/reports/search",
                "/api/v1/reports/orgs"):
        response = it.get(url)
        assert response.status_code == 403, url
        assert "Northwind secret" not in response.text
    admin = TestClient(client.app)
    login(admin, "ada")
    other = admin.get("/api/v1/reports/org-feedback?org=northwind").json()["tables"]["feedback"]["rows"]
    assert [r["comment"] for r in other] == ["Northwind secret plan"] * 3
    listing = admin.get("/api/v1/reports/org-feedback").json()["tables"]["orgs"]["rows"]
    assert listing == [{"org": "fabrikam"}, {"org": "northwind"}]


def test_an_admin_sets_a_policy_that_applies_at_once_and_wins_over_the_file(site) -> None:
    services, client = site
    add_staff(services, "ada", "admin")
    admin = TestClient(client.app)
    login(admin, "ada")
    csrf = csrf_of(admin)
    response = admin.post("/api/v1/reports/orgs", headers={"X-CSRF-Token": csrf},
                          json={"org": "fabrikam", "name": "Fabrikam", "feedback": False, "search_logging": True})
    assert response.status_code == 200 and response.json()["source"] == "admin"
    assert send(client, "fabrikam").status_code == 403
    form = {"csrf_token": csrf, "org": "contoso", "name": "Contoso", "feedback": "on", "search_logging": "on"}
    assert admin.post("/reports/orgs", data=form, follow_redirects=False).status_code == 303
    assert send(client, "contoso").status_code == 201
    listing = {r["org"]: r for r in admin.get("/api/v1/reports/orgs").json()["tables"]["orgs"]["rows"]}
    assert (listing["contoso"]["feedback"], listing["contoso"]["source"]) == (True, "admin")
    assert (listing["quiet"]["search_logging"], listing["quiet"]["source"]) == (False, "file")
    assert admin.post("/api/v1/reports/orgs", headers={"X-CSRF-Token": csrf},
                      json={"org": "bad id!", "feedback": True, "search_logging": True}).status_code == 400
