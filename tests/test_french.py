"""French help: a third locale is content and a catalog, stemmed as French, with English where no translation exists."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CONTENT, copy_content
from starlette.testclient import TestClient

import helpsvc.cli as cli_module
from helpsvc.content.articles import load_collection
from helpsvc.search import SearchService, analyzer_for, build_index, language_of, languages_of, stemmed_languages
from helpsvc.settings import Settings

FRENCH_IDS = {
    "calls-make", "contacts-add", "devices-audio-check", "meetings-join", "messaging-send-im",
    "presence-do-not-disturb", "presence-set-status", "presence-status-meanings", "screen-share",
    "sign-in-troubleshoot", "sign-in", "troubleshoot-cannot-connect", "welcome",
}


def _ids(service: SearchService, query: str, locale: str = "fr-FR") -> list[tuple[str, str]]:
    return [(hit.id, hit.locale) for hit in service.search(query, locale=locale).hits]


def test_the_site_offers_french_and_every_german_article_has_a_french_twin() -> None:
    assert "fr-FR" in Settings().locales
    articles = list(load_collection(CONTENT))
    french = {a.id for a in articles if a.locale == "fr-FR"}
    german = {a.id for a in articles if a.locale == "de-DE"}
    english = {a.id for a in articles if a.locale == "en-US"}
    assert FRENCH_IDS <= french and german <= french <= english


def test_offered_languages_whoosh_can_stem_get_their_own_fields() -> None:
    assert stemmed_languages(["en-US", "de-DE", "fr-FR"]) == ("en", "de", "fr")
    # Whoosh has no Japanese stemmer: those articles and queries get the English analysis.
    assert stemmed_languages(["en-US", "ja-JP", "fr-CA"]) == ("en", "fr")
    assert language_of("ja-JP", ("en", "fr")) == "en" and language_of("fr-CA", ("en", "fr")) == "fr"
    assert language_of("fr-FR", ("en", "de")) == "en"


def test_french_stems_and_folds_accents_as_german_folds_umlauts() -> None:
    french = analyzer_for("fr")
    assert [t.text for t in french("partagez l'écran")] == [t.text for t in french("partager l'ecran")]
    assert [t.text for t in french("réunions")] == [t.text for t in french("reunion")]
    german = analyzer_for("de")
    assert [t.text for t in german("Übertragung")] == [t.text for t in german("ubertragung")]


def test_the_shared_index_analyses_french(content_index: Path) -> None:
    state = SearchService(content_index).state()
    assert state.languages == ("en", "de", "fr")
    assert "body_fr" in state.searcher.schema.names()


@pytest.mark.parametrize("query", ["partager mon écran", "partager l'ecran", "Partage d'écran", "présenter mon bureau"])
def test_french_queries_find_the_french_screen_sharing_article(content_index: Path, query: str) -> None:
    assert _ids(SearchService(content_index), query)[0] == ("screen-share", "fr-FR")


def test_french_words_match_their_other_forms(content_index: Path) -> None:
    service = SearchService(content_index)
    # No article says "partagerez" (you will share): French stemming takes it to "partager".
    assert _ids(service, "partagerez")[0] == ("screen-share", "fr-FR")
    # "décalée" stands only in one body, with its accents: typed without them, it is found all the same.
    assert _ids(service, "decalee") == _ids(service, "décalée") == [("troubleshoot-cannot-connect", "fr-FR")]
    assert _ids(service, "réunions")[0] == ("meetings-join", "fr-FR")
    assert _ids(service, "ne pas deranger")[0] == ("presence-do-not-disturb", "fr-FR")
    assert _ids(service, "impossible de se connecter au serveur")[0] == ("troubleshoot-cannot-connect", "fr-FR")


def test_a_french_reader_gets_english_where_there_is_no_french_version(content_index: Path) -> None:
    hits = SearchService(content_index).search("installer relay", locale="fr-FR", per_page=50).hits
    assert hits[0].id == "install-relay" and hits[0].locale == "en-US"
    # One version per article: the French one where it exists.
    by_id = {hit.id: hit.locale for hit in hits}
    assert len(by_id) == len(hits)
    assert all(locale == "fr-FR" for aid, locale in by_id.items() if aid in FRENCH_IDS)


def test_french_synonyms_widen_a_query(content_index: Path) -> None:
    # "oreillettes" stands in no article; the writers' French group ties it to "casque".
    assert SearchService(content_index).search("oreillettes", locale="fr-FR").total == 0
    assert _ids(SearchService(content_index, content_dir=CONTENT), "oreillettes")[0] == ("devices-audio-check", "fr-FR")


def test_the_article_page_and_its_json_twin_serve_french(client: TestClient) -> None:
    data = client.get("/api/v1/articles/screen-share", params={"locale": "fr-FR"}).json()
    assert data["locale"] == "fr-FR" and data["title"] == "Partager votre écran pendant une réunion"
    assert {"en-US", "de-DE", "fr-FR"} <= set(data["translations"])
    page = client.get("/articles/screen-share", params={"locale": "fr-FR"})
    assert page.status_code == 200
    assert '<h1 lang="fr-FR">Partager votre écran pendant une réunion</h1>' in page.text
    # A link to an article with no French version goes to the English one.
    assert "/articles/screen-share-give-control" in data["html"]
    by_header = client.get("/api/v1/articles/sign-in", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).json()
    assert by_header["locale"] == "fr-FR" and by_header["title"] == "Se connecter à Relay"


def test_an_article_without_french_falls_back_to_english(client: TestClient) -> None:
    data = client.get("/api/v1/articles/voicemail-setup", params={"locale": "fr-FR"}).json()
    assert data["locale"] == "en-US" and "fr-FR" not in data["translations"]
    page = client.get("/articles/voicemail-setup", params={"locale": "fr-FR"})
    assert page.status_code == 200 and '<h1 lang="en-US">' in page.text


def test_french_search_through_the_api(client: TestClient) -> None:
    data = client.get("/api/v1/search", params={"q": "partager l'ecran", "locale": "fr-FR"}).json()
    assert data["hits"][0]["id"] == "screen-share" and data["hits"][0]["locale"] == "fr-FR"
    assert "<mark" in data["hits"][0]["snippet_html"]


def test_a_build_for_other_locales_still_answers_french_readers(tmp_path: Path) -> None:
    content = copy_content(tmp_path / "content")
    build_index(content, tmp_path / "ix", locales=("en-US", "de-DE"))
    service = SearchService(tmp_path / "ix", check_seconds=0.0)
    state = service.state()
    assert state.languages == ("en", "de") and "body_fr" not in state.searcher.schema.names()
    # The French articles were indexed with the English analysis; the query side asks only for fields the build has.
    assert _ids(service, "partager mon écran")[0] == ("screen-share", "fr-FR")
    # Offering French later makes the next build a full one, with French fields.
    report = build_index(content, tmp_path / "ix", locales=("en-US", "de-DE", "fr-FR"))
    assert report.languages == ["en", "de", "fr"]
    fresh = service.state()
    assert fresh.build_id == report.build_id and languages_of(fresh.searcher.schema) == ("en", "de", "fr")
    assert _ids(service, "partager l'ecran")[0] == ("screen-share", "fr-FR")


def test_the_bundle_command_accepts_french(tmp_path: Path) -> None:
    if shutil.which("node") is None or not (CONTENT.parent / "node_modules" / "minisearch").is_dir():
        pytest.skip("the bundle's search index is built with Node and MiniSearch: install nodejs and run 'npm ci'")
    result = CliRunner().invoke(cli_module.cli, ["bundle", "--locale", "fr-FR", "--out", str(tmp_path / "help"), "--quiet"],
                                env={"HELPSVC_CONTENT_DIR": str(CONTENT)})
    assert result.exit_code == 0, result.output
    page = (tmp_path / "help" / "fr-FR" / "articles" / "screen-share.html").read_text(encoding="utf-8")
    assert '<h1 lang="fr-FR">Partager votre écran pendant une réunion</h1>' in page
    refused = CliRunner().invoke(cli_module.cli, ["bundle", "--locale", "it-IT", "--out", str(tmp_path / "x")],
                                 env={"HELPSVC_CONTENT_DIR": str(CONTENT)})
    assert refused.exit_code == 2 and "it-IT not offered" in refused.output
