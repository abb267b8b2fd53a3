"""In a real browser: Debian's chromium driven by Playwright against a real `helpsvc serve`.

A reader searches, opens a result, votes No, picks reasons and writes a comment
with an e-mail address in it, with JavaScript and without; a writer then logs in
and sees that vote and the scrubbed comment in the article report. axe-core (from
the npm registry) checks the pages for serious or critical accessibility
violations, and the feedback widget is used with the keyboard alone.

Screenshots land in artifacts/screenshots/ and axe results in artifacts/axe/.
The tests skip, saying how to install what is missing, when /usr/bin/chromium,
node_modules/axe-core (``npm ci``) or the playwright package is absent; with
HELPSVC_REQUIRE_BROWSER=1 (for CI) they fail instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from browser_support import (
    PASSWORD,
    SERVER_ENV,
    WRITER,
    add_writer,
    assert_no_blocking_axe,
    check_axe,
    chromium_browser,
    describe,
    focus_indicator,
    has_visible_focus,
    rollup,
    screenshot,
    skip_or_fail,
    stored_bytes,
    tab_to,
)

try:
    from playwright.sync_api import Browser, BrowserContext, Page, expect
except ImportError:
    skip_or_fail("the browser tests need the playwright package: .venv/bin/pip install playwright", module=True)

EMAIL = "quinn.harper@example.org"
COMMENT = f"Step 3 does not match my screen. Please reply to {EMAIL} with a fix."
REASONS = {"incorrect": "Incorrect instructions", "too-technical": "Too technical"}
ARTICLE = "screen-share"  # for the tests that open an article directly

expect.set_options(timeout=10_000)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium_browser() as chromium:
        yield chromium


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Callable[..., BrowserContext]]:
    """Browser contexts that are closed after the test; CSP is bypassed unless asked otherwise (axe is injected)."""
    contexts: list[BrowserContext] = []

    def make(javascript: bool = True, bypass_csp: bool = True) -> BrowserContext:
        context = browser.new_context(java_script_enabled=javascript, bypass_csp=bypass_csp,
                                      viewport={"width": 1280, "height": 900}, locale="en-US")
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def site(server_factory: Callable[..., Any], content_index: Path) -> Any:
    """A real server on loopback with no rate limits and no minimum time before a feedback post."""
    return server_factory(content_index, env=SERVER_ENV)


class Console:
    """Collects console errors and uncaught exceptions of a page (e.g. a CSP refusing a script).

    The site has no favicon, so the browser's own request for /favicon.ico (a 404) is not counted.
    """

    def __init__(self, page: Page) -> None:
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))

    def _console(self, msg: Any) -> None:
        url = msg.location.get("url", "")
        if msg.type == "error" and not url.endswith("/favicon.ico"):
            self.errors.append(f"console.{msg.type}: {msg.text} ({url})")

    def assert_clean(self) -> None:
        assert not self.errors, "the page logged errors:\n" + "\n".join(self.errors)


# ---------------------------------------------------------------- the reader's journey


def search_and_open_first_result(page: Page, url: str, label: str, shots: bool, axe: bool) -> tuple[str, str]:
    """Home page → search → first result; returns the article id and its page URL."""
    page.goto(url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("How can we help?")
    if axe:
        assert_no_blocking_axe(page, f"home ({label})")
    if shots:
        screenshot(page, "home")
    box = page.get_by_label("Search help articles")
    box.fill("share my screen")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=share\+my\+screen"))
    results = page.locator("ol.results > li h2 a")
    expect(results.first).to_be_visible()
    expect(page.locator("p.count")).to_contain_text("for share my screen")
    if axe:
        assert_no_blocking_axe(page, f"search results ({label})")
    if shots:
        screenshot(page, "search")
    title = results.first.inner_text()
    results.first.click()
    expect(page).to_have_url(re.compile(r"/articles/"))
    expect(page.locator("article.article > h1")).to_have_text(title)
    article_id = page.locator("#feedback input[name=article_id]").first.get_attribute("value")
    assert article_id, "the article page has no feedback form"
    return article_id, page.url


def writer_sees_the_feedback(context: BrowserContext, site: Any, article_id: str, shots: bool, axe: bool, label: str) -> None:
    """A writer logs in and finds the No vote, its reasons and the scrubbed comment in the article report."""
    rollup(site)  # votes and reasons are read from daily rollups; comments are read live
    page = context.new_page()
    console = Console(page)
    page.goto(f"{site.url}/reports/article?id={quote(article_id)}")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff login")
    if axe:
        assert_no_blocking_axe(page, f"login ({label})")
    if shots:
        screenshot(page, "login")
    page.get_by_label("Name").fill(WRITER)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/reports/article\?id="))
    expect(page.locator(".tiles div", has_text="Yes / No").locator("dd")).to_have_text("0 / 1")
    expect(page.locator(".tiles div", has_text="Comments").locator("dd")).to_have_text("1")
    reasons = page.locator("table#t-reasons tbody")
    for text in REASONS.values():
        expect(reasons.locator("tr", has_text=text).locator("td.int")).to_have_text("1")
    comments = page.locator("ol.comments > li")
    expect(comments).to_have_count(1)
    expect(comments.first.locator(".meta")).to_contain_text("· No · " + ", ".join(REASONS))
    expect(comments.first.locator("blockquote")).to_have_text(COMMENT.replace(EMAIL, "{{EMAIL}}"))
    assert EMAIL not in page.content(), "the writer's report shows the reader's e-mail address"
    if axe:
        assert_no_blocking_axe(page, f"writer's article report ({label})")
    if shots:
        screenshot(page, "writer-report")
    console.assert_clean()


def assert_email_never_stored(site: Any) -> None:
    raw = stored_bytes(site)
    assert raw, f"no database at {site.db_path}"
    assert EMAIL.encode() not in raw, "the reader's e-mail address is in the SQLite files"
    assert b"{{EMAIL}}" in raw, "the scrubbed comment is not in the SQLite files"
    assert EMAIL not in site.log_path.read_text(errors="replace"), "the reader's e-mail address is in the server log"


def test_feedback_flow_with_javascript(site: Any, new_context: Callable[..., BrowserContext]) -> None:
    add_writer(site)
    page = new_context(javascript=True).new_page()
    console = Console(page)
    article_id, article_url = search_and_open_first_result(page, site.url, "JS", shots=True, axe=True)
    feedback = page.locator("section#feedback")
    assert_no_blocking_axe(page, "article (JS)")
    screenshot(page, "article")

    feedback.get_by_role("button", name="No").click()
    # site.js reveals the No reasons in place: no navigation, the Yes reasons stay hidden.
    expect(feedback.locator("form.details")).to_be_visible()
    expect(feedback.locator("fieldset.reasons[data-for=no]")).to_be_visible()
    expect(feedback.locator("fieldset.reasons[data-for=yes]")).to_be_hidden()
    expect(feedback.locator("form.vote")).to_be_hidden()
    assert page.url == article_url
    assert_no_blocking_axe(page, "article with feedback details open (JS)")
    for text in REASONS.values():
        feedback.get_by_label(text).check()
    feedback.get_by_label("Any additional feedback?").fill(COMMENT)
    expect(feedback.locator(".counter")).to_have_text(f"{len(COMMENT)} / 2000 characters")
    feedback.get_by_role("button", name="Submit").click()

    thanks = feedback.locator(".thanks")
    expect(thanks).to_have_text("Thank you for your feedback!")
    expect(thanks).to_be_visible()
    expect(thanks).to_be_focused()
    expect(feedback.locator("form.details")).to_be_hidden()
    assert page.url == article_url
    assert_no_blocking_axe(page, "article after feedback (JS)")
    screenshot(page, "feedback-thanks")
    console.assert_clean()

    writer_sees_the_feedback(new_context(javascript=True), site, article_id, shots=True, axe=True, label="JS")
    assert_email_never_stored(site)


def test_the_feedback_widget_speaks_the_readers_language_even_when_refused(
        server_factory: Callable[..., Any], content_index: Path, browser: Browser) -> None:
    """A German reader gets the counter and, when the server refuses the post, the error in German."""
    # One feedback post a minute: the vote is taken, the details post after it is refused (429).
    site = server_factory(content_index, env={**SERVER_ENV, "HELPSVC_RATE_LIMIT_FEEDBACK": "1"})
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto(site.url + "/articles/screen-share")
        feedback = page.locator("section#feedback")
        expect(feedback.get_by_role("heading")).to_have_text("War diese Information hilfreich?")
        feedback.get_by_role("button", name="Nein").click()
        comment = "Zu viele Schritte."
        feedback.locator("textarea[name=comment]").fill(comment)
        expect(feedback.locator(".counter")).to_have_text(f"{len(comment)} / 2000 Zeichen")
        feedback.get_by_role("button", name="Senden").click()
        expect(feedback.locator(".thanks")).to_have_text(
            "Ihr Feedback konnte nicht gesendet werden. Bitte versuchen Sie es später noch einmal.")
    finally:
        context.close()


def test_feedback_flow_without_javascript(site: Any, new_context: Callable[..., BrowserContext]) -> None:
    add_writer(site)
    page = new_context(javascript=False).new_page()
    console = Console(page)
    # axe needs JavaScript to run: test_pages_pass_axe_without_site_js checks these pages as a no-JS reader sees them.
    article_id, article_url = search_and_open_first_result(page, site.url, "no JS", shots=False, axe=False)
    expect(page.locator("#feedback form.details")).to_be_hidden()

    page.locator("#feedback").get_by_role("button", name="No").click()
    # The vote is a plain form post; the answer is a page asking for reasons and a comment.
    expect(page).to_have_url(re.compile(r"/feedback$"))
    expect(page.locator("p.thanks")).to_contain_text("Your answer “No”")
    details = page.locator("form.details")
    expect(details).to_be_visible()
    expect(details.get_by_role("checkbox")).to_have_count(6)
    for text in REASONS.values():
        details.get_by_label(text).check()
    details.get_by_label("Any additional feedback?").fill(COMMENT)
    details.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your feedback!")
    back = page.get_by_role("link", name=re.compile("^Back to"))
    expect(back).to_have_attribute("href", re.compile(re.escape(article_url.removeprefix(site.url).split("?")[0])))
    console.assert_clean()

    writer_sees_the_feedback(new_context(javascript=False), site, article_id, shots=False, axe=False, label="no JS")
    assert_email_never_stored(site)


def test_writer_report_on_a_phone_sized_screen(site: Any, new_context: Callable[..., BrowserContext]) -> None:
    """At 320 px (where WCAG 1.4.10 measures reflow) the article report fits the screen but its wide
    tables scroll sideways, so each scrolling box must take the keyboard's focus."""
    add_writer(site)
    page = new_context(javascript=True).new_page()
    page.goto(f"{site.url}/articles/{ARTICLE}")
    page.locator("#feedback").get_by_role("button", name="No").click()
    expect(page.locator("#feedback form.details")).to_be_visible()
    rollup(site)
    page.goto(f"{site.url}/login?next=" + quote(f"/reports/article?id={ARTICLE}"))
    page.get_by_label("Name").fill(WRITER)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".tiles div", has_text="Yes / No").locator("dd")).to_have_text("0 / 1")
    page.set_viewport_size({"width": 320, "height": 800})
    screenshot(page, "writer-report-narrow")
    wide, screen = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert wide <= screen, f"the article report is {wide} px wide on a {screen} px screen"
    assert_no_blocking_axe(page, "writer's article report on a phone-sized screen (JS)")


