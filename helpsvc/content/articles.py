"""Articles: reading Markdown files with front matter, and rendering them.

Our own articles carry the front matter keys documented in ``docs/content.md``.
Help collections written elsewhere are read as they come: a title from front
matter or the first H1, ``f1_keywords`` as contexts, ``ROBOTS: NOINDEX`` as
"reachable but not searchable". A file that cannot be read is skipped with a
reason; it never stops a build.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin

LOCALE_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Z]{2}|-[A-Za-z]{4})?$")
_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?$\n?", re.S | re.M)
_LENIENT_LINE_RE = re.compile(r"^([A-Za-z0-9_.:-]+)\s*:\s*(.*)$")
_CONTEXT_KEYS = ("contexts", "f1_keywords", "f1keywords", "f1.keywords")
_INCLUDE_RE = re.compile(r"\[!(?:INCLUDE|include)\s*\[[^\]]*\]\([^)]*\)\]")
_DOCFX_BLOCK_RE = re.compile(r"^:::.*$", re.M)


class ContentError(Exception):
    """An article file cannot be used; the message says why."""

    def __init__(self, path: str, reason: str, line: int | None = None) -> None:
        self.path = path
        self.reason = reason
        self.line = line
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str


@dataclass
class Article:
    """One help article in one locale."""

    id: str
    title: str
    path: str  # relative to the content root, with forward slashes
    locale: str
    body: str  # Markdown, without front matter
    body_line: int  # line number of the first body line in the file
    summary: str = ""
    product: str = ""
    topics: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    contexts: list[str] = field(default_factory=list)
    updated: str = ""
    noindex: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def revision(self) -> str:
        """A short content hash: votes are tied to the revision they were cast on."""
        digest = hashlib.sha256(f"{self.title}\n{self.body}".encode("utf-8"))
        return digest.hexdigest()[:12]

    @property
    def key(self) -> str:
        return f"{self.locale}/{self.id}"


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


@dataclass(frozen=True)
class Rendered:
    html: str
    text: str
    headings: list[Heading]
    links: list[tuple[str, int]]  # relative links to other Markdown files, with their line


# ---------------------------------------------------------------- reading


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        items = value
    else:
        items = str(value).split(",")
    result = []
    for item in items:
        text = str(item).strip()
        if text and text.lower() != "none":
            result.append(text)
    return result


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value).strip()


def _lenient_front_matter(text: str) -> dict[str, Any]:
    """Reads ``key: value`` lines when YAML refuses the block (unquoted colons etc.)."""
    data: dict[str, Any] = {}
    current: str | None = None
    for line in text.splitlines():
        if current and re.match(r"^\s+-\s+", line):
            data.setdefault(current, [])
            if isinstance(data[current], list):
                data[current].append(line.strip()[1:].strip().strip("'\""))
            continue
        match = _LENIENT_LINE_RE.match(line)
        if match:
            current = match.group(1)
            value = match.group(2).strip().strip("'\"")
            data[current] = value if value else []
    return data


def split_front_matter(text: str, path: str) -> tuple[dict[str, Any], str, int, list[str]]:
    """Returns (front matter, body, first body line, warnings)."""
    match = _FRONT_MATTER_RE.match(text)
    if not match:
        return {}, text, 1, []
    block = match.group(1)
    body = text[match.end():]
    body_line = text.count("\n", 0, match.end()) + 1
    warnings: list[str] = []
    try:
        data = yaml.safe_load(block)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 2}" if mark is not None else ""
        warnings.append(f"bad front matter{line}: {getattr(exc, 'problem', exc)}")
        data = _lenient_front_matter(block)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        warnings.append("bad front matter: not a mapping of keys to values")
        data = {}
    return {str(k): v for k, v in data.items()}, body, body_line, warnings


def _first_h1(body: str) -> str:
    in_fence = False
    for line in body.splitlines():
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            in_fence = not in_fence
        if not in_fence and re.match(r"^#\s+\S", stripped):
            return stripped.lstrip("#").strip().rstrip("#").strip()
    return ""


def _locale_from_path(rel: str) -> str | None:
    first = rel.split("/", 1)[0]
    return first if "/" in rel and LOCALE_RE.match(first) else None


def _id_from_path(rel: str, locale_dir: str | None) -> str:
    stem = rel[: -len(".md")] if rel.lower().endswith(".md") else rel
    if locale_dir:
        stem = stem[len(locale_dir) + 1:]
    return stem


def parse_article(text: str, rel: str, default_locale: str = "en-US") -> Article:
    """Builds an Article from a file's text; raises ContentError when it has no usable title."""
    meta, body, body_line, warnings = split_front_matter(text, rel)
    lowered = {k.lower(): v for k, v in meta.items()}
    title = _as_text(lowered.get("title")) or _first_h1(body)
    if not title:
        raise ContentError(rel, "no title: add 'title:' to the front matter or a '# Heading' line")
    locale_dir = _locale_from_path(rel)
    locale = _as_text(lowered.get("locale")) or locale_dir or default_locale
    if not LOCALE_RE.match(locale):
        warnings.append(f"locale {locale!r} is not like 'en-US'; using {default_locale}")
        locale = default_locale
    article_id = _as_text(lowered.get("id")) or _id_from_path(rel, locale_dir)
    contexts: list[str] = []
    for key in _CONTEXT_KEYS:
        contexts.extend(c.lower() for c in _as_list(lowered.get(key)))
    robots = _as_text(lowered.get("robots")).upper()
    product = _as_text(lowered.get("product"))
    if not product:
        applies = _as_list(lowered.get("appliesto")) or _as_list(lowered.get("ms.prod"))
        product = applies[0] if applies else ""
    return Article(
        id=article_id,
        title=title,
        path=rel,
        locale=locale,
        body=body,
        body_line=body_line,
        summary=_as_text(lowered.get("summary") or lowered.get("description")),
        product=product,
        topics=_as_list(lowered.get("topics")),
        keywords=_as_list(lowered.get("keywords")),
        contexts=list(dict.fromkeys(contexts)),
        updated=_as_text(lowered.get("updated") or lowered.get("ms.date")),
        # Misspellings such as "NOIDEX" occur in real collections; they all mean NOINDEX.
        noindex=bool(re.match(r"^\s*NOI", robots)),
        warnings=warnings,
    )


