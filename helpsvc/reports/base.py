"""What every report shares: filters, tables, and the ``Report`` base class.

A report is a small object with a title, a slug, the roles that may see it
and ``tables()``; its first table is its ``rows()``. The web page, the JSON
twin, the CSV download and the ``helpsvc report`` command all call the same
``data()``, so they always agree.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlencode

from markupsafe import Markup

from ..content.articles import LOCALE_RE
from ..errors import BadRequest
from ..intake.orgs import OrgPolicies
from ..locale import N_
from ..params import int_value
from ..settings import Settings
from ..store.rollups import Rollups
from ..store.sql import SQLStore
from ..store.staff import StaffStore, StaffUser

DEFAULT_DAYS = 28
MAX_DAYS = 3660
MAX_PAGE = 100000


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"  # text | int | pct | list | spark | bool


@dataclass
class Table:
    name: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    note: str = ""
    total: int | None = None  # rows in all pages, when this table is paged

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "title": self.title,
            "columns": [{"key": c.key, "label": c.label, "kind": c.kind} for c in self.columns],
            "rows": self.rows,
        }
        if self.note:
            data["note"] = self.note
        if self.total is not None:
            data["total"] = self.total
        return data


def _day(raw: str | None, name: str) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise BadRequest(N_("'%(name)s' must be a date like 2026-01-31, not %(given)r", name=name, given=raw[:40])) from None


def _text(raw: str | None, name: str, limit: int = 300) -> str:
    value = (raw or "").strip()
    if len(value) > limit:
        raise BadRequest(N_("'%(name)s' is too long (at most %(limit)s characters)", name=name, limit=limit))
    return value


@dataclass(frozen=True)
class Filters:
    """Report parameters, read strictly from a query string or CLI options."""

    since: dt.date
    until: dt.date
    locale: str = ""
    product: str = ""
    topic: str = ""
    sort: str = ""
    order: str = ""
    page: int = 1
    id: str = ""
    org: str = ""
    section: str = ""
    bucket: str = "week"
    limit: int = 20

    @classmethod
    def parse(cls, params: Mapping[str, str], today: dt.date | None = None) -> "Filters":
        today = today or dt.datetime.now(dt.timezone.utc).date()
        until = _day(params.get("until"), "until") or today
        since = _day(params.get("since"), "since") or until - dt.timedelta(days=DEFAULT_DAYS - 1)
        if since > until:
            raise BadRequest(N_("'since' must be on or before 'until'"))
        if (until - since).days > MAX_DAYS:
            raise BadRequest(N_("a report covers at most %(days)s days", days=MAX_DAYS))
        locale = _text(params.get("locale"), "locale", 20)
        if locale and not LOCALE_RE.match(locale):
            raise BadRequest(N_("'locale' must look like 'en-US' or 'de'"))
        order = _text(params.get("order"), "order", 4)
        if order not in {"", "asc", "desc"}:
            raise BadRequest(N_("'order' must be 'asc' or 'desc'"))
        bucket = _text(params.get("bucket"), "bucket", 4) or "week"
        if bucket not in {"day", "week"}:
            raise BadRequest(N_("'bucket' must be 'day' or 'week'"))
        return cls(
            since=since,
            until=until,
            locale=locale,
            product=_text(params.get("product"), "product", 100),
            topic=_text(params.get("topic"), "topic", 100),
            sort=_text(params.get("sort"), "sort", 30),
            order=order,
            page=int_value(params.get("page"), "page", 1, 1, MAX_PAGE),
            id=_text(params.get("id"), "id", 300),
            org=_text(params.get("org"), "org", 64),
            section=_text(params.get("section"), "section", 40),
            bucket=bucket,
            limit=int_value(params.get("limit"), "limit", 20, 1, 500),
        )

    @property
    def first(self) -> str:
        return self.since.isoformat()

    @property
    def last(self) -> str:
        return self.until.isoformat()

    def as_json(self) -> dict[str, Any]:
        data = {"since": self.first, "until": self.last}
        for key in ("locale", "product", "topic", "sort", "order", "id", "org", "section"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        data.update(page=self.page, bucket=self.bucket, limit=self.limit)
        return data

    def query(self, **changes: Any) -> str:
        """This filter set as a query string, with some values changed (for links); defaults are left out."""
        data = self.as_json() | changes
        defaults = {"page": 1, "bucket": "week", "limit": 20}
        return urlencode({k: v for k, v in data.items() if v not in ("", None) and defaults.get(k) != v})

    def replace(self, **changes: Any) -> "Filters":
        return replace(self, **changes)


@dataclass
class ReportContext:
    """What a report may read: the store, the settings, and the current build's article catalog and abbreviations."""

    store: SQLStore
    settings: Settings
    catalog: dict[str, dict[str, Any]] = field(default_factory=dict)
    orgs: OrgPolicies | None = None
    # The current build's mined abbreviations that search expands: {language: [[short, long, articles], ...]}.
    abbreviations: dict[str, list[list[object]]] = field(default_factory=dict)

    @cached_property
    def rollups(self) -> Rollups:
        return Rollups(self.store)

    @cached_property
    def staff(self) -> StaffStore:
        return StaffStore(self.store)

    @property
    def k(self) -> int:
        return self.settings.k_threshold

    @property
    def synonyms_dir(self) -> Path:
        return Path(self.settings.content_dir) / "synonyms"

    def article(self, article_id: str) -> dict[str, Any]:
        return self.catalog.get(article_id) or {"id": article_id, "title": article_id, "product": "", "topics": [], "locales": {}}


