"""Writing the bundle: every article, topic page and home page as static files.

Pages are rendered with the site's Jinja2 templates (``templates/bundle/``, which
share the site's lists) and the site's article rendering; afterwards every link
is relative, so the bundle works from any folder, a zip unpacked anywhere, or a
client's embedded web view. A locale's tree holds every article: its own
translation where there is one, else the default locale's (the page says so in
its ``lang``). Links to other hosts become plain text, since the bundle must not
send a reader anywhere; images are copied in.
"""

from __future__ import annotations

import posixpath
import re
import shutil
import tempfile
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import jinja2

from ..content import Article, Rendered, load_collection, render
from ..content.articles import LinkResolver
from ..content.sections import has_link_list_section
from ..content.topics import TopicNames, read_topic_names
from ..progress import ProgressFactory, bar
from ..web.i18n import install
from ..web.render import TEMPLATE_DIR, install_topic_names
from .searchindex import SEARCH_JS, IndexToolError, build_index, vendored_minisearch

STATIC_DIR = TEMPLATE_DIR.parent / "static"
_HREF = re.compile(r'<a href="([^"]*)"([^>]*)>(.*?)</a>', re.DOTALL)
_MEDIA_SRC = re.compile(r'src="/media/([^"]*)"')


class BundleError(Exception):
    """The bundle cannot be written; the message says why."""


@dataclass
class Summary:
    """What a build wrote, for the command's closing line."""

    out: Path
    articles: dict[str, int] = field(default_factory=dict)  # locale -> pages
    images: int = 0
    skipped: int = 0


def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True)
    install(env)  # the site's catalogs, in each page's ui_locale
    install_topic_names(env)  # content/topics/<locale>.txt, in each page's ui_locale
    return env


def page_path(locale: str, article_id: str) -> str:
    """The file of an article's page inside the bundle."""
    return f"{locale}/articles/{article_id}.html"


def topic_path(locale: str, topic: str) -> str:
    return f"{locale}/topics/{quote(topic, safe='')}.html"


def relative(from_page: str, to_path: str) -> str:
    """A link from one bundle file to another, relative, with each segment URL-quoted."""
    rel = posixpath.relpath(to_path, posixpath.dirname(from_page) or ".")
    return quote(rel, safe="/#")


