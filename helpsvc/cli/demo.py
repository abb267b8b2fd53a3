"""Synthetic help traffic, so a new install shows full reports at once (``helpsvc demo-data``).

The readers are made up; what the service answers them is not. Every search
runs through the real search over the real index, so its result count, the
hits a reader clicks and the rank of each click are the ones the site would
give; a search counts as a gap only if the live search finds nothing for it,
and votes are cast on articles of the index. The readers: searches drawn
from the articles' own keywords with a long tail, a few questions the content
may not answer followed by what they tried next, clicks, views from
in-product help, votes whose helpfulness differs by article, reasons, a few
comments (already in scrubbed form), readers from two organisations, and for
a few articles an older revision that helped less than the current one.
Visitor ids are random per day, like the daily salted hashes they stand in for.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..intake.feedback import NO_REASONS, YES_REASONS
from ..search import SearchService
from ..store.records import Client, Event, Feedback
from ..store.sql import EVENT_COLUMNS, FEEDBACK_COLUMNS, VIEW_COUNTS_UPSERT, SQLStore, _event_row, _feedback_row

# A search as the site answers it: (locale, text) -> (total hits, article ids of the first page).
Searcher = Callable[[str, str], tuple[int, tuple[str, ...]]]

# Questions readers ask a help site, each with what they try next if it finds nothing.
# Only those the live search really answers with nothing are used as gaps.
GAP_CANDIDATES: dict[str, dict[str, str]] = {
    "en-US": {
        "timesheet": "calendar",
        "payslip": "sign in",
        "parking permit": "schedule a meeting",
        "expense claim": "share a file",
        "printer driver download": "install relay",
        "linux client": "install relay",
    },
    "de-DE": {
        "druckertreiber": "installieren",
        "reisekostenabrechnung": "datei teilen",
        "parkausweis": "besprechung planen",
    },
    "fr-FR": {
        "pilote d'imprimante": "installer relay",
        "remboursement de frais": "envoyer un fichier",
        "carte de stationnement": "planifier une réunion",
    },
}
COMMENTS = {
    True: ["Exactly what I needed, thanks.", "Clear steps, worked first time.", "Short and to the point."],
    False: [
        "The menu in step 2 looks different in my version.",
        "I don't have the Share button at all.",
        "Please add a screenshot of the settings page.",
        "Tried this twice, still not working. Contact me at {{EMAIL}}",
        "Too much jargon for me.",
    ],
}
CLIENTS = (("relay", "16", "Windows"), ("relay", "15", "macOS"), ("relay-web", "", "Linux"), ("relay", "16", "macOS"))
ORGS = ("", "", "", "", "contoso", "fabrikam")


@dataclass(frozen=True)
class DemoArticle:
    id: str
    locale: str
    revision: str
    keywords: tuple[str, ...]
    helpful: float  # chance that a vote is Yes
    weight: float  # popularity


def demo_articles(catalog: Mapping[str, Mapping[str, Any]], seed: int = 7) -> list[DemoArticle]:
    rng = random.Random(seed)
    articles = []
    for rank, entry in enumerate(sorted(catalog.values(), key=lambda e: (-e.get("inlinks", 0), e["id"], e["locale"]))):
        words = [entry["title"].lower(), entry["id"].rsplit("/", 1)[-1].replace("-", " ")]
        words += [t.replace("-", " ") for t in entry.get("topics", [])[:1]]
        # A few articles help readers much less than the rest: the ones a writer should look at first.
        helpful = 0.35 if rng.random() < 0.12 else rng.uniform(0.7, 0.93)
        articles.append(DemoArticle(entry["id"], entry["locale"], entry.get("revision", "unknown"),
                                    tuple(dict.fromkeys(words)), helpful, 1.0 / (rank + 1) ** 0.8))
    return articles


def searcher_of(service: SearchService) -> Searcher:
    """The site's own search as a demo reader meets it: the first page, as the site ranks it."""

    def search(locale: str, text: str) -> tuple[int, tuple[str, ...]]:
        result = service.search(text, locale=locale, per_page=10)
        return result.total, tuple(hit.id for hit in result.hits)

    return search


