"""When the reader's locale finds nothing, search answers from the site's other locales and says so."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

from helpsvc.web.i18n import fallback_message

GERMAN_ONLY = "bildschirm teilen"


def _search_events(client: TestClient) -> list[tuple[Any, ...]]:
    store = client.app.state.site.store
    store.flush()
    return store.query("SELECT locale, results FROM events WHERE kind = 'search'")


def test_german_query_with_english_locale_finds_german_articles_and_says_so(client: TestClient) -> None:
    data = client.get("/api/v1/search", params={"q": GERMAN_ONLY, "locale": "en-US"}).json()
    assert data["locale"] == "en-US"
    fallback = data["fallback"]
    assert fallback["from"] == "en-US" and fallback["locale"] == "de-DE"
    assert fallback["total"] == data["total"] > 0
    assert fallback["message"] == f"No results in English (United States); {data['total']} results in German (Germany)."
    assert data["hits"][0]["id"] == "screen-share"
    assert {hit["locale"] for hit in data["hits"]} == {"de-DE"}
    assert all("locale=de-DE" in hit["url"] and "locale=de-DE" in hit["click_url"] for hit in data["hits"])
    assert data["popular"] == []
    # The event keeps the reader's locale and counts the hits shown from the other locale.
    assert _search_events(client) == [("en-US", data["total"])]


def test_search_page_states_the_fallback_in_a_sentence_before_the_hits(client: TestClient) -> None:
    response = client.get("/search", params={"q": GERMAN_ONLY, "locale": "en-US"}, headers={"accept-language": "en-US"})
    assert response.status_code == 200
    body = response.text
    total = client.get("/api/v1/search", params={"q": GERMAN_ONLY, "locale": "en-US"}).json()["total"]
    sentence = f"No results in English (United States); {total} results in German (Germany)."
    assert sentence in body
    assert body.index(sentence) < body.index('<ol class="results"')
    assert "Bildschirm in einer Besprechung freigeben" in body
    assert '<li lang="de-DE">' in body
    assert "locale=de-DE" in body[body.index('<ol class="results"'):]
    assert "No articles match" not in body


def test_fallback_sentence_names_the_locales_in_the_readers_language() -> None:
    fallback = {"from": "en-US", "locale": "de-DE", "total": 7}
    assert fallback_message(fallback, "en-US") == "No results in English (United States); 7 results in German (Germany)."
    assert fallback_message(fallback, "de-DE") == "Keine Ergebnisse auf Englisch (Vereinigte Staaten); 7 Ergebnisse auf Deutsch (Deutschland)."
    assert fallback_message({**fallback, "total": 1}, "en-US") == "No results in English (United States); 1 result in German (Germany)."
    # A code CLDR does not know is shown as it is, not dropped.
    assert fallback_message({**fallback, "locale": "xx-YY"}, "en-US").endswith("; 7 results in xx-YY.")


def test_english_query_that_finds_english_results_gets_no_fallback(client: TestClient) -> None:
    data = client.get("/api/v1/search", params={"q": "share screen", "locale": "en-US"}).json()
    assert data["total"] > 0 and data["fallback"] is None
    assert {hit["locale"] for hit in data["hits"]} == {"en-US"}
    body = client.get("/search", params={"q": "share screen", "locale": "en-US"}).text
    assert "No results in" not in body and 'class="count fallback"' not in body


def test_query_found_nowhere_gets_neither_hits_nor_fallback(client: TestClient) -> None:
    data = client.get("/api/v1/search", params={"q": "zzqxv qqqwy", "locale": "en-US"}).json()
    assert data["total"] == 0 and data["hits"] == [] and data["fallback"] is None
    body = client.get("/search", params={"q": "zzqxv qqqwy", "locale": "en-US"}).text
    assert "No articles match" in body and "No results in" not in body
    assert _search_events(client) == [("en-US", 0), ("en-US", 0)]  # the JSON and the page each log one


def test_a_locale_the_site_does_not_offer_is_never_searched(make_app: Callable[..., TestClient]) -> None:
    # The index holds the German articles, but the site offers only English.
    client = make_app(locales=("en-US",))
    assert "de-DE" in client.app.state.site.search.state().locales
    data = client.get("/api/v1/search", params={"q": GERMAN_ONLY}).json()
    assert data["fallback"] is None
    assert all(hit["locale"] != "de-DE" for hit in data["hits"])
    body = client.get("/search", params={"q": GERMAN_ONLY}).text
    assert "No results in" not in body and "Bildschirm in einer Besprechung freigeben" not in body
