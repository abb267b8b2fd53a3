"""Operations: health, readiness, metrics without user data, configurable framing."""

from __future__ import annotations

import json
import re


def _metric(text: str, name: str, **labels: str) -> float:
    total = 0.0
    for line in text.splitlines():
        if not line.startswith(name):
            continue
        if all(f'{k}="{v}"' in line for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_health_and_readiness(client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"]["store"] == "ok"
    assert ready.json()["checks"]["index"] == client.app.state.site.search.build_id


def test_metrics_count_what_happens_and_carry_no_user_text(client) -> None:
    before = client.get("/metrics").text
    client.get("/api/v1/search", params={"q": "secretword jane.doe@contoso.com"})
    client.get("/api/v1/search", params={"q": "headset"})
    client.post("/api/v1/feedback", json={"article_id": "sign-in", "helpful": True})
    client.post("/api/v1/feedback", json={"article_id": "nope", "helpful": True})
    after = client.get("/metrics").text
    assert _metric(after, "helpsvc_searches_total") - _metric(before, "helpsvc_searches_total") == 2
    assert _metric(after, "helpsvc_zero_result_searches_total") - _metric(before, "helpsvc_zero_result_searches_total") >= 1
    assert _metric(after, "helpsvc_feedback_total", outcome="accepted") - _metric(before, "helpsvc_feedback_total", outcome="accepted") == 1
    assert _metric(after, "helpsvc_feedback_total", outcome="rejected") - _metric(before, "helpsvc_feedback_total", outcome="rejected") == 1
    assert _metric(after, "helpsvc_requests_total", route="search_api", status="200") >= 2
    assert "helpsvc_request_seconds_bucket" in after and "helpsvc_store_write_seconds_count" in after
    build = client.app.state.site.search.build_id
    assert f'helpsvc_index_build_info{{build_id="{build}"}} 1.0' in after
    assert "secretword" not in after and "contoso" not in after and "testclient" not in after
    assert not re.search(r'route="/', after)  # route names, never raw paths


def test_frame_ancestors_is_configurable(make_app) -> None:
    client = make_app(frame_ancestors="'self' https://portal.example")
    assert "frame-ancestors 'self' https://portal.example" in client.get("/").headers["content-security-policy"]


def test_json_logs_carry_no_addresses(tmp_path) -> None:
    import logging

    from helpsvc.logs import JsonLines, NoAddresses

    record = logging.LogRecord("helpsvc", logging.WARNING, __file__, 1, "client %s failed from fe80::1:2:3", ("203.0.113.7",), None)
    assert NoAddresses().filter(record)
    line = JsonLines().format(record)
    import json

    entry = json.loads(line)
    assert entry["level"] == "warning" and entry["logger"] == "helpsvc"
    assert "203.0.113.7" not in line and "fe80::1:2:3" not in line and "[address]" in entry["message"]


def test_several_workers_serve_and_share_metrics(server_factory, content_index, tmp_path) -> None:
    import http.client

    server = server_factory(content_index, env={"HELPSVC_LOG_JSON": "true"}, args=["--workers", "2"])
    statuses = []
    for _ in range(20):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        conn.request("GET", "/api/v1/search?q=headset")
        statuses.append(conn.getresponse().status)
        conn.close()
    assert set(statuses) == {200}
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("GET", "/metrics")
    text = conn.getresponse().read().decode()
    conn.close()
    assert _metric(text, "helpsvc_searches_total") == 20  # summed over both workers
    server.stop()
    for line in server.log_path.read_text().splitlines():
        if line.startswith("{"):
            assert json.loads(line)["level"]
    assert "127.0.0.1:" not in server.log_path.read_text().replace(f"127.0.0.1:{server.port}", "")