class Bundler:
    """Builds one bundle in a folder; ``build`` does it all."""

    def __init__(self, content_dir: Path, locales: list[str], default_locale: str, site_name: str,
                 online_url: str | None, progress: ProgressFactory | None) -> None:
        self.content_dir = content_dir
        self.locales = locales
        self.default_locale = default_locale
        self.site_name = site_name
        self.online_url = online_url
        self.progress = progress
        self.env = _env()
        # Read once: a bundle is a snapshot of the content, names included.
        self.topic_names: TopicNames = read_topic_names(content_dir, default_locale)
        self.images: set[str] = set()
        # An article shown in several locales' trees (the fallback) is rendered once.
        self.rendered: dict[str, Rendered] = {}

    def build(self, out: Path) -> Summary:
        summary = Summary(out)
        by_locale: dict[str, dict[str, Article]] = {}
        every: list[Article] = []
        for item in load_collection(self.content_dir, self.default_locale):
            if isinstance(item, Article):
                by_locale.setdefault(item.locale, {})[item.id] = item
                every.append(item)
            else:
                summary.skipped += 1
        if not by_locale.get(self.default_locale) and not any(by_locale.get(loc) for loc in self.locales):
            raise BundleError(f"no articles in {self.content_dir} for {', '.join(self.locales)}")
        resolver = LinkResolver.for_articles(every, self.default_locale)
        self._assets(out)
        for locale in self.locales:
            # The locale's own articles, and the default locale's where it has none.
            chosen = {**by_locale.get(self.default_locale, {}), **by_locale.get(locale, {})}
            translations = {aid: [loc for loc in self.locales if aid in by_locale.get(loc, {})] for aid in chosen}
            summary.articles[locale] = self._locale(out, locale, chosen, translations, resolver)
        self._root_index(out)
        for rel in sorted(self.images):
            source = self.content_dir / rel
            if source.is_file():
                (out / "media" / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, out / "media" / rel)
                summary.images += 1
        return summary

    def _assets(self, out: Path) -> None:
        assets = out / "assets"
        assets.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(STATIC_DIR / "site.css", assets / "site.css")
        (assets / "minisearch.js").write_text(vendored_minisearch(), encoding="utf-8")
        shutil.copyfile(SEARCH_JS, assets / "offline-search.js")

    def _context(self, page: str, locale: str, **data: Any) -> dict[str, Any]:
        return {
            "site_name": self.site_name, "ui_locale": locale, "topic_names": self.topic_names,
            "root": "../" * page.count("/"),
            "home": relative(page, f"{locale}/index.html"),
            "search_page": relative(page, f"{locale}/search.html"),
            **data,
        }

    def _write(self, out: Path, page: str, template: str, context: dict[str, Any]) -> None:
        target = out / page
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(self.env.get_template(template).render(context), encoding="utf-8")

    def _locale(self, out: Path, locale: str, chosen: dict[str, Article], translations: dict[str, list[str]],
                resolver: LinkResolver) -> int:
        listed = {aid: a for aid, a in sorted(chosen.items()) if not a.noindex}
        rendered = {}
        docs = []
        for aid, article in chosen.items():
            if article.key not in self.rendered:
                self.rendered[article.key] = render(article, resolver)
            result = rendered[aid] = self.rendered[article.key]
            if aid in listed:
                docs.append({
                    "id": aid, "title": article.title, "summary": article.summary,
                    "keywords": " ".join(article.keywords), "headings": " ".join(h.text for h in result.headings),
                    "text": result.text, "url": "articles/" + quote(aid, safe="/") + ".html",
                })
        related = build_index(docs, out / locale / "search-index.js", locale) if docs else {}
        topics = Counter(t for a in listed.values() for t in a.topics)
        shown = bar(self.progress, len(chosen), f"bundle {locale}", more_than=200)
        for aid, article in chosen.items():
            page = page_path(locale, aid)
            html = rendered[aid].html
            own_list = has_link_list_section(html)
            entry = {
                "id": aid, "title": article.title, "locale": article.locale, "updated": article.updated,
                "html": self._localise(html, page, locale, chosen), "headings": rendered[aid].headings,
                "topics": [{"name": t, "url": relative(page, topic_path(locale, t))} for t in article.topics[:1]],
                "translations": [{"locale": loc, "url": relative(page, page_path(loc, aid))}
                                 for loc in translations[aid] if loc != locale],
                "related": [] if own_list else self._listing(page, locale, [listed[r] for r in related.get(aid, []) if r in listed]),
            }
            self._write(out, page, "bundle/article.html", self._context(page, locale, article=entry, online_url=self.online_url))
            shown.update(1)
        shown.close()
        for topic in topics:
            page = topic_path(locale, topic)
            members = [a for a in listed.values() if topic in a.topics]
            self._write(out, page, "bundle/topic.html",
                        self._context(page, locale, topic=topic, articles=self._listing(page, locale, members)))
        home = f"{locale}/index.html"
        # In the order of the names the reader sees, not of the slugs behind them.
        ordered = sorted(topics.items(), key=lambda item: (self.topic_names.name(item[0], locale).casefold(), item[0]))
        topic_list = [{"name": t, "articles": n, "url": relative(home, topic_path(locale, t))} for t, n in ordered]
        self._write(out, home, "bundle/home.html", self._context(home, locale, topics=topic_list))
        search = f"{locale}/search.html"
        self._write(out, search, "bundle/search.html", self._context(search, locale))
        return len(chosen)

    def _listing(self, page: str, locale: str, articles: list[Article]) -> list[dict[str, str]]:
        return [{"title": a.title, "summary": a.summary, "url": relative(page, page_path(locale, a.id))} for a in articles]

    def _localise(self, html: str, page: str, locale: str, chosen: dict[str, Article]) -> str:
        """The rendered article with site links made relative files, other links made text, images copied."""

        def link(match: re.Match[str]) -> str:
            href, rest, inner = unescape(match.group(1)), match.group(2), match.group(3)
            if href.startswith("#"):
                return match.group(0)
            parts = urlsplit(href)
            if not parts.scheme and not parts.netloc and parts.path.startswith("/articles/"):
                aid = unquote(parts.path[len("/articles/"):])
                if aid in chosen:
                    target = relative(page, page_path(locale, aid)) + (f"#{parts.fragment}" if parts.fragment else "")
                    return f'<a href="{target}"{rest}>{inner}</a>'
            # Another host, or a link the bundle cannot follow: the words stay, the link goes.
            return f'<span class="offline-link">{inner}</span>'

        def image(match: re.Match[str]) -> str:
            rel = unquote(match.group(1))
            self.images.add(rel)
            return f'src="{relative(page, "media/" + rel)}"'

        return _MEDIA_SRC.sub(image, _HREF.sub(link, html))

    def _root_index(self, out: Path) -> None:
        first = self.locales[0]
        context = self._context("index.html", first, languages=[{"locale": loc, "url": f"{loc}/index.html"} for loc in self.locales])
        self._write(out, "index.html", "bundle/index.html", context)


def build_bundle(content_dir: Path, out: Path, locales: list[str], default_locale: str = "en-US",
                 site_name: str = "Relay Help", online_url: str | None = None,
                 progress: ProgressFactory | None = None) -> Summary:
    """Writes the bundle to a folder `out`, or to a zip file when `out` ends in .zip."""
    if not content_dir.is_dir():
        raise BundleError(f"no content folder at {content_dir}")
    if online_url is not None and not re.match(r"^https?://[^\s/]+", online_url):
        raise BundleError(f"--online-url must be an http(s) address, got {online_url!r}")
    bundler = Bundler(content_dir, locales, default_locale, site_name, online_url, progress)
    try:
        if out.suffix.lower() != ".zip":
            if out.exists() and any(out.iterdir()):
                raise BundleError(f"{out} is not empty; the bundle needs an empty or new folder")
            return bundler.build(out)
        with tempfile.TemporaryDirectory(prefix="helpsvc-bundle-") as tmp:
            summary = bundler.build(Path(tmp))
            out.parent.mkdir(parents=True, exist_ok=True)
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
                for path in sorted(Path(tmp).rglob("*")):
                    if path.is_file():
                        archive.write(path, path.relative_to(tmp).as_posix())
            summary.out = out
            return summary
    except IndexToolError as exc:
        raise BundleError(str(exc)) from None
