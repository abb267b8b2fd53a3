"""The search report: volume, zero-result rate and click-through over time, top
queries, search gaps, queries with no click or followed by a No vote, and
reformulations.

A query string is shown only for the days on which at least k distinct
visitors issued it (each visitor counts once per query per day); everything
else is one "other queries" count.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Any

from markupsafe import Markup

from .charts import Series, line_chart
from .base import Column, Report, Table, ratio
from .synonyms import suggestions
from ..locale import N_


class SearchReport(Report):
    slug = "search"
    title = N_("Search")
    description = N_("Search volume, zero-result rate and click-through; top queries, search gaps and suggested synonyms.")
    roles = frozenset({"pm", "admin"})
    template = "reports/search.html"

    @cached_property
    def daily(self) -> list[dict[str, Any]]:
        f = self.filters
        found = {r["day"]: r for r in self.ctx.rollups.daily_searches(f.first, f.last, f.locale or None)}
        rows = []
        day = f.since
        while day <= f.until:
            r = found.get(day.isoformat(), {"day": day.isoformat(), "searches": 0, "zero_results": 0, "clicked": 0, "clicks": 0})
            rows.append({**r, "zero_rate": ratio(r["zero_results"], r["searches"]), "ctr": ratio(r["clicked"], r["searches"])})
            day += dt.timedelta(days=1)
        return rows

    def tables(self) -> list[Table]:
        f, ctx = self.filters, self.ctx
        k, n, loc = ctx.k, f.limit, f.locale or None

        def queries(order: str, positive: bool) -> list[dict[str, Any]]:
            rows = ctx.rollups.queries(f.first, f.last, loc, k, order, n, positive=positive)
            for r in rows:
                r["zero_rate"] = ratio(r["zero_results"], r["searches"])
                r["ctr"] = ratio(r["clicked"], r["searches"])
            return rows

        shown = N_("Only queries that at least %(k)s different visitors searched for on a day are shown; the rest count as other queries.", k=k)
        return [
            Table("top_queries", N_("Top queries"), QUERY_COLUMNS, queries("searches", False), note=shown),
            Table("gaps", N_("Search gaps: top queries with no results"), GAP_COLUMNS, queries("zero_results", True), note=shown),
            Table("no_click", N_("Top queries with results but no click"), NO_CLICK_COLUMNS, queries("no_click", True), note=shown),
            Table("no_votes", N_("Queries most often followed by a No vote"), NO_VOTE_COLUMNS, queries("no_votes", True),
                  note=N_("A search whose clicked article then got a No vote from the same visitor that day.")),
            Table("synonyms", N_("Suggested synonyms (query reformulations)"), SYNONYM_COLUMNS,
                  suggestions(ctx, f)[: n],
                  note=N_("A query and the next one the same visitor typed within the hour. Writers can accept them on the Synonyms report.")),
            Table("daily", N_("Searches per day"), DAILY_COLUMNS, self.daily),
        ]

    def summary(self) -> dict[str, Any]:
        f = self.filters
        searches = sum(r["searches"] for r in self.daily)
        zero = sum(r["zero_results"] for r in self.daily)
        clicked = sum(r["clicked"] for r in self.daily)
        hidden = self.ctx.rollups.hidden_queries(f.first, f.last, f.locale or None, self.ctx.k)
        return {
            "searches": searches,
            "zero_results": zero,
            "zero_rate": ratio(zero, searches),
            "clicked": clicked,
            "ctr": ratio(clicked, searches),
            "clicks": sum(r["clicks"] for r in self.daily),
            "other_queries": hidden["searches"],
        }

    def charts(self) -> dict[str, Markup]:
        labels = [r["day"][5:] for r in self.daily]
        return {
            "volume": line_chart(labels, [Series("Searches", [float(r["searches"]) for r in self.daily])], "Searches per day"),
            "rates": line_chart(
                labels,
                [Series("Zero-result rate", [r["zero_rate"] for r in self.daily], colour="#cf222e"),
                 Series("Click-through rate", [r["ctr"] for r in self.daily], colour="#1a7f37")],
                "Zero-result rate and click-through rate per day",
                percent=True,
            ),
        }


QUERY_COLUMNS = [
    Column("query", N_("Query")), Column("searches", N_("Searches"), "int"), Column("visitors", N_("Daily visitors"), "int"),
    Column("zero_rate", N_("Zero results"), "pct"), Column("ctr", N_("Click-through"), "pct"),
]
GAP_COLUMNS = [
    Column("query", N_("Query")), Column("zero_results", N_("Searches with no results"), "int"), Column("searches", N_("Searches"), "int"),
    Column("visitors", N_("Daily visitors"), "int"),
]
NO_CLICK_COLUMNS = [
    Column("query", N_("Query")), Column("no_click", N_("Searches with no click"), "int"), Column("searches", N_("Searches"), "int"),
    Column("ctr", N_("Click-through"), "pct"),
]
NO_VOTE_COLUMNS = [
    Column("query", N_("Query")), Column("no_votes", N_("Followed by a No vote"), "int"), Column("searches", N_("Searches"), "int"),
]
SYNONYM_COLUMNS = [
    Column("locale", N_("Locale")), Column("from_query", N_("Searched first")), Column("to_query", N_("Then searched")),
    Column("visitors", N_("Daily visitors"), "int"), Column("from_zero_rate", N_("First had no results"), "pct"),
]
DAILY_COLUMNS = [
    Column("day", N_("Day")), Column("searches", N_("Searches"), "int"), Column("zero_results", N_("No results"), "int"),
    Column("zero_rate", N_("Zero-result rate"), "pct"), Column("clicked", N_("Searches with a click"), "int"),
    Column("ctr", N_("Click-through"), "pct"), Column("clicks", N_("Clicks"), "int"),
]
