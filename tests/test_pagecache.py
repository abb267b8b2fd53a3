"""Cached article pages: the same page as a fresh render, a fresh stamp each time, a view
recorded each time, and never a page of another build, language or organisation."""

from __future__ import annotations

import random
import re
from pathlib import Path

from conftest import copy_content, write_article
from starlette.testclient import TestClient

from conftest_staff import make_site
from helpsvc.search import build_index
from helpsvc.web.pagecache import PageCache

STAMP_RE = re.compile(r'name="stamp" value="([^"]+)"')


def _without_stamps(html: str) -> str:
    return STAMP_RE.sub("", html)


def test_a_cached_page_is_the_fresh_page_with_a_valid_fresh_stamp(client: TestClient) -> None:
    services = client.app.state.site
    moments = iter([1_900_000_000.0, 1_900_000_007.0])
    services.intake.stamp.clock = lambda: next(moments)  # the form's clock, seven seconds apart
    first = client.get("/articles/sign-in")
    misses = services.pages.misses
    second = client.get("/articles/sign-in")
    assert first.status_code == second.status_code == 200
    assert services.pages.misses == misses and services.pages.hits >= 1  # served from the cache
    assert _without_stamps(first.text) == _without_stamps(second.text)
    stamps = STAMP_RE.findall(second.text)
    assert stamps
    assert services.pages.stamp_placeholder not in second.text
    assert STAMP_RE.findall(first.text)[0].startswith("1900000000.") and stamps[0].startswith("1900000007.")
    # The filled-in stamp is genuine: it passes the form check once the minimum time is over.
    assert not services.intake.stamp.too_fast(stamps[0], now=1_900_000_007.0 + 3600)
    assert services.intake.stamp.too_fast(stamps[0], now=1_900_000_007.0)


def test_every_request_for_a_cached_page_is_still_counted_as_a_view(client: TestClient) -> None:
    services = client.app.state.site
    for _ in range(4):
        assert client.get("/articles/sign-in").status_code == 200
    services.store.flush()
    views = services.store.query("SELECT SUM(views) FROM view_counts WHERE article_id = 'sign-in'")[0][0]
    assert views == 4


def test_a_new_build_is_never_answered_with_a_page_of_the_old_one(tmp_path: Path, make_app) -> None:
    content = copy_content(tmp_path / "content")
    write_article(content, "en-US/cache-probe.md", {"id": "cache-probe", "title": "Cache probe"}, "The first wording.")
    build_index(content, tmp_path / "ix")
    client = make_app(index_dir=tmp_path / "ix")
    assert "The first wording." in client.get("/articles/cache-probe").text
    write_article(content, "en-US/cache-probe.md", {"id": "cache-probe", "title": "Cache probe"}, "The second wording.")
    build_index(content, tmp_path / "ix")
    page = client.get("/articles/cache-probe").text
    assert "The second wording." in page and "The first wording." not in page


def test_page_language_and_organisation_each_get_their_own_page(tmp_path: Path, database_url: str) -> None:
    policy = tmp_path / "orgs.toml"
    policy.write_text('[default]\nfeedback = true\n\n[orgs.contoso]\nfeedback = false\n', encoding="utf-8")
    app, _ = make_site(tmp_path, database_url=database_url, org_policy_file=str(policy))
    with TestClient(app) as client:
        for _ in range(2):  # the second round is served from the cache
            plain = client.get("/articles/share-screen").text
            contoso = client.get("/articles/share-screen", params={"org": "contoso"}).text
            german = client.get("/articles/share-screen", headers={"Accept-Language": "de-DE"}).text
            assert 'name="stamp"' in plain and 'name="stamp"' not in contoso
            assert '<html lang="en-US">' in plain and '<html lang="de-DE">' in german
            assert _without_stamps(plain) != _without_stamps(german)


def test_the_cache_keeps_to_its_byte_budget_and_drops_the_least_recent_first() -> None:
    cache = PageCache(budget=256 * 1024)
    pages = {n: f"<p>{n}</p>".encode() + random.Random(n).randbytes(5000) for n in range(100)}  # incompressible
    for n, body in pages.items():
        cache.put(n, body)
    assert cache.size_bytes <= 256 * 1024 and 0 < len(cache) < 100
    assert cache.get(99, "1.ab") == pages[99] and cache.get(0, "1.ab") is None
    # Reading a page makes it recent: the oldest kept page survives the next eviction once read.
    kept = [n for n in range(100) if n in cache]
    assert cache.get(kept[0], "1.ab") == pages[kept[0]]
    cache.put("new", random.Random("new").randbytes(5000))
    assert kept[0] in cache and kept[1] not in cache


def test_the_stamp_placeholder_is_replaced_wherever_it_appears() -> None:
    cache = PageCache()
    body = cache.get_or_render("k", "111.aaa", lambda p: f'<input value="{p}"><input value="{p}">'.encode())
    assert body == b'<input value="111.aaa"><input value="111.aaa">'
    assert cache.get("k", "222.bbb") == b'<input value="222.bbb"><input value="222.bbb">'


def test_a_repeated_search_gets_its_own_id_in_the_body_and_every_click_link(client: TestClient) -> None:
    first = client.get("/api/v1/search", params={"q": "voicemail"}).json()
    second = client.get("/api/v1/search", params={"q": "voicemail"}).json()
    with_org = client.get("/api/v1/search", params={"q": "voicemail", "org": "contoso"}).json()
    ids = {first["search_id"], second["search_id"], with_org["search_id"]}
    assert len(ids) == 3 and all(re.fullmatch(r"[0-9a-f]{16}", i) for i in ids)
    for data in (first, second, with_org):
        assert data["hits"] and all(h["click_url"].startswith(f"/go/{data['search_id']}?") for h in data["hits"])
    assert all("org=contoso" in h["click_url"] for h in with_org["hits"])
    assert not any("org=" in h["click_url"] for h in first["hits"])
    # Apart from the id, the second answer is the first one.
    assert str(second).replace(second["search_id"], first["search_id"]) == str(first)
    # Each id was logged, so a click on either link is attributed to its own search.
    services = client.app.state.site
    services.store.flush()
    logged = {row[0] for row in services.store.query("SELECT search_id FROM events WHERE kind = 'search'")}
    assert ids <= logged
