"""Helpers for tests/test_browser.py: Debian's chromium driven by Playwright, axe-core
from the npm registry, and staff accounts made with the real CLI.

Nothing here downloads anything: the browser is the Debian package
(``apt-get install chromium``), Playwright is the PyPI package (it ships its own
driver, no browser), and axe-core is installed by ``npm ci`` at the repo root.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get("HELPSVC_TEST_CHROMIUM", "/usr/bin/chromium"))
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
AXE_RESULTS = ARTIFACTS / "axe"

# The machine has no network beyond package registries: keep chromium from trying to phone home.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

WRITER = "wren-writer"
PASSWORD = "correct-horse-battery-staple"
SECRET_KEY = "browser-tests-fixed-secret-key"
# Cheap Argon2 parameters: the CLI hashes with them and the server verifies (and would rehash) with them.
FAST_HASH = {"HELPSVC_PASSWORD_TIME_COST": "1", "HELPSVC_PASSWORD_MEMORY_KIB": "8192"}
SERVER_ENV = {
    "HELPSVC_FEEDBACK_MIN_SECONDS": "0",
    "HELPSVC_RATE_LIMIT_SEARCH": "0",
    "HELPSVC_RATE_LIMIT_FEEDBACK": "0",
    "HELPSVC_RATE_LIMIT_SUGGEST": "0",
    "HELPSVC_SECRET_KEY": SECRET_KEY,
    # No background rollups racing the test: it runs `helpsvc rollup --all` itself before reading reports.
    "HELPSVC_ROLLUP_INTERVAL_SECONDS": "0",
    **FAST_HASH,
}
BLOCKING_IMPACTS = ("critical", "serious")


def skip_or_fail(reason: str, module: bool = False) -> NoReturn:
    """Skips, or fails when HELPSVC_REQUIRE_BROWSER=1 (CI sets it so that a missing browser cannot pass silently)."""
    if os.environ.get("HELPSVC_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (HELPSVC_REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(reason, allow_module_level=module)


def missing_tools() -> str | None:
    """Why the browser tests cannot run here, with how to fix it; None when they can."""
    problems = []
    if not CHROMIUM.exists():
        problems.append(f"{CHROMIUM} is missing: install Debian's browser with 'apt-get update && apt-get install -y chromium'")
    if not AXE_JS.exists():
        problems.append(f"{AXE_JS.relative_to(ROOT)} is missing: run 'npm ci' at the repo root (axe-core from the npm registry)")
    return "; ".join(problems) or None


@contextlib.contextmanager
def chromium_browser() -> Iterator[Any]:
    """Debian's chromium, headless, for one test module; skips (or fails in CI) when a tool is missing."""
    reason = missing_tools()
    if reason:
        skip_or_fail(f"browser tests skipped: {reason}")
    try:
        from playwright import sync_api
    except ImportError:
        skip_or_fail("the browser tests need the playwright package: .venv/bin/pip install playwright")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def offered_locales(url: str) -> list[str]:
    """The locales a running site offers, as its OpenAPI description names them (the locales setting)."""
    with urllib.request.urlopen(f"{url}/openapi.json", timeout=10) as response:
        spec = json.load(response)
    locales: list[str] = spec["components"]["schemas"]["Locale"]["enum"]
    assert locales, f"{url}/openapi.json offers no locale"
    return locales


# ---------------------------------------------------------------- the real CLI


