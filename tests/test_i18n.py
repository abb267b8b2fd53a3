"""The UI catalogs: every extracted string translated in every language, real plural forms, and a
language offered because its catalog exists."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po
from starlette.testclient import TestClient

from conftest import write_article
from helpsvc.intake.feedback import NO_REASONS, YES_REASONS
from helpsvc.locale import LOCALE_DIR, N_
from helpsvc.search import build_index
from helpsvc.web.i18n import (FEEDBACK_REASONS, UI_LOCALES, catalog_languages, catalog_path, load_catalog, translate,
                              ui_locales)

ROOT = Path(__file__).resolve().parents[1]

MessageId = str | tuple[str, ...]


def extracted() -> dict[MessageId, list[str]]:
    """What `make messages` extracts (babel.cfg, Babel's default keywords): msgid -> where it is used."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, "babel.cfg")
    found: dict[MessageId, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=DEFAULT_KEYWORDS):
        key = message if isinstance(message, str) else tuple(m for m in message if m)
        found.setdefault(key, []).append(f"{filename}:{lineno}")
    return found


EXTRACTED = extracted()


def _catalog(language: str) -> Catalog:
    with catalog_path(language).open("rb") as po:
        return read_po(po, locale=language)


def _key(message_id: Any) -> MessageId:
    return message_id if isinstance(message_id, str) else tuple(message_id)


def test_extraction_finds_the_templates_and_the_python_code() -> None:
    # Each source kind, so a broken mapping cannot pass the catalog check by extracting nothing.
    used = {where.split(":")[0] for places in EXTRACTED.values() for where in places}
    assert {"helpsvc/templates/search.html", "helpsvc/templates/bundle/search.html", "helpsvc/templates/reports/_macros.html",
            "helpsvc/web/reader.py", "helpsvc/web/render.py", "helpsvc/reports/articles.py"} <= used
    assert ("%(num)s result", "%(num)s results") in EXTRACTED  # {% trans %}…{% pluralize %}
    assert "Page %(page)s of %(pages)s" in EXTRACTED  # _() with values
    assert "IP addresses" in EXTRACTED  # N_() on a module constant
    assert len(EXTRACTED) > 250


def test_the_catalogs_on_disk_include_german_and_french() -> None:
    assert {"de", "fr"} <= set(catalog_languages())


@pytest.mark.parametrize("language", catalog_languages())
def test_every_extracted_message_is_translated(language: str) -> None:
    catalog = _catalog(language)
    entries = {_key(m.id): m for m in catalog if m.id}
    problems = []
    for message_id, places in sorted(EXTRACTED.items(), key=lambda item: str(item[0])):
        entry = entries.get(message_id)
        if entry is None:
            problems.append(f"missing: {message_id!r} ({places[0]})")
        elif entry.fuzzy:
            problems.append(f"fuzzy: {message_id!r} ({places[0]})")
        elif not all(entry.string) if isinstance(entry.string, tuple) else not entry.string:
            problems.append(f"empty: {message_id!r} ({places[0]})")
    assert problems == [], f"{catalog_path(language)} needs `make messages` and a translator:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", catalog_languages())
def test_translations_keep_the_placeholders_of_the_english(language: str) -> None:
    catalog = _catalog(language)
    assert catalog.num_plurals >= 2
    errors = [f"{message.id!r}: {', '.join(map(str, found))}" for message, found in catalog.check()]
    assert errors == []


def test_the_template_lists_what_is_extracted() -> None:
    """messages.pot is the template translators start from: it must not lag behind the code."""
    with (LOCALE_DIR / "messages.pot").open("rb") as pot:
        template = {_key(m.id) for m in read_po(pot) if m.id}
    assert sorted(map(str, set(EXTRACTED) - template)) == [], "run `make messages`"
    assert sorted(map(str, template - set(EXTRACTED))) == [], "run `make messages`"


