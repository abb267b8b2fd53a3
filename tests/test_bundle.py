"""The offline help bundle (``helpsvc bundle``): every article, links that resolve inside
it, nothing that reaches another host, no feedback widget, a search index built at
bundle time; and, in Debian's chromium from file://, a search that sends no request."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from browser_support import CHROMIUM, LAUNCH_ARGS, ROOT, skip_or_fail
from click.testing import CliRunner

from helpsvc.cli import cli
from helpsvc.content import Article, load_collection

CONTENT = ROOT / "content"
LOCALES = ("en-US", "de-DE", "fr-FR")
MINISEARCH = ROOT / "node_modules" / "minisearch"
URL = re.compile(r"https?://[^\s\"'<>)]+")


def _needs_node() -> None:
    if shutil.which("node") is None or not MINISEARCH.is_dir():
        pytest.skip("the bundle's search index is built with Node and MiniSearch: install nodejs and run 'npm ci'")


def _articles() -> dict[str, dict[str, Article]]:
    found: dict[str, dict[str, Article]] = {}
    for item in load_collection(CONTENT):
        if isinstance(item, Article):
            found.setdefault(item.locale, {})[item.id] = item
    return found


def _bundle(out: Path, *args: str) -> None:
    result = CliRunner().invoke(cli, ["bundle", "--content", str(CONTENT), "--out", str(out), "--quiet", *args])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _needs_node()
    out = tmp_path_factory.mktemp("bundle") / "help"
    _bundle(out, *[arg for loc in LOCALES for arg in ("--locale", loc)])
    return out


class _Links(HTMLParser):
    """Every address a page names in an attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.addresses: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"href", "src", "action"} and value:
                self.addresses.append(value)
            elif name == "content" and value and "url=" in value:  # <meta http-equiv="refresh">
                self.addresses.append(value.split("url=", 1)[1])


def _addresses(page: Path) -> list[str]:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.addresses


def test_every_article_has_a_page_in_every_locale_with_fallback(bundle: Path) -> None:
    articles = _articles()
    for locale in LOCALES:
        expected = set(articles["en-US"]) | set(articles.get(locale, {}))
        pages = {p.relative_to(bundle / locale / "articles").as_posix()[:-5] for p in (bundle / locale / "articles").rglob("*.html")}
        assert pages == expected, locale
    german = next(iter(articles["de-DE"].values()))
    page = (bundle / "de-DE" / "articles" / f"{german.id}.html").read_text(encoding="utf-8")
    assert f'<h1 lang="de-DE">{german.title}</h1>' in page
    english_only = next(aid for aid in articles["en-US"] if aid not in articles["de-DE"])
    fallback = (bundle / "de-DE" / "articles" / f"{english_only}.html").read_text(encoding="utf-8")
    assert '<h1 lang="en-US">' in fallback and '<html lang="de-DE">' in fallback  # German furniture, English text


def test_links_between_pages_resolve_to_files_in_the_bundle(bundle: Path) -> None:
    checked = 0
    for page in bundle.rglob("*.html"):
        for address in _addresses(page):
            parts = urlsplit(address)
            if not parts.path:  # "#anchor" on the same page
                continue
            assert not parts.scheme and not address.startswith("/"), f"{page}: {address}"
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_file() and target.is_relative_to(bundle.resolve()), f"{page}: {address}"
            checked += 1
    assert checked > 500
    # A link the writer made between two articles is one of them.
    error_codes = (bundle / "en-US" / "articles" / "troubleshoot-error-codes.html").read_text(encoding="utf-8")
    assert 'href="troubleshoot-cannot-connect.html"' in error_codes


def test_no_file_names_another_host(bundle: Path) -> None:
    sources = {a.id: a.body for a in _articles()["en-US"].values()} | {a.id: a.body for a in _articles()["de-DE"].values()}
    for path in bundle.rglob("*"):
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        if path.name == "minisearch.js":
            licence, _, text = text.partition("*/")
            assert licence.startswith("/*! MiniSearch") and "Permission is hereby granted" in licence
        if path.suffix == ".html":
            assert not [a for a in _addresses(path) if URL.match(a)], path
            # An address an article tells its reader to type is its own words, shown as text, never a link.
            article_id = path.stem if path.parent.name == "articles" else None
            text = "".join(u for u in URL.findall(text) if not (article_id and u in sources.get(article_id, "")))
        assert not URL.findall(text), f"{path}: {URL.findall(text)[:3]}"


