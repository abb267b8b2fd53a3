"""The articles report: which articles help readers, and which need attention first."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from functools import cached_property
from typing import Any

from markupsafe import Markup

from .stats import ATTENTION_BELOW, ATTENTION_MIN_VOTES, Helpfulness, bucket_of, buckets
from .charts import sparkline
from ..errors import BadRequest
from ..intake.feedback import NO_REASONS, YES_REASONS
from .base import Column, Report, Table, ratio
from ..locale import N_

SPARK_WEEKS = 8
TOP_REASONS = 3
SORTS = ("attention", "score", "helpful", "views", "votes", "yes", "no", "comments", "title", "id")


def reason_label(reason: str, helpful: int) -> str:
    return (YES_REASONS if helpful else NO_REASONS).get(reason, reason)


class ArticlesReport(Report):
    slug = "articles"
    title = N_("Articles")
    description = N_("Views, votes and helpfulness per article, ranked by the Wilson lower bound; articles that need attention first.")
    roles = frozenset({"writer", "admin"})
    template = "reports/articles.html"

    def _sort(self) -> tuple[str, str]:
        sort = self.filters.sort or "attention"
        if sort not in SORTS:
            raise BadRequest(N_("'sort' must be one of: %(choices)s", choices=", ".join(SORTS)))
        default_order = "asc" if sort in {"title", "id"} else "desc"
        return sort, self.filters.order or default_order

    def _all_rows(self) -> list[dict[str, Any]]:
        f, ctx = self.filters, self.ctx
        totals = ctx.rollups.article_totals(f.first, f.last, f.locale or None)
        ids = set(totals)
        for article_id, info in ctx.catalog.items():
            if not f.locale or f.locale in info["locales"]:
                ids.add(article_id)
        top_reasons: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for article_id, helpful, reason, votes in ctx.rollups.reasons(f.first, f.last, f.locale or None):
            if len(top_reasons[article_id]) < TOP_REASONS:
                top_reasons[article_id].append(
                    {"reason": reason, "label": reason_label(reason, helpful), "helpful": bool(helpful), "votes": votes}
                )
        weeks = buckets(f.until - dt.timedelta(weeks=SPARK_WEEKS - 1), f.until, "week")[-SPARK_WEEKS:]
        week_index = {w.isoformat(): i for i, w in enumerate(weeks)}
        trend: dict[str, list[int]] = defaultdict(lambda: [0] * len(weeks))
        for article_id, day, views in ctx.rollups.daily_views(weeks[0].isoformat(), f.last, f.locale or None):
            index = week_index.get(bucket_of(day, "week"))
            if index is not None:
                trend[article_id][index] += views
        rows = []
        for article_id in ids:
            info = ctx.article(article_id)
            if f.product and info["product"].lower() != f.product.lower():
                continue
            if f.topic and f.topic.lower() not in {t.lower() for t in info["topics"]}:
                continue
            counts = totals.get(article_id, {"views": 0, "yes": 0, "no": 0, "comments": 0})
            score = Helpfulness(counts["yes"], counts["no"])
            rows.append(
                {
                    "id": article_id,
                    "title": info["title"],
                    "product": info["product"],
                    "views": counts["views"],
                    "yes": counts["yes"],
                    "no": counts["no"],
                    "votes": score.votes,
                    "helpful": score.as_json()["helpful"],
                    "score": score.as_json()["score"],
                    "high": score.as_json()["high"],
                    "needs_attention": score.needs_attention,
                    "top_reasons": top_reasons.get(article_id, []),
                    "comments": counts["comments"],
                    "trend": list(trend.get(article_id, [0] * len(weeks))),
                }
            )
        sort, order = self._sort()
        rows.sort(key=lambda r: r["id"])
        if sort == "attention":
            # Needing attention first, worst first; then the rest, best first.
            rows.sort(key=lambda r: (not r["needs_attention"], r["score"] if r["needs_attention"] else -r["score"], -r["votes"]))
            return rows[::-1] if order == "asc" else rows
        present = [r for r in rows if r[sort] is not None]
        present.sort(key=lambda r: r[sort], reverse=order == "desc")
        # Articles with no value for the column (no votes yet) stay last whichever way it is sorted.
        return present + [r for r in rows if r[sort] is None]

    @cached_property
    def everything(self) -> list[dict[str, Any]]:
        return self._all_rows()

    def tables(self) -> list[Table]:
        rows = self.everything
        start = (self.filters.page - 1) * self.page_size
        share = f"{ATTENTION_BELOW:.0%}"
        note = N_(
            "Score is the Wilson lower bound of the share of Yes votes (95%%). An article needs attention when it has at least "
            "%(votes)s votes and we are 95%% sure fewer than %(share)s of readers found it helpful. "
            "Trend: views per week, last %(weeks)s weeks.",
            votes=ATTENTION_MIN_VOTES, share=share, weeks=SPARK_WEEKS,
        )
        return [Table("articles", N_("Articles"), COLUMNS, rows[start:start + self.page_size], note=note, total=len(rows))]

    def all_rows(self, table: Table) -> list[dict[str, Any]]:
        return self.everything

    def summary(self) -> dict[str, Any]:
        rows = self.everything
        yes = sum(r["yes"] for r in rows)
        no = sum(r["no"] for r in rows)
        return {
            "articles": len(rows),
            "views": sum(r["views"] for r in rows),
            "votes": yes + no,
            "helpful": ratio(yes, yes + no),
            "needs_attention": sum(1 for r in rows if r["needs_attention"]),
            "pages": max(1, -(-len(rows) // self.page_size)),
        }

    def charts(self) -> dict[str, Markup]:
        return {
            f"trend:{r['id']}": sparkline([float(v) for v in r["trend"]], f"Views per week for {r['title']}")
            for r in self.rows()
        }


COLUMNS = [
    Column("id", N_("Article")),
    Column("title", N_("Title")),
    Column("product", N_("Product")),
    Column("views", N_("Views"), "int"),
    Column("yes", N_("Yes"), "int"),
    Column("no", N_("No"), "int"),
    Column("votes", N_("Votes"), "int"),
    Column("helpful", N_("Helpful"), "pct"),
    Column("score", N_("Score (Wilson)"), "pct"),
    Column("high", N_("Upper bound"), "pct"),
    Column("needs_attention", N_("Needs attention"), "bool"),
    Column("top_reasons", N_("Top reasons"), "list"),
    Column("comments", N_("Comments"), "int"),
    Column("trend", N_("Views per week"), "spark"),
]