def test_every_feedback_reason_is_marked_for_the_catalogs() -> None:
    assert set(FEEDBACK_REASONS) == set(YES_REASONS.values()) | set(NO_REASONS.values())


def test_a_missing_translation_shows_the_english() -> None:
    assert translate(N_("A sentence no catalog has, %(n)s times", n=3), "de-DE") == "A sentence no catalog has, 3 times"
    assert translate(N_("Your role (%(role)s) may not see this page.", role="writer"), "fr-FR") == \
        "Votre rôle (writer) ne permet pas de voir cette page."
    assert translate(N_("Your role (%(role)s) may not see this page.", role="writer"), "xx-YY") == \
        "Your role (writer) may not see this page."


def test_an_untranslated_fuzzy_or_half_translated_entry_shows_the_english(tmp_path: Path) -> None:
    catalog = _catalog("fr")
    catalog["Search"].string = ""
    catalog["Filter"].flags.add("fuzzy")
    catalog[("%(num)s result", "%(num)s results")].string = ("%(num)s résultat", "", "")
    path = tmp_path / "messages.po"
    with path.open("wb") as po:
        write_po(po, catalog)
    french = load_catalog(path, "fr")
    assert (french.gettext("Search"), french.gettext("Filter"), french.gettext("Help")) == ("Search", "Filter", "Aide")
    assert french.ngettext("%(num)s result", "%(num)s results", 2) == "%(num)s results"


# ---------------------------------------------------------------- plural forms, through the search page


@pytest.fixture
def counted(tmp_path: Path, make_app: Callable[..., TestClient]) -> TestClient:
    """A site where "zebrafish" is in one article and "walrus" in two."""
    content = tmp_path / "content"
    write_article(content, "en-US/fish.md", {"id": "fish", "title": "Zebrafish tanks", "locale": "en-US"},
                  "Keep the zebrafish warm.")
    write_article(content, "en-US/walrus-a.md", {"id": "walrus-a", "title": "Walrus feeding", "locale": "en-US"},
                  "Feed the walrus twice a day.")
    write_article(content, "en-US/walrus-b.md", {"id": "walrus-b", "title": "Walrus habitats", "locale": "en-US"},
                  "The walrus lives on ice.")
    build_index(content, tmp_path / "ix")
    return make_app(index_dir=tmp_path / "ix", content_dir=content, locales=("en-US",))


@pytest.mark.parametrize(("language", "one", "two"), [
    ("en-US", "1 result for <strong>zebrafish</strong>", "2 results for <strong>walrus</strong>"),
    ("de-DE", "1 Ergebnis für <strong>zebrafish</strong>", "2 Ergebnisse für <strong>walrus</strong>"),
    ("fr-FR", "1 résultat pour <strong>zebrafish</strong>", "2 résultats pour <strong>walrus</strong>"),
])
def test_the_result_count_takes_the_languages_plural_form(counted: TestClient, language: str, one: str, two: str) -> None:
    for query, total, sentence in (("zebrafish", 1, one), ("walrus", 2, two)):
        assert counted.get("/api/v1/search", params={"q": query}).json()["total"] == total
        page = counted.get("/search", params={"q": query}, headers={"Accept-Language": language})
        assert page.status_code == 200 and f'<html lang="{language}">' in page.text
        assert f'<p class="count" role="status">{sentence}</p>' in page.text


def test_a_query_in_the_count_sentence_is_escaped(counted: TestClient) -> None:
    page = counted.get("/search", params={"q": "walrus <b>"}, headers={"Accept-Language": "fr-FR"}).text
    assert "2 résultats pour <strong>walrus &lt;b&gt;</strong>" in page