def test_the_feedback_widget_is_one_sentence_pointing_to_the_online_help(bundle: Path, tmp_path: Path) -> None:
    page = (bundle / "en-US" / "articles" / "screen-share.html").read_text(encoding="utf-8")
    assert "<form" not in page.replace('<form class="search"', "")  # only the search box, which stays in the bundle
    assert "Was this information helpful?" not in page
    assert '<p class="feedback-offline" id="feedback">Feedback on this article needs the online help.</p>' in page
    online = tmp_path / "online.zip"
    _bundle(online, "--locale", "en-US", "--online-url", "https://help.example.com")
    with zipfile.ZipFile(online) as archive:
        zipped = archive.read("en-US/articles/screen-share.html").decode("utf-8")
        assert "de-DE/index.html" not in archive.namelist()
    assert "Feedback on this article needs the online help, at https://help.example.com." in zipped
    assert 'href="https://help.example.com' not in zipped


def test_related_articles_are_listed_unless_the_writer_listed_them(bundle: Path) -> None:
    own = (bundle / "en-US" / "articles" / "screen-share.html").read_text(encoding="utf-8")
    assert 'id="related-articles"' in own and 'class="related"' not in own
    generated = (bundle / "en-US" / "articles" / "calls-quality.html").read_text(encoding="utf-8")
    section = generated.split('<section class="related"', 1)[1].split("</section>", 1)[0]
    assert 2 <= section.count("<li>") <= 5 and 'href="calls-quality.html"' not in section


def test_the_search_index_names_every_listed_article(bundle: Path) -> None:
    for locale in LOCALES:
        script = (bundle / locale / "search-index.js").read_text(encoding="utf-8")
        assigned = dict(re.findall(r"^window\.HELP_SEARCH\.(\w+) = (.*);$", script, re.MULTILINE))
        serialised = json.loads(json.loads(assigned["index"]))
        assert {"en-US": "my", "de-DE": "mein", "fr-FR": "mon"}[locale] in json.loads(assigned["stopWords"])
        assert "relay" in json.loads(assigned["commonWords"]), f"{locale}: the product's name is in nearly every article"
        listed = {aid for aid, a in (_articles()["en-US"] | _articles().get(locale, {})).items() if not a.noindex}
        assert set(serialised["documentIds"].values()) == listed, locale


NODE_SEARCH = """
const fs = require("fs"), vm = require("vm");
const [dir, locale, query] = process.argv.slice(1);
const window = vm.createContext({}); window.window = window.self = window;  // the page's global, as in a browser
for (const f of ["assets/minisearch.js", "assets/offline-search.js", locale + "/search-index.js"])
  vm.runInContext(fs.readFileSync(dir + "/" + f, "utf8"), window);
const index = window.OfflineSearch.load(window.MiniSearch, window.HELP_SEARCH.index, window.HELP_SEARCH.stopWords);
console.log(JSON.stringify(window.OfflineSearch.search(index, query, 5).map((h) => h.id)));
"""


def test_the_bundles_own_search_code_answers_in_node(bundle: Path) -> None:
    def top(locale: str, query: str) -> list[str]:
        done = subprocess.run(["node", "-e", NODE_SEARCH, str(bundle), locale, query], capture_output=True, text=True, check=True)
        return json.loads(done.stdout)

    assert top("en-US", "share my screen")[0] == "screen-share"
    assert "screen-share" in top("en-US", "scren shar")  # a typo, and a word still being typed
    assert top("en-US", "my the of") == []  # stop words alone find nothing
    assert top("de-DE", "mein der und") == []
    # Accents are folded on both sides: a reader who types "ecran" finds "écran".
    assert top("fr-FR", "partager mon ecran") == top("fr-FR", "partager mon écran")
    assert "screen-share" in top("fr-FR", "partager mon ecran")[:2]  # each locale's index leaves out its own language's