def article_catalog(index_catalog: Mapping[str, Mapping[str, Any]], default_locale: str) -> dict[str, dict[str, Any]]:
    """Per article id: title (default locale first), product, topics, and each locale's revision."""
    articles: dict[str, dict[str, Any]] = {}
    for entry in sorted(index_catalog.values(), key=lambda e: (e["locale"] != default_locale, e["locale"])):
        info = articles.setdefault(
            entry["id"],
            {"id": entry["id"], "title": entry["title"], "product": entry.get("product", ""),
             "topics": list(entry.get("topics", [])), "locales": {}},
        )
        info["locales"][entry["locale"]] = {"revision": entry.get("revision", ""), "updated": entry.get("updated", "")}
    return articles


class Report:
    slug: ClassVar[str]
    title: ClassVar[str]
    description: ClassVar[str]
    roles: ClassVar[frozenset[str]]
    template: ClassVar[str] = "reports/table.html"
    per_page: ClassVar[int] = 50

    def __init__(self, ctx: ReportContext, filters: Filters, viewer: StaffUser | None = None, page_size: int | None = None) -> None:
        self.ctx = ctx
        self.filters = filters
        self.viewer = viewer
        # Pages and the JSON twin show one page of long tables; the CLI asks for everything.
        self.page_size = page_size or self.per_page

    def tables(self) -> list[Table]:
        raise NotImplementedError

    def summary(self) -> dict[str, Any]:
        return {}

    @cached_property
    def _tables(self) -> list[Table]:
        return self.tables()

    def rows(self) -> list[dict[str, Any]]:
        return self._tables[0].rows if self._tables else []

    def table(self, name: str | None = None) -> Table:
        name = name or self.filters.section
        if not name:
            return self._tables[0]
        for table in self._tables:
            if table.name == name:
                return table
        raise BadRequest(N_("unknown section %(name)r; choose one of: %(choices)s", name=name,
                            choices=", ".join(t.name for t in self._tables)))

    def data(self) -> dict[str, Any]:
        return {
            "report": self.slug,
            "title": self.title,
            "filters": self.filters.as_json(),
            "k_threshold": self.ctx.k,
            "summary": self.summary(),
            "tables": {t.name: t.as_json() for t in self._tables},
        }

    def charts(self) -> dict[str, Markup]:
        """SVG charts for the page (not part of the JSON or CSV)."""
        return {}

    def csv_rows(self, table: Table | None = None) -> Iterator[list[str]]:
        """The table as CSV rows, all pages; cells that a spreadsheet would run as formulas are defused."""
        table = table or self.table()
        yield [c.key for c in table.columns]
        for row in self.all_rows(table):
            yield [csv_cell(row.get(c.key)) for c in table.columns]

    def all_rows(self, table: Table) -> Iterable[dict[str, Any]]:
        """Every row of a table, for exports; paged tables override this to read past the first page."""
        return table.rows


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    if isinstance(value, list):
        value = "; ".join(_item(v) for v in value)
    text = str(value)
    # A cell starting with = + - @ (or a tab/CR) would run as a formula in a spreadsheet.
    if text and text[0] in "=+-@\t\r" and not _is_number(text):
        text = "'" + text
    return text


def _item(value: Any) -> str:
    if isinstance(value, dict):
        return f"{value.get('label') or value.get('reason') or ''} ({value.get('votes', '')})"
    return str(value)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def to_csv(rows: Iterable[list[str]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)


def to_text(table: Table, rows: Iterable[dict[str, Any]] | None = None) -> str:
    """A table as aligned plain text, for the terminal."""
    body = [[csv_cell(r.get(c.key)) if c.kind != "pct" else _pct(r.get(c.key)) for c in table.columns] for r in (rows if rows is not None else table.rows)]
    header = [c.label for c in table.columns]
    widths = [min(48, max([len(h)] + [len(row[i]) for row in body])) for i, h in enumerate(header)]
    lines = [f"{table.title}", "  ".join(h.ljust(w) for h, w in zip(header, widths)), "  ".join("-" * w for w in widths)]
    for row in body:
        lines.append("  ".join((cell if len(cell) <= w else cell[: w - 1] + "…").ljust(w) for cell, w in zip(row, widths)).rstrip())
    if not body:
        lines.append("(nothing in this period)")
    if table.note:
        lines.append(table.note)
    return "\n".join(lines)


def _pct(value: Any) -> str:
    return "" if value is None else f"{float(value) * 100:.1f}%"


def ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