def iter_markdown_files(root: Path) -> Iterator[Path]:
    """Every Markdown article under root, in a stable order, skipping non-article folders."""
    for path in sorted(root.rglob("*.md")):
        rel_parts = path.relative_to(root).parts
        if any(part.startswith(".") or part in {"includes", "media", "synonyms"} for part in rel_parts[:-1]):
            continue
        if path.name.lower() in {"readme.md", "license.md", "toc.md"} or "toc" in path.stem.lower():
            continue
        yield path


def load_collection(root: Path, default_locale: str = "en-US") -> Iterator[Article | Skipped]:
    """Reads every article under root; a file that cannot be used comes back as Skipped."""
    seen: dict[str, str] = {}
    for path in iter_markdown_files(root):
        rel = path.relative_to(root).as_posix()
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            yield Skipped(rel, "not UTF-8 text")
            continue
        except OSError as exc:
            yield Skipped(rel, f"cannot read: {exc.strerror or exc}")
            continue
        try:
            article = parse_article(text, rel, default_locale)
        except ContentError as exc:
            yield Skipped(rel, exc.reason)
            continue
        if article.key in seen:
            yield Skipped(rel, f"duplicate id {article.id!r} in {article.locale} (first in {seen[article.key]})")
            continue
        seen[article.key] = rel
        yield article


# ---------------------------------------------------------------- rendering


def slugify(text: str) -> str:
    slug = re.sub(r"[^\w\- ]+", "", text.strip().lower(), flags=re.UNICODE)
    return re.sub(r"[\s]+", "-", slug).strip("-") or "section"


def article_url(article_id: str, locale: str | None = None, default_locale: str = "en-US") -> str:
    url = "/articles/" + quote(article_id, safe="/")
    if locale and locale != default_locale:
        url += f"?locale={quote(locale)}"
    return url