def test_images_are_copied_in_and_links_to_other_hosts_become_text(tmp_path: Path) -> None:
    _needs_node()
    content = tmp_path / "content" / "en-US"
    (content / "img").mkdir(parents=True)
    (content / "img" / "dial.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (content / "dial.md").write_text("---\ntitle: Dial a number\n---\n![The dial pad](img/dial.png)\n\n"
                                     "See [the vendor's page](https://vendor.example.com/dial) or [calls](calls.md).\n", encoding="utf-8")
    (content / "calls.md").write_text("---\ntitle: Calls\n---\nAbout calls.\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["bundle", "--content", str(tmp_path / "content"), "--locale", "en-US", "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    page = (out / "en-US" / "articles" / "dial.html").read_text(encoding="utf-8")
    assert '<img src="../../media/en-US/img/dial.png" alt="The dial pad"' in page
    assert (out / "media" / "en-US" / "img" / "dial.png").read_bytes() == b"\x89PNG\r\n\x1a\n"
    assert '<span class="offline-link">the vendor\'s page</span>' in page and "vendor.example.com" not in page
    assert '<a href="calls.html">calls</a>' in page


def test_bad_input_is_refused_with_a_message(bundle: Path, tmp_path: Path) -> None:
    unknown = CliRunner().invoke(cli, ["bundle", "--out", str(tmp_path / "x"), "--locale", "xx-XX"])
    assert unknown.exit_code == 2 and "xx-XX not offered" in unknown.output
    occupied = CliRunner().invoke(cli, ["bundle", "--content", str(CONTENT), "--out", str(bundle)])
    assert occupied.exit_code == 1 and "is not empty" in occupied.output
    bad_url = CliRunner().invoke(cli, ["bundle", "--out", str(tmp_path / "y"), "--online-url", "help.example.com"])
    assert bad_url.exit_code == 1 and "must be an http(s) address" in bad_url.output


# ---------------------------------------------------------------- in a real browser, from file://


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    try:
        from playwright import sync_api
    except ImportError:
        skip_or_fail("the bundle's browser test needs the playwright package: .venv/bin/pip install playwright")
    if not CHROMIUM.exists():
        skip_or_fail(f"bundle browser test skipped: {CHROMIUM} is missing: 'apt-get update && apt-get install -y chromium'")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True)
        yield browser
        browser.close()


def test_searching_the_bundle_from_disk_sends_no_request_anywhere(bundle: Path, chromium: object) -> None:
    context = chromium.new_context()  # type: ignore[attr-defined]
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.goto((bundle / "index.html").as_uri())
    page.get_by_role("link", name="en-US").click()
    page.get_by_role("searchbox").fill("share my screen")
    page.get_by_role("button", name="Search").click()
    page.wait_for_selector("#results li a")
    assert page.locator("#status").inner_text().endswith("results for “share my screen”")
    # The words that found a hit are marked in its title and summary; "my" found nothing.
    marks = {m.lower() for m in page.locator("#results mark.hl").all_inner_texts()}
    assert {"share", "screen"} <= marks and "my" not in marks
    first = page.locator("#results li a").first
    title = first.inner_text()
    first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == title
    assert page.url.endswith("/en-US/articles/screen-share.html")
    page.locator(".crumbs a").nth(1).click()  # the article's topic
    page.locator(".article-list a").first.click()
    page.wait_for_load_state()
    assert page.url.startswith("file://") and "/en-US/articles/" in page.url
    page.goto((bundle / "en-US" / "search.html").as_uri() + "?q=relay+screen")
    page.wait_for_selector("#results li a")
    marks = {m.lower() for m in page.locator("#results mark.hl").all_inner_texts()}
    assert "screen" in marks and "relay" not in marks  # in nearly every article: found, not marked
    context.close()
    assert len(requests) >= 8  # pages, styles, the library, the search code and the index
    assert [url for url in requests if not url.startswith("file://")] == []


def test_the_offline_result_count_has_each_languages_plural_forms(bundle: Path) -> None:
    def sentences(locale: str) -> list[str]:
        page = (bundle / locale / "search.html").read_text(encoding="utf-8")
        found = re.search(r"data\.found = (\[.*?\]);", page, re.DOTALL)
        assert found, f"{locale}/search.html gives no count sentences"
        return json.loads(found.group(1))

    english, german, french = sentences("en-US"), sentences("de-DE"), sentences("fr-FR")
    assert len(english) == len(german) == len(french) == 20  # one per count the page can show
    assert english[0] == "1 result for “{query}”" and english[1] == "2 results for “{query}”"
    assert german[0].startswith("1 Ergebnis für") and german[4].startswith("5 Ergebnisse für")
    assert french[0].startswith("1 résultat pour") and french[1].startswith("2 résultats pour")