# ---------------------------------------------------------------- keyboard only


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_feedback_widget_works_with_the_keyboard_alone(site: Any, new_context: Callable[..., BrowserContext],
                                                       javascript: bool) -> None:
    # The page's real CSP is enforced here: site.js must work under it.
    page = new_context(javascript=javascript, bypass_csp=False).new_page()
    console = Console(page)
    page.goto(f"{site.url}/articles/{ARTICLE}")
    expect(page.locator("#feedback")).to_be_visible()

    tab_to(page, "#feedback form.vote button[value=no]")
    style = focus_indicator(page)
    assert has_visible_focus(style), f"the focused No button shows no focus indicator: {style}"
    page.keyboard.press("Enter")

    if javascript:
        # site.js reveals the reasons in place and moves focus to the first one.
        expect(page.locator("#feedback fieldset.reasons[data-for=no]")).to_be_visible()
        expect(page.locator("#feedback fieldset.reasons[data-for=no] input").first).to_be_focused()
    else:
        expect(page).to_have_url(re.compile(r"/feedback$"))
        tab_to(page, "form.details input[name=reasons]")
    style = focus_indicator(page)
    assert has_visible_focus(style), f"the focused reason shows no focus indicator: {style}"
    page.keyboard.press("Space")
    expect(page.locator("form.details input[name=reasons]:checked")).to_have_count(1)
    tab_to(page, "form.details textarea[name=comment]")
    page.keyboard.type(COMMENT)
    expect(page.locator("form.details textarea[name=comment]")).to_have_value(COMMENT)
    tab_to(page, "form.details button[type=submit]")
    style = focus_indicator(page)
    assert has_visible_focus(style), f"the focused Submit button shows no focus indicator: {style}"
    page.keyboard.press("Enter")

    if javascript:
        thanks = page.locator("#feedback .thanks")
        expect(thanks).to_have_text("Thank you for your feedback!")
        expect(thanks).to_be_focused()
    else:
        expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your feedback!")
    console.assert_clean()
    raw = stored_bytes(site)
    assert b"{{EMAIL}}" in raw and EMAIL.encode() not in raw


