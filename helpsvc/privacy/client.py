"""Coarsening client details: a name, a major version, an OS family and a locale; nothing finer."""

from __future__ import annotations

import functools
import re
from typing import Any

from ..content.articles import LOCALE_RE
from ..store.records import Client

_NAME_RE = re.compile(r"[^A-Za-z0-9 ._-]+")
_MAJOR_RE = re.compile(r"^\s*v?(\d{1,4})")
_OS_PATTERNS = (
    ("ios", re.compile(r"iphone|ipad|ios", re.I)),
    ("android", re.compile(r"android", re.I)),
    ("chromeos", re.compile(r"cros|chrome ?os", re.I)),
    ("windows", re.compile(r"windows|win32|win64|\bwin\b", re.I)),
    ("macos", re.compile(r"mac ?os|macintosh|darwin|osx", re.I)),
    ("linux", re.compile(r"linux|ubuntu|debian|fedora|x11", re.I)),
)
_BROWSERS = (
    ("edge", re.compile(r"Edg(?:e|A|iOS)?/(\d+)")),
    ("firefox", re.compile(r"Firefox/(\d+)")),
    ("chrome", re.compile(r"(?:Chrome|CriOS|Chromium)/(\d+)")),
    ("safari", re.compile(r"Version/(\d+).*Safari/")),
)


def os_family(text: str) -> str:
    for family, pattern in _OS_PATTERNS:
        if pattern.search(text):
            return family
    return "other" if text.strip() else ""


@functools.lru_cache(maxsize=1024)
def _from_user_agent(user_agent: str) -> tuple[str, str, str]:
    """Browser family, major version and OS family of a user agent (cached: few distinct ones arrive)."""
    for browser, pattern in _BROWSERS:
        match = pattern.search(user_agent)
        if match:
            return browser, match.group(1), os_family(user_agent)
    return "other", "", os_family(user_agent)


def coarse_client(given: Any, user_agent: str, locale: str | None) -> Client:
    """From what the client says about itself (if anything) or the browser's user agent.

    The user agent is read here and never passed on: only the coarse fields leave.
    """
    name = major = os_name = ""
    if isinstance(given, dict):
        name = _NAME_RE.sub("", str(given.get("name", "")))[:40].strip().lower()
        match = _MAJOR_RE.match(str(given.get("version", "")))
        major = match.group(1) if match else ""
        os_name = os_family(str(given.get("os", ""))[:100])
    if user_agent and (not name or not os_name):
        browser, browser_major, ua_os = _from_user_agent(user_agent[:512])
        if not name:
            name, major = browser, browser_major
        os_name = os_name or ua_os
    clean_locale = locale if locale and LOCALE_RE.match(locale) else ""
    return Client(name=name, major=major, os=os_name, locale=clean_locale)
