"""``helpsvc check``: what is wrong with a content folder, by file and line."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .articles import Article, LinkResolver, Skipped, load_collection, render
from .topics import TOPICS_DIR, read_topic_names


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    severity: str  # "error" | "warning"
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"


def _key_line(root: Path, rel: str, key: str) -> int:
    try:
        lines = (root / rel).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    pattern = re.compile(rf"^{re.escape(key)}\s*:", re.I)
    for number, line in enumerate(lines, start=1):
        if pattern.match(line):
            return number
    return 1


def check_content(root: Path, default_locale: str = "en-US", locales: Iterable[str] | None = None) -> list[Problem]:
    """Every problem found under ``root``; ``locales`` are those offered (default: every locale with articles)."""
    problems: list[Problem] = []
    articles: list[Article] = []
    for item in load_collection(root, default_locale):
        if isinstance(item, Skipped):
            line = _key_line(root, item.path, "id") if item.reason.startswith("duplicate id") else 1
            problems.append(Problem(item.path, line, "error", item.reason))
        else:
            articles.append(item)
    resolver = LinkResolver.for_articles(articles, default_locale)
    known_paths = set(resolver.paths)
    contexts: dict[tuple[str, str], str] = {}
    for article in articles:
        for warning in article.warnings:
            match = re.search(r"at line (\d+)", warning)
            problems.append(Problem(article.path, int(match.group(1)) if match else 1, "error", warning))
        if article.updated:
            try:
                dt.date.fromisoformat(article.updated[:10])
            except ValueError:
                if not re.match(r"^\d{1,2}/\d{1,2}/\d{4}$", article.updated):
                    problems.append(Problem(article.path, _key_line(root, article.path, "updated"), "warning",
                                            f"'updated' is not a date like 2026-01-31: {article.updated!r}"))
        for context in article.contexts:
            key = (article.locale, context)
            if key in contexts:
                problems.append(Problem(article.path, _key_line(root, article.path, "contexts"), "error",
                                        f"context id {context!r} is also mapped by {contexts[key]}"))
            else:
                contexts[key] = article.path
        rendered = render(article, resolver)
        for href, line in rendered.links:
            target = resolver.target(article.path, href)
            if target and target not in known_paths and not (root / target).is_file():
                problems.append(Problem(article.path, line, "error", f"broken link {href!r}: no article at {target}"))
    problems.extend(_unnamed_topics(root, articles, default_locale, locales))
    problems.sort(key=lambda p: (p.path, p.line))
    return problems


def _unnamed_topics(root: Path, articles: list[Article], default_locale: str, locales: Iterable[str] | None) -> list[Problem]:
    """A warning per offered locale and topic its pages show (its own articles' and the default locale's) without a name."""
    names = read_topic_names(root, default_locale)
    offered = list(dict.fromkeys([default_locale, *(locales if locales is not None else sorted({a.locale for a in articles}))]))
    users: dict[str, dict[str, str]] = {}  # locale -> topic -> the first article that uses it
    for article in sorted(articles, key=lambda a: a.path):
        for topic in article.topics:
            users.setdefault(article.locale, {}).setdefault(topic, article.path)
    problems = []
    for locale in offered:
        shown = {**users.get(default_locale, {}), **users.get(locale, {})}
        for topic, used_by in sorted(shown.items()):
            if not names.has_name(topic, locale):
                problems.append(Problem(f"{TOPICS_DIR}/{locale}.txt", 1, "warning",
                                        f"no name for topic {topic!r} (used by {used_by}); "
                                        f"{locale} pages show {names.name(topic, locale)!r}: add '{topic} = …'"))
    return problems