def cached(search: Searcher) -> Searcher:
    """The same search asked again gets the same answer without running again."""
    return functools.lru_cache(maxsize=None)(search)


def live_gaps(search: Searcher, locales: list[str]) -> dict[str, dict[str, str]]:
    """The candidate gaps the live search finds nothing for, whose next try finds something."""
    gaps: dict[str, dict[str, str]] = {}
    for locale in locales:
        found = {first: then for first, then in GAP_CANDIDATES.get(locale, {}).items()
                 if search(locale, first)[0] == 0 and search(locale, then)[0] > 0}
        if found:
            gaps[locale] = found
    return gaps


@dataclass(frozen=True)
class _Reader:
    """What one visit needs to know of the site."""
    search: Searcher
    gaps: dict[str, str]
    articles: dict[str, DemoArticle]  # of the visit's locale, by id
    edited: dict[str, str]
    edit_day: dt.date


def traffic(
    articles: list[DemoArticle],
    days: int,
    visitors_per_day: int,
    today: dt.date,
    search: Searcher,
    seed: int = 1,
) -> Iterator[Event | Feedback]:
    """Events and feedback for ``days`` days ending today, oldest first, answered by ``search``."""
    rng = random.Random(seed)
    search = cached(search)
    by_locale: dict[str, list[DemoArticle]] = {}
    for article in articles:
        by_locale.setdefault(article.locale, []).append(article)
    locales = sorted(by_locale, key=lambda loc: -len(by_locale[loc]))
    locale_weights = [0.8 if i == 0 else 0.2 / max(1, len(locales) - 1) for i in range(len(locales))]
    # Some articles had an older revision, a third of the way back, that helped less.
    edited = {a.id: f"old{a.revision[:9]}" for a in articles[::7]}
    edit_day = today - dt.timedelta(days=days // 3)
    gaps = live_gaps(search, locales)
    readers = {locale: _Reader(search, gaps.get(locale, {}), {a.id: a for a in by_locale[locale]}, edited, edit_day)
               for locale in locales}
    for offset in range(days - 1, -1, -1):
        day = today - dt.timedelta(days=offset)
        weekday_factor = 0.55 if day.weekday() >= 5 else 1.0
        for n in range(int(visitors_per_day * weekday_factor * rng.uniform(0.85, 1.15))):
            locale = rng.choices(locales, locale_weights)[0]
            yield from _visit(rng, readers[locale], by_locale[locale], locale, day, f"{uuid.UUID(int=rng.getrandbits(128)).hex}")


def _visit(rng: random.Random, site: _Reader, pool: list[DemoArticle], locale: str, day: dt.date,
           visitor: str) -> Iterator[Event | Feedback]:
    hour = f"{day.isoformat()}T{rng.choices(range(24), [1, 1, 1, 1, 1, 2, 4, 8, 12, 12, 11, 10, 9, 10, 11, 10, 9, 7, 4, 3, 2, 2, 1, 1])[0]:02d}:00Z"
    name, major, os_family = rng.choice(CLIENTS)
    client = Client(name=name, major=major, os=os_family, locale=locale)
    org = rng.choice(ORGS)
    common: dict[str, Any] = {"visitor": visitor, "day": day.isoformat(), "hour": hour, "client": client, "org": org}
    voted: set[str] = set()
    if rng.random() < 0.3:
        # In-product help: the client opened an article directly.
        article = rng.choices(pool, [a.weight for a in pool])[0]
        yield Event("view", article_id=article.id, locale=locale, **common)
        yield from _maybe_vote(rng, site, article, common, voted, day)
        return
    for _ in range(rng.choice((1, 1, 1, 2))):
        if site.gaps and rng.random() < 0.15:
            first = rng.choice(sorted(site.gaps))
            found = yield from _search(rng, site, locale, first, common, voted, day)
            if not found and rng.random() < 0.7:
                yield from _search(rng, site, locale, site.gaps[first], common, voted, day)
            continue
        article = rng.choices(pool, [a.weight for a in pool])[0]
        query = rng.choice(article.keywords[:6]) if rng.random() < 0.85 else rng.choice(article.keywords)
        yield from _search(rng, site, locale, query, common, voted, day, article.id)


def _search(rng: random.Random, site: _Reader, locale: str, query: str, common: dict[str, Any], voted: set[str],
            day: dt.date, wanted: str | None = None) -> Iterator[Event | Feedback]:
    """One search as the site answers it; returns whether it found anything."""
    total, hits = site.search(locale, query)
    search_id = uuid.UUID(int=rng.getrandbits(128)).hex[:16]
    yield Event("search", query=query, results=total, page=1, locale=locale, search_id=search_id, **common)
    if not hits or rng.random() >= 0.62:
        return bool(total)
    # The reader opens the article they came for where the site ranked it, else one of the first hits.
    if wanted in hits and hits.index(wanted) < 8:
        rank = hits.index(wanted) + 1
    else:
        rank = 1 if rng.random() < 0.6 else rng.randint(1, min(3, len(hits)))
    article_id = hits[rank - 1]
    yield Event("click", search_id=search_id, article_id=article_id, rank=rank, locale=locale, **common)
    yield Event("view", article_id=article_id, locale=locale, **common)
    if article_id in site.articles:
        yield from _maybe_vote(rng, site, site.articles[article_id], common, voted, day)
    return True


def _maybe_vote(rng: random.Random, site: _Reader, article: DemoArticle, common: dict[str, Any], voted: set[str],
                day: dt.date) -> Iterator[Feedback]:
    edited, edit_day = site.edited, site.edit_day
    if article.id in voted or rng.random() > 0.22:
        return
    voted.add(article.id)
    old = article.id in edited and day < edit_day
    chance = article.helpful - 0.25 if old else article.helpful
    helpful = rng.random() < chance
    reasons = YES_REASONS if helpful else NO_REASONS
    chosen = tuple(rng.sample([r for r in reasons if r != "other"], rng.choice((0, 1, 1, 2))))
    comment = rng.choice(COMMENTS[helpful]) if rng.random() < 0.18 else None
    yield Feedback(
        id=uuid.UUID(int=rng.getrandbits(128)).hex, article_id=article.id, locale=article.locale,
        revision=edited[article.id] if old else article.revision, helpful=helpful, reasons=chosen, comment=comment,
        comment_dropped=False, **common,
    )


def write(store: SQLStore, items: Iterator[Event | Feedback], batch: int = 20000) -> dict[str, int]:
    """Bulk-inserts generated traffic through the writer, a batch per transaction."""
    event_sql = store.sql(f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) VALUES ({', '.join('?' for _ in EVENT_COLUMNS)})")
    feedback_sql = store.sql(
        f"INSERT INTO feedback ({', '.join(FEEDBACK_COLUMNS)}) VALUES ({', '.join('?' for _ in FEEDBACK_COLUMNS)}) "
        "ON CONFLICT (visitor, article_id, day) DO NOTHING"
    )
    views_sql = store.sql(VIEW_COUNTS_UPSERT)
    counts = {"events": 0, "feedback": 0}
    events: list[tuple[Any, ...]] = []
    feedback: list[tuple[Any, ...]] = []
    # Views are counted per hour, as the server counts them, not logged.
    views: Counter[tuple[str, str, str, str]] = Counter()

    def flush() -> None:
        rows_e, rows_f = list(events), list(feedback)
        rows_v = [(*key, n) for key, n in sorted(views.items())]

        def job(conn: Any) -> None:
            cur = conn.cursor()
            if rows_e:
                cur.executemany(event_sql, rows_e)
            if rows_f:
                cur.executemany(feedback_sql, rows_f)
            if rows_v:
                cur.executemany(views_sql, rows_v)

        store.writer.submit(job).result(timeout=600)
        events.clear()
        feedback.clear()
        views.clear()

    for item in items:
        if isinstance(item, Feedback):
            feedback.append(_feedback_row(item))
            counts["feedback"] += 1
        elif item.kind == "view":
            views[(item.day, item.hour, item.article_id, item.locale)] += 1
            counts["events"] += 1
        else:
            events.append(_event_row(item))
            counts["events"] += 1
        if len(events) + len(feedback) + len(views) >= batch:
            flush()
    flush()
    return counts
