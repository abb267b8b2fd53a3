"""Every locale the site offers, as a reader sees it: screenshots and axe-core, online and offline.

For each locale a running `helpsvc serve` names in /openapi.json (the locales
setting, so a locale added there is checked without touching this file),
Debian's chromium opens the home page, a search that finds an article written
in that locale, and that article, asking for the locale with ?locale= and with
Accept-Language. The offline bundle, built with the same locales, is opened
from file://: its home page, a search typed into its search box, the article it
finds and that article's topic page, with no request leaving file://. The
article is opened again on a phone-sized screen, where a code block or a table
must reflow rather than scroll sideways.

Every page must say <html lang> in its locale, and the home page's heading must
be in the locale's language. Each page is saved as
artifacts/screenshots/<page>-<locale>.png (bundle-<page>-<locale>.png offline,
article-narrow-<locale>.png on the phone-sized screen) with its axe results
under artifacts/axe/, and any serious or critical violation fails the test,
named by page, locale, rule and nodes.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote_plus

import pytest
from browser_support import (
    SERVER_ENV,
    check_axe,
    chromium_browser,
    describe,
    offered_locales,
    screenshot,
    skip_or_fail,
)
from click.testing import CliRunner
from conftest import CONTENT, Server

from helpsvc.cli import cli
from helpsvc.content import Article, load_collection

try:
    from playwright.sync_api import Browser, BrowserContext, Page, expect
except ImportError:
    skip_or_fail("the browser tests need the playwright package: .venv/bin/pip install playwright", module=True)

MINISEARCH = Path(__file__).resolve().parents[1] / "node_modules" / "minisearch"
WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 800}  # WCAG 1.4.10 (reflow) measures at 320 CSS px
CODE_BLOCK = re.compile(r"^(```|~~~)", re.MULTILINE)
TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*\|", re.MULTILINE)

expect.set_options(timeout=10_000)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium_browser() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def site(browser: Browser, tmp_path_factory: pytest.TempPathFactory, content_index: Path) -> Iterator[Server]:
    """One real server on loopback for the module (asking for the browser first skips before it starts)."""
    server = Server(tmp_path_factory.mktemp("screens"), content_index, SERVER_ENV).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def locales(site: Server) -> list[str]:
    return offered_locales(site.url)


@pytest.fixture(scope="module")
def bundle(site: Server, locales: list[str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`helpsvc bundle` with every locale the running site offers."""
    if shutil.which("node") is None or not MINISEARCH.is_dir():
        skip_or_fail("the bundle's search index is built with Node and MiniSearch: install nodejs and run 'npm ci'")
    out = tmp_path_factory.mktemp("bundle") / "help"
    args = ["bundle", "--content", str(CONTENT), "--out", str(out), "--quiet"]
    result = CliRunner().invoke(cli, [*args, *[arg for loc in locales for arg in ("--locale", loc)]])
    assert result.exit_code == 0, result.output
    return out


def new_context(browser: Browser, locale: str) -> BrowserContext:
    """A reader whose browser asks for ``locale`` (Accept-Language); CSP bypassed, since axe is injected."""
    context = browser.new_context(locale=locale, bypass_csp=True, viewport=WIDE)
    context.set_default_timeout(10_000)
    return context


class Findings:
    """What every page must be: in its locale, screenshotted, and free of serious or critical axe violations.

    Collected rather than raised at the first page, so one run names every page that fails.
    """

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self.problems: list[str] = []
        self.pages = 0
        self.headings: dict[str, str] = {}  # locale -> the home page's <h1>

    def look(self, page: Page, name: str, locale: str) -> None:
        label = f"{self.prefix}{name} {locale}"
        lang = page.evaluate("document.documentElement.lang")
        if lang != locale:
            self.problems.append(f"{label}: <html lang={lang!r}>, expected {locale!r} ({page.url})")
        screenshot(page, f"{self.prefix}{name}-{locale}")
        blocking = check_axe(page, label)
        if blocking:
            self.problems.append(describe(f"{label} (serious or critical only), {page.url}", blocking))
        self.pages += 1

    def narrow(self, page: Page, name: str, locale: str) -> None:
        """The page on a phone's screen (or a client's narrow web view): it reflows, nothing scrolls sideways."""
        page.set_viewport_size(NARROW)
        try:
            wide, screen = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if wide > screen:
                self.problems.append(f"{self.prefix}{name} {locale}: {wide} px wide on a {screen} px screen ({page.url})")
            self.look(page, f"{name}-narrow", locale)
        finally:
            page.set_viewport_size(WIDE)

    def home(self, page: Page, locale: str) -> None:
        heading = page.get_by_role("heading", level=1)
        expect(heading).to_be_visible()
        self.headings[locale] = heading.inner_text()
        self.look(page, "home", locale)

    def assert_clean(self, locales: list[str], per_locale: int) -> None:
        # The page furniture is in the page's language: a language other than the first offered
        # one has its own words, or <html lang> tells a screen reader the wrong language.
        default = locales[0]
        for locale in locales:
            if locale.split("-")[0] != default.split("-")[0] and self.headings[locale] == self.headings[default]:
                self.problems.append(f"{self.prefix}home {locale}: the heading is the {default} one, {self.headings[default]!r}")
        assert not self.problems, "\n".join(self.problems)
        assert self.pages == per_locale * len(locales)