# ---------------------------------------------------------------- axe on the remaining pages

READER_PAGES = [
    ("home", "/"),
    ("search results", "/search?q=share+my+screen"),
    ("zero-result search", "/search?q=qqxzzv+wqkjj"),
    ("404", "/articles/no-such-article"),
    ("privacy", "/privacy"),
    ("login", "/login"),
]


def _check_reader_pages(page: Page, url: str, label: str) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for name, path in READER_PAGES:
        response = page.goto(url + path)
        assert response is not None
        assert response.status == (404 if name == "404" else 200), f"{path}: HTTP {response.status}"
        if name == "zero-result search":
            expect(page.locator(".no-results h2")).to_contain_text("No articles match")
        found[f"{name} ({label})"] = check_axe(page, f"{name} ({label})")
    return found


def _assert_none_blocking(found: dict[str, list[dict[str, Any]]]) -> None:
    bad = {name: v for name, v in found.items() if v}
    assert not bad, "serious or critical axe violations:\n" + "\n".join(describe(name, v) for name, v in bad.items())


def test_reader_pages_pass_axe_with_javascript(site: Any, new_context: Callable[..., BrowserContext]) -> None:
    page = new_context(javascript=True).new_page()
    found = _check_reader_pages(page, site.url, "JS")
    # The header search box with its autocomplete list open.
    page.goto(site.url + "/search?q=share+my+screen")
    header_box = page.locator("header #q")
    header_box.fill("")
    header_box.press_sequentially("scree")
    expect(page.locator("#suggestions li").first).to_be_visible()
    expect(header_box).to_have_attribute("aria-expanded", "true")
    header_box.press("ArrowDown")
    expect(header_box).to_have_attribute("aria-activedescendant", "suggestion-0")
    found["search box with suggestions open (JS)"] = check_axe(page, "search box with suggestions open (JS)")
    header_box.press("Escape")
    expect(page.locator("#suggestions")).to_be_hidden()
    expect(header_box).to_have_attribute("aria-expanded", "false")
    found["search box with suggestions closed (JS)"] = check_axe(page, "search box with suggestions closed (JS)")
    _assert_none_blocking(found)


def test_pages_pass_axe_without_site_js(site: Any, new_context: Callable[..., BrowserContext]) -> None:
    """axe needs JavaScript, so here the page runs it but /static/site.js is blocked: the DOM a no-JS reader gets."""
    context = new_context(javascript=True)
    context.route(re.compile(r"/static/site\.js"), lambda route: route.abort())
    page = context.new_page()
    found = _check_reader_pages(page, site.url, "no JS")
    page.goto(f"{site.url}/articles/{ARTICLE}")
    found["article (no JS)"] = check_axe(page, "article (no JS)")
    page.locator("#feedback").get_by_role("button", name="No").click()
    expect(page).to_have_url(re.compile(r"/feedback$"))
    expect(page.locator("form.details")).to_be_visible()
    found["feedback reasons page (no JS)"] = check_axe(page, "feedback reasons page (no JS)")
    page.locator("form.details").get_by_role("button", name="Submit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your feedback!")
    found["feedback thank-you page (no JS)"] = check_axe(page, "feedback thank-you page (no JS)")
    _assert_none_blocking(found)