def test_whole_sentences_with_values_in_german_and_french(client: TestClient) -> None:
    german = client.get("/search", params={"q": "share screen", "per_page": 1}, headers={"Accept-Language": "de"}).text
    pages = client.get("/api/v1/search", params={"q": "share screen", "per_page": 1}, headers={"Accept-Language": "de"}).json()["pages"]
    assert pages > 1
    assert f"<span>Seite 1 von {pages}</span>" in german
    french = client.get("/search", params={"q": "zzqxv qqqwy"}, headers={"Accept-Language": "fr"}).text
    assert "Aucun article ne correspond à <strong>zzqxv qqqwy</strong>" in french
    privacy = client.get("/privacy", headers={"Accept-Language": "fr-FR"}).text
    days = client.app.state.site.settings.comment_retention_days
    assert f"Commentaires des avis\u00a0: {days} jours." in privacy


# ---------------------------------------------------------------- languages from catalogs


def test_ui_locales_are_english_and_the_catalogs_found() -> None:
    assert UI_LOCALES[0] == "en-US"
    assert {"de-DE", "fr-FR"} <= set(UI_LOCALES)


def test_a_new_catalog_is_a_new_ui_locale(tmp_path: Path) -> None:
    for language in ("it", "pt_BR"):
        target = catalog_path(language, tmp_path)
        target.parent.mkdir(parents=True)
        shutil.copyfile(catalog_path("fr"), target)
    (tmp_path / "nl" / "LC_MESSAGES").mkdir(parents=True)  # a folder without a catalog is no language
    assert ui_locales(tmp_path) == ("en-US", "it-IT", "pt-BR")


def test_a_french_reader_gets_french_page_furniture(make_app: Callable[..., TestClient]) -> None:
    # The site offers only English articles: the furniture speaks French because the catalog exists.
    client = make_app(locales=("en-US",))
    home = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert '<html lang="fr-FR">' in home.text and "Comment pouvons-nous vous aider\u00a0?" in home.text
    article = client.get("/articles/sign-in", headers={"Accept-Language": "fr"}).text
    assert "Ces informations vous ont-elles été utiles\u00a0?" in article and "Trop technique" in article
    english = client.get("/").text
    assert '<html lang="en-US">' in english and "How can we help?" in english


def test_error_messages_speak_the_readers_language(client: TestClient) -> None:
    page = client.get("/nope", headers={"Accept-Language": "fr"})
    assert page.status_code == 404 and "Il n&#39;y a aucune page à cette adresse." in page.text
    api = client.post("/api/v1/feedback", content=b"{}", headers={"Accept-Language": "de", "Content-Type": "text/plain"})
    assert api.status_code == 415
    assert api.json()["error"]["message"] == "senden Sie den Inhalt als JSON mit 'Content-Type: application/json'"
    english = client.post("/api/v1/feedback", content=b"{}", headers={"Content-Type": "text/plain"})
    assert english.json()["error"]["message"] == "send the body as JSON with 'Content-Type: application/json'"


def test_staff_reports_speak_the_staff_members_language(tmp_path: Path) -> None:
    from conftest_staff import add_staff, login, make_site

    app, services = make_site(tmp_path)
    add_staff(services, "ada", "admin")
    with TestClient(app) as staff:
        assert login(staff, "ada").status_code == 303
        german = staff.get("/reports/articles", headers={"Accept-Language": "de-DE"}).text
        assert '<html lang="de-DE">' in german and "<h1>Artikel</h1>" in german and "Brauchen Aufmerksamkeit" in german
        assert ">Aufrufe</a>" in german and "Die Wertung ist die untere Wilson-Grenze" in german
        french = staff.get("/reports/search", headers={"Accept-Language": "fr-FR"}).text
        assert "<h1>Rechercher</h1>" in french and "Principales requêtes" in french and "Requête" in french
        english = staff.get("/reports/articles").text
        assert "<h1>Articles</h1>" in english and "Score is the Wilson lower bound" in english
        # The JSON twin stays in the source language, whatever the page speaks.
        data = staff.get("/api/v1/reports/articles", headers={"Accept-Language": "de-DE"}).json()
        assert data["title"] == "Articles" and data["tables"]["articles"]["columns"][1]["label"] == "Title"
