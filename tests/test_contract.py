"""The HTTP contract: the server answers what /openapi.json promises, under every check schemathesis has.

Schemathesis runs every phase (coverage, fuzzing, stateful) with every check on,
``st run --checks all`` in process, on a small budget per operation. The direct
tests below pin down the three ways the server and its description once
disagreed: a 405 without ``Allow``, a locale outside the enumeration accepted,
and well-formed feedback about no article answered with a status the
description did not give.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema
from starlette.routing import Route
from starlette.testclient import TestClient

# Examples per operation and phase: about 1,000 cases per backend, run in well under half a minute.
BUDGET = 6
SEED = 20261203
BAD_LOCALES = ["", "xx-XX", "de", "de-de", " de-DE"]


@pytest.fixture
def open_client(make_app: Callable[..., TestClient]) -> TestClient:
    # Limits would turn the fuzzer's repeated requests into 429s and hide what is being tested.
    return make_app(rate_limit_search=0, rate_limit_feedback=0, rate_limit_suggest=0, feedback_daily_cap=0, feedback_min_seconds=0.0)


def _every_check(app: Any) -> tuple[int, set[str], list[str]]:
    """(cases run, operations tested, failures and errors) of schemathesis with every check and phase on."""
    config = SchemathesisConfig.from_dict(
        {"seed": SEED, "checks": {"enabled": True}, "generation": {"max-examples": BUDGET, "database": "none"}}
    )
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)
    cases, tested, problems = 0, set(), []
    for event in from_schema(schema).execute():
        if isinstance(event, (events.ScenarioFinished, events.FuzzScenarioFinished)):
            recorder = event.recorder
            cases += len(recorder.cases)
            for case_id, checks in recorder.checks.items():
                label = recorder.cases[case_id].value.operation.label if case_id in recorder.cases else recorder.label
                tested.add(label)
                problems += [f"{label}: {check.name}: {check.failure_info.failure.title}\n    {check.failure_info.code_sample}"
                             for check in checks if check.failure_info is not None]
        elif isinstance(event, events.NonFatalError):
            problems.append(f"{event.label}: error: {event.info.message[:300]}")
        elif isinstance(event, events.FatalError):
            problems.append(f"fatal: {event.exception!r}")
    return cases, tested, problems


def test_schemathesis_with_every_check_finds_nothing(open_client: TestClient) -> None:
    cases, tested, problems = _every_check(open_client.app)
    assert not problems, "\n".join(problems)
    spec = open_client.get("/openapi.json").json()
    documented = {f"{method.upper()} {path}" for path, item in spec["paths"].items() for method in item}
    assert documented <= tested, documented - tested  # every operation was exercised, not just loaded
    assert cases >= 20 * len(documented)


# ---------------------------------------------------------------- 405 and Allow


def _methods_by_path(app: Any) -> dict[str, set[str]]:
    """Every method each routed path takes, over all the routes that share it, read off the route table."""
    methods: dict[str, set[str]] = {}
    for route in app.routes:
        if isinstance(route, Route) and route.methods:
            methods.setdefault(route.path, set()).update(route.methods)
    return methods


def test_every_405_names_in_allow_every_method_its_address_takes(open_client: TestClient) -> None:
    checked = 0
    for path, methods in _methods_by_path(open_client.app).items():
        url = re.sub(r"\{\w+(:\w+)?\}", "sign-in", path)
        for method in sorted({"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"} - methods):
            response = open_client.request(method, url, follow_redirects=False)
            assert response.status_code == 405, (method, url, response.status_code)
            allowed = {m.strip() for m in response.headers.get("allow", "").split(",")}
            assert allowed == methods, (method, url, response.headers.get("allow"))
            if url.startswith("/api/"):
                assert method in response.json()["error"]["message"]
            checked += 1
    assert checked > 100


def test_two_routes_on_one_path_are_both_in_allow(open_client: TestClient) -> None:
    # The report is read with GET and changed with POST through two routes; Starlette's own 405 names only one.
    response = open_client.request("OPTIONS", "/api/v1/reports/synonyms")
    assert response.status_code == 405 and response.headers["allow"] == "GET, HEAD, POST"
    response = open_client.put("/api/v1/feedback", json={})
    assert response.status_code == 405 and response.headers["allow"] == "POST"
    assert response.json()["error"]["message"] == "This address does not accept PUT; it accepts POST."


def test_a_static_file_answers_405_with_allow(open_client: TestClient) -> None:
    response = open_client.post("/static/site.css")
    assert response.status_code == 405 and response.headers["allow"] == "GET, HEAD"


# ---------------------------------------------------------------- locales


def _operations_taking_locale(spec: dict[str, Any]) -> list[str]:
    urls = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method == "get" and {"$ref": "#/components/parameters/locale"} in operation.get("parameters", []):
                urls.append(re.sub(r"\{\w+\}", "sign-in", path))
    return urls


def test_the_locale_enumeration_is_the_settings_locales(make_app: Callable[..., TestClient]) -> None:
    spec = make_app(locales=("en-US",)).get("/openapi.json").json()
    assert spec["components"]["schemas"]["Locale"]["enum"] == ["en-US"]
    assert spec["components"]["parameters"]["locale"]["schema"] == {"$ref": "#/components/schemas/Locale"}
    assert spec["components"]["schemas"]["FeedbackIn"]["properties"]["locale"]["anyOf"][0] == {"$ref": "#/components/schemas/Locale"}


def test_every_route_that_takes_a_locale_refuses_one_the_site_does_not_offer(open_client: TestClient) -> None:
    urls = _operations_taking_locale(open_client.get("/openapi.json").json())
    assert {"/api/v1/search", "/api/v1/suggest", "/api/v1/home", "/api/v1/privacy", "/api/v1/articles/sign-in",
            "/api/v1/contexts/sign-in"} <= set(urls)
    for url in [*urls, "/search", "/", "/privacy", "/articles/sign-in"]:
        for locale in BAD_LOCALES:
            response = open_client.get(url, params={"locale": locale})
            assert response.status_code == 400, (url, locale, response.status_code)
            if url.startswith("/api/"):
                assert response.json()["error"]["message"] == f"'locale' must be one of en-US, de-DE, fr-FR, not {locale!r}"
            else:
                assert "must be one of en-US, de-DE, fr-FR" in response.text
        assert open_client.get(url, params={"locale": "de-DE"}).status_code in {200, 404}  # 404: no such context


def test_a_locale_offered_in_the_settings_only_is_accepted_and_one_removed_is_refused(make_app: Callable[..., TestClient]) -> None:
    english_only = make_app(locales=("en-US",))
    assert english_only.get("/api/v1/search", params={"q": "sign in", "locale": "en-US"}).status_code == 200
    refused = english_only.get("/api/v1/search", params={"q": "sign in", "locale": "de-DE"})
    assert refused.status_code == 400 and refused.json()["error"]["message"] == "'locale' must be one of en-US, not 'de-DE'"


@pytest.mark.parametrize("locale", ["xx-XX", "", 5])
def test_feedback_with_a_locale_the_site_does_not_offer_is_refused(open_client: TestClient, locale: Any) -> None:
    response = open_client.post("/api/v1/feedback", json={"article_id": "sign-in", "helpful": True, "locale": locale})
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("'locale' must be one of en-US, de-DE, fr-FR, not ")


# ---------------------------------------------------------------- feedback about no article


def test_feedback_about_no_article_is_the_documented_404(open_client: TestClient) -> None:
    spec = open_client.get("/openapi.json").json()
    assert "404" in spec["paths"]["/api/v1/feedback"]["post"]["responses"]
    response = open_client.post("/api/v1/feedback", json={"article_id": "no-such-article", "helpful": False, "locale": "de-DE"})
    assert response.status_code == 404
    assert response.json() == {"error": {"status": 404, "message": "no article with id 'no-such-article'"}}
    # The form says the same as its JSON twin, and so does reading the article.
    stamp = re.search(r'name="stamp" value="([^"]+)"', open_client.get("/articles/sign-in").text).group(1)
    form = open_client.post("/feedback", data={"article_id": "no-such-article", "helpful": "yes", "stamp": stamp})
    assert form.status_code == 404 and "no article with id" in form.text
    assert open_client.get("/api/v1/articles/no-such-article").status_code == 404
    stored = open_client.post("/api/v1/feedback", json={"article_id": "sign-in", "helpful": True})
    assert stored.status_code == 201


@pytest.mark.parametrize("body", [
    {"article_id": "sign-in", "helpful": True, "reasons": None, "comment": None, "org": None, "client": None, "locale": None},
    {"article_id": "  sign-in  ", "helpful": False, "reasons": ["incorrect", "other"], "org": "  acme-1  "},
])
def test_feedback_the_description_calls_valid_is_stored(open_client: TestClient, body: dict[str, Any]) -> None:
    assert open_client.post("/api/v1/feedback", json=body).status_code == 201
