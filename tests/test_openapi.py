"""The API description is built from the route table: what is routed is described, and only that."""

from __future__ import annotations

import re

import pytest
from starlette.routing import Route

from helpsvc.web import staff
from helpsvc.web.openapi import OPERATIONS, build_spec


def _routed_json_pairs(routes) -> set[tuple[str, str]]:
    """(path, method) of every JSON route, read off the table the app serves, independently of build_spec."""
    pairs = set()
    for route in routes:
        path = getattr(route, "path", "")
        if not isinstance(route, Route) or not (path.startswith("/api/") or path in {"/healthz", "/readyz"}):
            continue
        for method in route.methods - {"HEAD"}:
            pairs.add((re.sub(r":[a-z]+\}", "}", path), method.lower()))
    return pairs


def _resolved(spec: dict, item: dict) -> dict:
    """A parameter as declared, following a ``$ref`` into the spec's components."""
    ref = item.get("$ref")
    if ref is None:
        return item
    node = spec
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def test_documented_pairs_equal_routed_json_pairs(client) -> None:
    spec = client.get("/openapi.json").json()
    documented = {(path, method) for path, item in spec["paths"].items() for method in item}
    routed = _routed_json_pairs(client.app.routes)
    assert documented == routed, (documented - routed, routed - documented)
    # The staff reports are described without anyone having to import a module first.
    assert ("/api/v1/reports/articles", "get") in documented
    assert ("/api/v1/reports/synonyms", "post") in documented and ("/api/v1/reports/synonyms", "get") in documented


def test_path_parameters_are_in_openapi_form_and_declared(client) -> None:
    spec = client.get("/openapi.json").json()
    for path, item in spec["paths"].items():
        assert ":" not in path, path
        for name in re.findall(r"\{(\w+)\}", path):
            for operation in item.values():
                parameters = [_resolved(spec, p) for p in operation.get("parameters", [])]
                declared = {p["name"] for p in parameters if p["in"] == "path"}
                assert name in declared, (path, name)


def test_a_json_route_without_a_description_stops_the_build(client) -> None:
    routes = [*client.app.routes, Route("/api/v1/undescribed", lambda request: None, name="undescribed")]
    with pytest.raises(ValueError, match=r"undocumented \['GET /api/v1/undescribed"):
        build_spec(routes, {**OPERATIONS, **staff.operations()}, client.app.state.site.settings)


def test_a_description_without_a_route_stops_the_build(client) -> None:
    routes = [r for r in client.app.routes if getattr(r, "name", "") != "home_api"]
    with pytest.raises(ValueError, match=r"described but not routed \['home_api'\]"):
        build_spec(routes, {**OPERATIONS, **staff.operations()}, client.app.state.site.settings)


def test_html_routes_need_no_description(client) -> None:
    spec = client.get("/openapi.json").json()
    assert "/search" not in spec["paths"] and "/reports/articles" not in spec["paths"]