def own_article(locale: str, findings: Findings) -> Article | None:
    """An article written in the locale, not the default locale's fallback, listed and with a topic.

    One with a code block, else a table, is taken first (then by id): those are what
    outgrow a narrow screen.
    """
    own = sorted((a for a in load_collection(CONTENT) if isinstance(a, Article) and a.locale == locale
                  and not a.noindex and a.topics),
                 key=lambda a: (not CODE_BLOCK.search(a.body), not TABLE_RULE.search(a.body), a.id))
    if not own:
        findings.problems.append(f"{locale} is offered but {CONTENT}/{locale}/ holds no listed article with a topic to search for")
        return None
    return own[0]


def test_reader_pages_in_every_offered_locale(browser: Browser, site: Server, locales: list[str]) -> None:
    findings = Findings()
    for locale in locales:
        article = own_article(locale, findings)
        context = new_context(browser, locale)
        try:
            page = context.new_page()
            page.goto(f"{site.url}/?locale={locale}")
            findings.home(page, locale)
            if article is None:
                continue

            page.goto(f"{site.url}/search?q={quote_plus(article.title)}&locale={locale}")
            # Found in the reader's own locale: no note that the hits come from another one.
            expect(page.locator("ol.results").get_by_role("link", name=article.title, exact=True).first).to_be_visible()
            expect(page.locator("p.count.fallback")).to_have_count(0)
            findings.look(page, "search", locale)

            page.goto(f"{site.url}/articles/{article.id}?locale={locale}")
            title = page.locator("article.article > h1")
            expect(title).to_have_text(article.title)
            expect(title).to_have_attribute("lang", locale)
            findings.look(page, "article", locale)
            findings.narrow(page, "article", locale)
        finally:
            context.close()
    findings.assert_clean(locales, per_locale=4)


def test_bundle_pages_in_every_offered_locale(browser: Browser, bundle: Path, locales: list[str]) -> None:
    languages = (bundle / "index.html").read_text(encoding="utf-8")
    assert [loc for loc in locales if f"{loc}/index.html" not in languages] == [], "the bundle's first page misses a locale"
    findings = Findings("bundle-")
    requests: list[str] = []
    for locale in locales:
        article = own_article(locale, findings)
        context = new_context(browser, locale)
        context.on("request", lambda request: requests.append(request.url))
        try:
            page = context.new_page()
            page.goto((bundle / locale / "index.html").as_uri())
            findings.home(page, locale)
            if article is None:
                continue

            page.goto((bundle / locale / "search.html").as_uri())
            box = page.get_by_role("searchbox")
            box.fill(article.title)
            box.press("Enter")
            expect(page).to_have_url(re.compile(r"/search\.html\?q="))
            found = page.locator("#results").get_by_role("link", name=article.title, exact=True).first
            expect(found).to_be_visible()
            expect(page.locator("#status")).not_to_be_empty()
            findings.look(page, "search", locale)

            found.click()
            expect(page).to_have_url(re.compile(rf"/{re.escape(locale)}/articles/{re.escape(article.id)}\.html$"))
            title = page.locator("article.article > h1")
            expect(title).to_have_text(article.title)
            expect(title).to_have_attribute("lang", locale)
            findings.look(page, "article", locale)
            findings.narrow(page, "article", locale)

            page.locator(".crumbs a").nth(1).click()  # the article's topic
            expect(page).to_have_url(re.compile(rf"/{re.escape(locale)}/topics/[^/]+\.html$"))
            expect(page.locator(".article-list").get_by_role("link", name=article.title, exact=True)).to_have_count(1)
            findings.look(page, "topic", locale)
        finally:
            context.close()
    findings.assert_clean(locales, per_locale=5)
    assert len(requests) >= 8 * len(locales)  # pages, styles, the library, the search code and the index
    assert [url for url in requests if not url.startswith("file://")] == []
