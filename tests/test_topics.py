"""Topic names are content: content/topics/<locale>.txt names each slug, pages show the name in their
language (then English, then one made from the slug), the bundle does too, and `helpsvc check` warns
about a topic an offered locale does not name."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from conftest import CONTENT, ROOT, write_article
from helpsvc.bundle.site import build_bundle
from helpsvc.content import Article, load_collection
from helpsvc.content.lint import check_content
from helpsvc.content.topics import TopicNames, parse_names, read_topic_names, slug_name
from helpsvc.search import build_index

LOCALES = ("en-US", "de-DE", "fr-FR")


def _crumb(html: str) -> str:
    """The topic the breadcrumb names (its second link)."""
    nav = re.search(r'<nav class="crumbs"[^>]*>(.*?)</nav>', html, re.S)
    assert nav, "no breadcrumb"
    links = re.findall(r"<a [^>]*>([^<]*)</a>", nav.group(1))
    assert len(links) == 2, nav.group(1)
    return links[1]


def _home_topics(html: str) -> dict[str, str]:
    return dict(re.findall(r'<a href="/search\?topic=([^"]+)">([^<]+)</a>', html))


# ---------------------------------------------------------------- the files


def test_every_topic_in_the_content_has_a_name_in_every_offered_locale() -> None:
    used = {topic for item in load_collection(CONTENT) if isinstance(item, Article) for topic in item.topics}
    names = read_topic_names(CONTENT)
    assert len(used) >= 10
    for locale in LOCALES:
        assert sorted(t for t in used if not names.has_name(t, locale)) == [], locale
    # Translated, not copied: most German and French names differ from the English ones.
    for locale in ("de-DE", "fr-FR"):
        same = [t for t in used if names.name(t, locale) == names.name(t, "en-US")]
        assert len(same) <= 3, (locale, same)


def test_the_file_format_is_slug_equals_name_with_comments() -> None:
    text = "# a comment\n\nscreen-sharing = Bildschirmfreigabe  # why\nno equals sign\n= nameless\nblank =\nsign-in=Anmeldung\n"
    assert parse_names(text) == {"screen-sharing": "Bildschirmfreigabe", "sign-in": "Anmeldung"}


def test_a_name_falls_back_to_english_then_to_the_slug() -> None:
    names = TopicNames({"en-US": {"calls": "Phone calls", "voicemail": "Voicemail"}, "de-DE": {"calls": "Anrufe"}}, "en-US")
    assert names.name("calls", "de-DE") == "Anrufe"
    assert names.name("voicemail", "de-DE") == "Voicemail"
    assert names.name("screen-sharing", "de-DE") == "Screen sharing" == slug_name("screen-sharing")
    assert names.name("calls", None) == names.name("calls", "it-IT") == "Phone calls"


# ---------------------------------------------------------------- the site


@pytest.mark.parametrize(("language", "troubleshooting", "screen_sharing"), [
    ("de-DE", "Fehlerbehebung", "Bildschirmfreigabe"),
    ("fr-FR", "Dépannage", "Partage d&#39;écran"),
    ("en-US", "Troubleshooting", "Screen sharing"),
])
def test_home_article_and_search_pages_show_the_locales_topic_names(
        client: TestClient, language: str, troubleshooting: str, screen_sharing: str) -> None:
    headers = {"Accept-Language": language}
    home = client.get("/", headers=headers).text
    assert f'<html lang="{language}">' in home
    topics = _home_topics(home)
    assert topics["troubleshooting"] == troubleshooting and topics["screen-sharing"] == screen_sharing

    article = client.get("/articles/screen-share", headers=headers).text
    assert f'<html lang="{language}">' in article and _crumb(article) == screen_sharing

    search = client.get("/search", params={"q": "share screen"}, headers=headers).text
    assert f'<html lang="{language}">' in search
    assert f'<option value="screen-sharing" >{screen_sharing}</option>' in search
    assert re.search(rf'<p class="meta">[^<]*{re.escape(screen_sharing)}', search)


def test_the_home_pages_json_twin_names_each_topic_beside_its_slug(client: TestClient) -> None:
    def names(**headers: str) -> dict[str, str]:
        return {t["topic"]: t["name"] for t in client.get("/api/v1/home", headers=headers).json()["topics"]}

    assert names(**{"Accept-Language": "de-DE"})["screen-sharing"] == "Bildschirmfreigabe"
    assert names(**{"Accept-Language": "fr-FR"})["sign-in"] == "Connexion"
    assert names()["sign-in"] == "Signing in"


@pytest.fixture
def small_site(tmp_path: Path, make_app: Callable[..., TestClient]) -> tuple[TestClient, Path]:
    """English and German articles; the German names name only one of the three topics."""
    content = tmp_path / "content"
    write_article(content, "en-US/tanks.md", {"id": "tanks", "title": "Fish tanks", "locale": "en-US",
                                              "topics": ["aquaria", "fish-care"]}, "Keep the zebrafish warm.")
    write_article(content, "en-US/walrus.md", {"id": "walrus", "title": "Walrus feeding", "locale": "en-US",
                                               "topics": ["sea-mammals"]}, "Feed the walrus twice a day.")
    write_article(content, "de-DE/tanks.md", {"id": "tanks", "title": "Aquarien", "locale": "de-DE",
                                              "topics": ["aquaria", "fish-care"]}, "Halten Sie die Zebrafische warm.")
    topics = content / "topics"
    topics.mkdir()
    (topics / "en-US.txt").write_text("aquaria = Aquariums\nfish-care = Caring for fish\n", encoding="utf-8")
    (topics / "de-DE.txt").write_text("aquaria = Aquarien\n", encoding="utf-8")
    build_index(content, tmp_path / "ix")
    return make_app(index_dir=tmp_path / "ix", content_dir=content, locales=("en-US", "de-DE")), content


def test_a_topic_the_locale_does_not_name_is_shown_in_english_then_by_its_slug(small_site: tuple[TestClient, Path]) -> None:
    client, _ = small_site
    german = client.get("/", headers={"Accept-Language": "de-DE"}).text
    assert '<html lang="de-DE">' in german
    assert _home_topics(german) == {"aquaria": "Aquarien", "fish-care": "Caring for fish", "sea-mammals": "Sea mammals"}
    # An English article a German reader reads: its breadcrumb still speaks the page's language.
    walrus = client.get("/articles/walrus", headers={"Accept-Language": "de-DE"}).text
    assert '<html lang="de-DE">' in walrus and _crumb(walrus) == "Sea mammals"


def test_a_renamed_topic_shows_without_a_new_build_cached_pages_included(small_site: tuple[TestClient, Path]) -> None:
    client, content = small_site
    headers = {"Accept-Language": "de-DE"}
    assert _crumb(client.get("/articles/tanks", headers=headers).text) == "Aquarien"
    assert _crumb(client.get("/articles/tanks", headers=headers).text) == "Aquarien"  # now from the page cache
    names = content / "topics" / "de-DE.txt"
    names.write_text("aquaria = Aquarien und Becken\n", encoding="utf-8")
    stat = names.stat()
    os.utime(names, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))  # a coarse clock still sees a change
    assert _crumb(client.get("/articles/tanks", headers=headers).text) == "Aquarien und Becken"
    assert _home_topics(client.get("/", headers=headers).text)["aquaria"] == "Aquarien und Becken"


# ---------------------------------------------------------------- the bundle


def test_the_bundle_shows_each_locales_topic_names(small_site: tuple[TestClient, Path], tmp_path: Path) -> None:
    if shutil.which("node") is None or not (ROOT / "node_modules" / "minisearch").is_dir():
        pytest.skip("the bundle's search index is built with Node and MiniSearch: install nodejs and run 'npm ci'")
    _, content = small_site
    (content / "topics" / "de-DE.txt").write_text("aquaria = Zierfischbecken\n", encoding="utf-8")
    out = tmp_path / "help"
    build_bundle(content, out, ["en-US", "de-DE"])
    german_home = (out / "de-DE" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="de-DE">' in german_home
    listed = re.findall(r'<li><a href="topics/[^"]+">([^<]+)</a>', german_home)
    assert listed == ["Caring for fish", "Sea mammals", "Zierfischbecken"]  # by name, not by slug ("aquaria" first)
    english_home = (out / "en-US" / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'<li><a href="topics/[^"]+">([^<]+)</a>', english_home) == ["Aquariums", "Caring for fish", "Sea mammals"]
    topic_page = (out / "de-DE" / "topics" / "aquaria.html").read_text(encoding="utf-8")
    assert "<h1>Zierfischbecken</h1>" in topic_page
    article = (out / "de-DE" / "articles" / "walrus.html").read_text(encoding="utf-8")
    assert _crumb(article) == "Sea mammals"
    english = (out / "en-US" / "articles" / "tanks.html").read_text(encoding="utf-8")
    assert _crumb(english) == "Aquariums"


# ---------------------------------------------------------------- helpsvc check


def test_check_warns_about_a_topic_an_offered_locale_does_not_name(small_site: tuple[TestClient, Path]) -> None:
    _, content = small_site
    warnings = [str(p) for p in check_content(content, "en-US", ["en-US", "de-DE"]) if "topic" in p.message]
    assert all(": warning: " in w for w in warnings)
    # German pages show the German article's topics and the English fallback's: two have no German name.
    assert sorted(re.findall(r"^topics/(\S+)\.txt:1: warning: no name for topic '([^']+)'", w)[0] for w in warnings) == [
        ("de-DE", "fish-care"), ("de-DE", "sea-mammals"), ("en-US", "sea-mammals")]
    assert any("used by en-US/walrus.md" in w and "de-DE pages show 'Sea mammals'" in w for w in warnings)
    # Once named, nothing is left to warn about.
    (content / "topics" / "de-DE.txt").write_text("aquaria = Aquarien\nfish-care = Fischpflege\nsea-mammals = Meeressäuger\n",
                                                  encoding="utf-8")
    (content / "topics" / "en-US.txt").write_text("aquaria = Aquariums\nfish-care = Caring for fish\nsea-mammals = Sea mammals\n",
                                                  encoding="utf-8")
    assert [p for p in check_content(content, "en-US", ["en-US", "de-DE"]) if "topic" in p.message] == []


def test_check_of_the_bundled_content_has_no_topic_warnings() -> None:
    assert [str(p) for p in check_content(CONTENT, "en-US", list(LOCALES)) if "topic" in p.message] == []
