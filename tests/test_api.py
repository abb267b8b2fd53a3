"""The JSON API's shape, the HTML pages, context help and the OpenAPI description."""

from __future__ import annotations

import re

import pytest



def test_search_hits_carry_the_documented_fields(client) -> None:
    data = client.get("/api/v1/search", params={"q": "sign in error"}).json()
    assert data["total"] > 0
    for hit in data["hits"]:
        assert {"id", "title", "url", "snippet", "score", "path"} <= set(hit)
        assert hit["path"].endswith(".md") and not hit["path"].startswith("/")
        assert hit["url"].startswith("/articles/")
        assert isinstance(hit["score"], float)
    scores = [h["score"] for h in data["hits"]]
    assert scores == sorted(scores, reverse=True)


def test_article_json_twin_matches_the_page(client) -> None:
    data = client.get("/api/v1/articles/screen-share").json()
    page = client.get("/articles/screen-share")
    assert page.status_code == 200
    assert data["title"] in page.text and data["revision"]
    assert data["path"] == "en-US/screen-share.md"
    assert "<h2 id=" in data["html"]
    # Relative links in the Markdown point at our article pages.
    assert 'href="/articles/' in data["html"] and '.md"' not in data["html"]


def test_unknown_article_is_404_json_and_page(client) -> None:
    response = client.get("/api/v1/articles/no-such-thing")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "no article with id 'no-such-thing'"
    page = client.get("/articles/no-such-thing")
    assert page.status_code == 404 and 'action="/search"' in page.text