def helpsvc_cli(server: Any, *args: str, stdin: str | None = None) -> str:
    """Runs ``python -m helpsvc ARGS --db <the server's database>`` with the server's settings."""
    env = {
        "PATH": "/usr/bin:/bin",
        "HELPSVC_DATABASE_URL": f"sqlite:///{server.db_path}",
        "HELPSVC_SECRET_KEY": SECRET_KEY,
        **FAST_HASH,
    }
    done = subprocess.run(
        [sys.executable, "-m", "helpsvc", *args, "--db", f"sqlite:///{server.db_path}"],
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        env=env,
        cwd=str(server.log_path.parent),
        timeout=60,
    )
    if done.returncode != 0:
        raise AssertionError(f"helpsvc {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def add_writer(server: Any, name: str = WRITER, password: str = PASSWORD) -> None:
    """`helpsvc users add NAME --role writer`: the password is asked twice, answered on standard input."""
    out = helpsvc_cli(server, "users", "add", name, "--role", "writer", stdin=f"{password}\n{password}\n")
    assert f"Added {name} (writer)" in out, out


def rollup(server: Any) -> None:
    """Reports read daily rollups; build them now instead of waiting for the server's job."""
    out = helpsvc_cli(server, "rollup", "--all")
    assert out.startswith("Built rollups"), out


def stored_bytes(server: Any) -> bytes:
    """Everything the server's SQLite database holds on disk: the file, its WAL and any journal."""
    data = b""
    for suffix in ("", "-wal", "-shm", "-journal"):
        path = Path(f"{server.db_path}{suffix}")
        if path.exists():
            data += path.read_bytes()
    return data


# ---------------------------------------------------------------- axe-core

_axe_source: str | None = None


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Runs axe-core in the page and returns its violations.

    The script is evaluated through the DevTools protocol rather than added as a
    <script> tag; the page's CSP forbids that, so the browser context must be
    made with ``bypass_csp=True``. axe needs timers, so the page must have
    JavaScript enabled (block /static/site.js to see the page as a reader
    without JavaScript gets it).
    """
    global _axe_source
    if _axe_source is None:
        _axe_source = AXE_JS.read_text(encoding="utf-8")
    loaded = page.evaluate("(source) => { if (!window.axe) { (0, eval)(source); } return typeof window.axe; }", _axe_source)
    assert loaded == "object", f"axe-core did not load in {page.url} (is the context made with bypass_csp=True?)"
    violations: list[dict[str, Any]] = page.evaluate(
        """() => axe.run(document, { resultTypes: ['violations'] }).then((results) =>
            results.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map((n) => ({ target: n.target, html: n.html.slice(0, 200), summary: n.failureSummary })),
            })))"""
    )
    return violations


def describe(label: str, violations: list[dict[str, Any]]) -> str:
    if not violations:
        return f"axe {label}: no violations"
    lines = [f"axe {label}: {len(violations)} violation(s)"]
    for v in sorted(violations, key=lambda v: (_IMPACT_ORDER.get(v["impact"], 9), v["id"])):
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']}")
        for node in v["nodes"]:
            lines.append(f"      {' '.join(map(str, node['target']))}  {' '.join(node['html'].split())[:120]}")
    return "\n".join(lines)


_IMPACT_ORDER = {"critical": 0, "serious": 1, "moderate": 2, "minor": 3}


def check_axe(page: Any, label: str) -> list[dict[str, Any]]:
    """Runs axe, prints every violation, saves them under artifacts/axe/, and returns the serious or critical ones."""
    violations = axe_violations(page)
    print(describe(label, violations))
    AXE_RESULTS.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
    (AXE_RESULTS / f"{slug}.json").write_text(
        json.dumps({"page": label, "url": page.url, "violations": violations}, indent=2), encoding="utf-8"
    )
    return [v for v in violations if v["impact"] in BLOCKING_IMPACTS]


def assert_no_blocking_axe(page: Any, label: str) -> None:
    blocking = check_axe(page, label)
    assert not blocking, describe(f"{label} (serious or critical only)", blocking)


# ---------------------------------------------------------------- screenshots and keyboard


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


_FOCUSED = """(selector) => {
    const el = document.activeElement;
    if (!el || el === document.body) { return [false, 'body']; }
    const text = (el.getAttribute('aria-label') || el.textContent || el.value || '').trim().slice(0, 30);
    return [el.matches(selector), el.tagName.toLowerCase() + (el.name ? '[name=' + el.name + ']' : '') + (text ? ' "' + text + '"' : '')];
}"""


def tab_to(page: Any, selector: str, limit: int = 150) -> int:
    """Presses Tab until the focused element matches ``selector``; returns how many presses it took."""
    path = []
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        matched, what = page.evaluate(_FOCUSED, selector)
        if matched:
            return presses
        path.append(what)
    raise AssertionError(f"{limit} presses of Tab never reached {selector}; focus went: {' → '.join(path[:60])}")


def focus_indicator(page: Any) -> dict[str, str]:
    """The computed outline and box-shadow of the focused element."""
    return page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
                   return { outline: s.outlineStyle, width: s.outlineWidth, color: s.outlineColor, shadow: s.boxShadow }; }"""
    )


def has_visible_focus(style: dict[str, str]) -> bool:
    outlined = style["outline"] not in ("none", "") and style["width"] not in ("0px", "")
    return outlined or style["shadow"] not in ("none", "")