def _markdown() -> MarkdownIt:
    # html=False: raw HTML in an article is shown as text, never passed through.
    md = MarkdownIt("commonmark", {"html": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(anchors_plugin, min_level=2, max_level=4, slug_func=slugify, permalink=False)
    return md


_MD = _markdown()


def _is_relative(href: str) -> bool:
    return bool(href) and not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", href) and not href.startswith(("/", "#"))


class LinkResolver:
    """Maps relative links between files to our article pages."""

    def __init__(self, paths: dict[str, tuple[str, str]], default_locale: str = "en-US") -> None:
        self.paths = paths  # file path -> (article id, locale)
        self.default_locale = default_locale

    @classmethod
    def for_articles(cls, articles: Iterable[Article], default_locale: str = "en-US") -> "LinkResolver":
        return cls({a.path: (a.id, a.locale) for a in articles}, default_locale)

    def target(self, source_path: str, href: str) -> str | None:
        """The path a relative link points at, or None for anything that is not relative."""
        if not _is_relative(href):
            return None
        file_part = href.split("#", 1)[0].split("?", 1)[0]
        if not file_part:
            return None
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(source_path), unquote(file_part)))
        return joined

    def resolve(self, source_path: str, href: str) -> str | None:
        target = self.target(source_path, href)
        if target is None:
            return None
        candidates = [target] if target.lower().endswith(".md") else [target + ".md", target]
        fragment = href.split("#", 1)[1] if "#" in href else ""
        for candidate in candidates:
            if candidate in self.paths:
                article_id, locale = self.paths[candidate]
                url = article_url(article_id, locale, self.default_locale)
                return url + (f"#{fragment}" if fragment else "")
        return None


def _preprocess(body: str) -> str:
    # DocFX extensions the corpus uses; their targets are not shipped, so keep the text readable.
    body = _INCLUDE_RE.sub("", body)
    return _DOCFX_BLOCK_RE.sub("", body)


def _drop_title_heading(tokens: list[Token], title: str) -> list[Token]:
    """The page shows the title as its H1; a body starting with the same '# Title' would repeat it."""
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            if token.type not in {"html_block"}:
                break
            continue
        if token.tag == "h1" and tokens[index + 1].content.strip().lower() == title.strip().lower():
            return tokens[:index] + tokens[index + 3:]
        break
    return tokens


def render(article: Article, resolver: LinkResolver | None = None) -> Rendered:
    """Renders an article's body to safe HTML, plain text for the index, and its headings."""
    tokens = _MD.parse(_preprocess(article.body))
    headings: list[Heading] = []
    links: list[tuple[str, int]] = []
    text_parts: list[str] = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            inline = tokens[index + 1]
            headings.append(Heading(int(token.tag[1]), inline.content, token.attrGet("id") or ""))
        if token.type in {"fence", "code_block"}:
            text_parts.append(token.content)
        if token.type != "inline" or not token.children:
            continue
        line = article.body_line + (token.map[0] if token.map else 0)
        text_parts.append(_inline_text(token.children))
        for child in token.children:
            if child.type not in {"link_open", "image"}:
                continue
            attr = "href" if child.type == "link_open" else "src"
            href = str(child.attrGet(attr) or "")
            if child.type == "link_open" and _is_relative(href):
                target = resolver.target(article.path, href) if resolver else None
                if target and target.lower().endswith(".md"):
                    links.append((href, line))
                resolved = resolver.resolve(article.path, href) if resolver else None
                if resolved:
                    child.attrSet("href", resolved)
            elif child.type == "link_open" and re.match(r"^https?://", href):
                child.attrSet("rel", "noopener nofollow")
            elif child.type == "image":
                # Images load from our own server only: pages never fetch third-party content.
                if re.match(r"^[a-z]+:", href, re.I) or href.startswith("//"):
                    child.attrSet("src", "")
                elif resolver and _is_relative(href):
                    target = resolver.target(article.path, href)
                    child.attrSet("src", "/media/" + quote(target or "", safe="/"))
                child.attrSet("loading", "lazy")
    # The H1 stays in the headings (search weighs it) but not in the HTML (the page shows the title).
    html = _MD.renderer.render(_drop_title_heading(tokens, article.title), _MD.options, {})
    html = html.replace("<table>", '<div class="table-wrap"><table>').replace("</table>", "</table></div>")
    return Rendered(html=html, text="\n".join(p for p in text_parts if p), headings=headings, links=links)


def _inline_text(children: list[Token]) -> str:
    parts = []
    for child in children:
        if child.type in {"text", "code_inline"}:
            parts.append(child.content)
        elif child.type in {"softbreak", "hardbreak"}:
            parts.append(" ")
    return "".join(parts)