@pytest.mark.parametrize("article_id", ["../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "%2e%2e/%2e%2e/settings.py", "en-US/../../pyproject.toml"])
def test_path_traversal_in_ids_finds_nothing(client, article_id: str) -> None:
    response = client.get(f"/api/v1/articles/{article_id}")
    assert response.status_code == 404
    assert "setuptools" not in response.text and "root:" not in response.text


def test_context_help_redirects_to_the_mapped_article(client) -> None:
    response = client.get("/help/context/client.home", follow_redirects=False)
    assert response.status_code == 302 and response.headers["location"] == "/articles/welcome"
    german = client.get("/help/context/CLIENT.HOME", params={"locale": "de-DE"}, follow_redirects=False)
    assert german.headers["location"] == "/articles/welcome?locale=de-DE"
    twin = client.get("/api/v1/contexts/client.home").json()
    assert twin == {"context": "client.home", "article_id": "welcome", "locale": "en-US", "url": "/articles/welcome"}


def test_unknown_context_is_a_helpful_404(client) -> None:
    page = client.get("/help/context/client.options.audio.unknownpane")
    assert page.status_code == 404
    assert 'action="/search"' in page.text and 'value="options audio unknownpane"' in page.text
    assert "These articles may help" in page.text
    assert client.get("/api/v1/contexts/nope.nope").status_code == 404


def test_home_page_lists_topics_and_popular_articles(client) -> None:
    page = client.get("/")
    data = client.get("/api/v1/home").json()
    assert data["topics"] and data["popular"]
    assert data["popular"][0]["title"] in page.text


def test_pages_load_nothing_from_other_sites(client) -> None:
    for url in ["/", "/search?q=microphone", "/articles/welcome", "/privacy", "/nope"]:
        html = client.get(url).text
        # Links to other sites may be followed by the reader; nothing may be loaded from them.
        assert not re.findall(r'<(?:script|link|img|iframe|source|video|audio)\b[^>]+(?:src|href)="(?:https?:)?//', html), url
        assert not re.findall(r'url\((?:["\']?)(?:https?:)?//', html), url
        assert "<script>" not in html  # no inline scripts: the CSP forbids them


def test_security_headers_on_every_response(client) -> None:
    for url in ["/", "/api/v1/search?q=x", "/nope", "/static/site.css"]:
        headers = client.get(url).headers
        assert "script-src 'self'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"


def test_errors_never_show_a_traceback(client) -> None:
    for response in [
        client.get("/api/v1/search", params={"page": "x"}),
        client.post("/api/v1/search"),
        client.get("/static/../../pyproject.toml"),
        client.get("/" + "a" * 5000),
    ]:
        assert response.status_code < 500
        assert "Traceback" not in response.text


def test_german_readers_get_german_page_furniture(client) -> None:
    article = client.get("/articles/sign-in", params={"locale": "de-DE"}).text
    assert 'lang="de-DE"' in article and "War diese Information hilfreich?" in article
    assert "Was hat Ihre Erfahrung beeinflusst?" in article and "Zu technisch" in article
    fallback = client.get("/articles/voicemail-setup", headers={"Accept-Language": "de"}).text
    assert "War diese Information hilfreich?" in fallback  # German furniture ...
    assert '<div class="body" lang="en-US">' in fallback  # ... around the English article it falls back to
    home = client.get("/", headers={"Accept-Language": "de-DE"}).text
    assert "Wie können wir helfen?" in home
    english = client.get("/articles/sign-in").text
    assert "Was this information helpful?" in english and "War diese" not in english
    missing = client.get("/nope", headers={"Accept-Language": "de"})
    assert missing.status_code == 404 and "Diese Seite wurde nicht gefunden" in missing.text


def _template_strings() -> set[str]:
    """Every literal the reader templates pass to _() alone (tests/test_i18n.py checks every template and module)."""
    import re

    from helpsvc.web.render import TEMPLATE_DIR

    found: set[str] = set()
    for path in TEMPLATE_DIR.glob("*.html"):
        found.update(re.findall(r'_\(\s*"((?:[^"\\]|\\.)*)"\s*\)', path.read_text(encoding="utf-8")))
    return found


def test_every_reader_template_string_has_a_german_translation() -> None:
    from babel.messages.pofile import read_po

    from helpsvc.web.i18n import catalog_path
    from helpsvc.web.reader import PRIVACY_NEVER_STORED, PRIVACY_STORED

    with catalog_path("de").open("rb") as po:
        german = {m.id for m in read_po(po) if m.id and m.string and not m.fuzzy}
    strings = _template_strings() | set(PRIVACY_STORED) | set(PRIVACY_NEVER_STORED)
    assert len(strings) > 60  # the pattern still finds the strings
    assert sorted(s for s in strings if s not in german) == []


def test_the_privacy_page_and_its_twin_speak_the_readers_language(client) -> None:
    import re

    settings = client.app.state.site.settings
    german = client.get("/privacy", headers={"Accept-Language": "de-DE"})
    assert german.status_code == 200 and 'lang="de-DE"' in german.text
    main = re.search(r"<main.*?</main>", german.text, re.S).group(0)  # type: ignore[union-attr]
    for sentence in ("Wie wir mit Ihren Eingaben umgehen", "Was wir nie speichern", "IP-Adressen",
                     f"Feedback-Kommentare: {settings.comment_retention_days} Tage.",
                     f"mindestens {settings.k_threshold} verschiedene Besucher"):
        assert sentence in main
    for english in ("What we keep", "How we count visitors", " days.", "IP addresses"):
        assert english not in main
    twin = client.get("/api/v1/privacy", params={"locale": "de-DE"}).json()
    assert twin["locale"] == "de-DE" and "IP-Adressen" in twin["never_stored"]
    assert twin["stored"][1] == "Suchbegriffe, nachdem persönliche Daten entfernt wurden"
    english_twin = client.get("/api/v1/privacy").json()
    assert english_twin["locale"] == "en-US" and "IP addresses" in english_twin["never_stored"]
    english_page = client.get("/privacy").text
    assert "IP addresses" in english_page and "Ip addresses" not in english_page
    assert f"Searches, clicks and page views: {settings.event_retention_days} days." in english_page
