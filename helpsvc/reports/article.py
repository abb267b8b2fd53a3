"""One article in detail: helpfulness over time, reasons, comments, the searches
that led to it, and whether each edit helped."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from markupsafe import Markup

from .stats import MIN_VOTES_TO_TELL, Helpfulness, bucket_of, buckets, compare
from .charts import Series, bar_chart, line_chart
from ..errors import BadRequest, NotFoundError
from .articles import reason_label
from .base import Column, Report, Table
from ..locale import N_

TOP_SEARCHES = 20


class ArticleReport(Report):
    slug = "article"
    title = N_("Article detail")
    description = N_("One article: helpfulness over time, reasons, comments, searches that led to it, and before/after each revision.")
    roles = frozenset({"writer", "admin"})
    template = "reports/article.html"
    per_page = 20

    @cached_property
    def article_id(self) -> str:
        if not self.filters.id:
            raise BadRequest(N_("'id' is required: the article to report on, e.g. ?id=calls-make"))
        return self.filters.id

    @cached_property
    def revisions(self) -> list[dict[str, Any]]:
        return self.ctx.rollups.revisions(self.article_id, self.filters.locale or None)

    def _timeline(self) -> list[dict[str, Any]]:
        f, rollups = self.filters, self.ctx.rollups
        unit = f.bucket
        rows = {
            b.isoformat(): {"period": b.isoformat(), "views": 0, "yes": 0, "no": 0}
            for b in buckets(f.since, f.until, unit)
        }
        for _, day, views in rollups.daily_views(f.first, f.last, f.locale or None, self.article_id):
            rows[bucket_of(day, unit)]["views"] += views
        for day, yes, no in rollups.daily_votes(f.first, f.last, f.locale or None, self.article_id):
            rows[bucket_of(day, unit)]["yes"] += yes
            rows[bucket_of(day, unit)]["no"] += no
        for row in rows.values():
            score = Helpfulness(row["yes"], row["no"]).as_json()
            row.update(votes=score["votes"], helpful=score["helpful"],
                       low=score["low"] if score["votes"] else None, high=score["high"] if score["votes"] else None)
        return list(rows.values())

    def _revisions(self) -> list[dict[str, Any]]:
        current = {loc: v["revision"] for loc, v in self.ctx.article(self.article_id)["locales"].items()}
        rows = []
        previous: dict[str, Helpfulness] = {}
        for rev in self.revisions:
            score = Helpfulness(rev["yes"], rev["no"])
            row = {**rev, **{k: v for k, v in score.as_json().items() if k in {"votes", "helpful", "low", "high"}},
                   "current": current.get(rev["locale"]) == rev["revision"]}
            before = previous.get(rev["locale"])
            if before is None:
                row.update(change="first", message=N_("The first revision with votes: nothing to compare with."))
            else:
                verdict = compare(before, score)
                row.update(change=verdict["verdict"], difference=verdict["difference"], message=verdict["message"],
                           difference_low=verdict["low"], difference_high=verdict["high"])
            previous[rev["locale"]] = score
            rows.append(row)
        return rows

    @cached_property
    def comments(self) -> tuple[int, list[dict[str, Any]]]:
        f = self.filters
        return self.ctx.staff.article_comments(
            self.article_id, f.first, f.last, f.locale or None, self.page_size, (f.page - 1) * self.page_size
        )

    def tables(self) -> list[Table]:
        f, ctx = self.filters, self.ctx
        if self.article_id not in ctx.catalog and not self.revisions and not ctx.rollups.daily_views(
            "0000-01-01", "9999-12-31", None, self.article_id
        ):
            raise NotFoundError(N_("no article %(id)r in the index or in the reports", id=self.article_id[:80]))
        reasons = [
            {"reason": reason, "label": reason_label(reason, helpful), "helpful": bool(helpful), "votes": votes}
            for _, helpful, reason, votes in ctx.rollups.reasons(f.first, f.last, f.locale or None, self.article_id)
        ]
        searches = ctx.rollups.article_queries(self.article_id, f.first, f.last, f.locale or None, ctx.k, TOP_SEARCHES)
        total, comments = self.comments
        return [
            Table("timeline", N_("Helpfulness per day") if f.bucket == "day" else N_("Helpfulness per week"), TIMELINE, self._timeline()),
            Table(
                "revisions", N_("Did the edit help? Helpfulness per revision"), REVISIONS, self._revisions(),
                note=N_("All votes ever cast on each revision, oldest revision first, per locale. Each revision is compared with "
                        "the one before it; a comparison needs at least %(votes)s votes on both sides.", votes=MIN_VOTES_TO_TELL),
            ),
            Table("reasons", N_("Reasons readers gave"), REASONS, reasons),
            Table("searches", N_("Searches that led readers here"), SEARCHES, searches,
                  note=N_("Only searches made by at least %(k)s different visitors on a day are shown.", k=ctx.k)),
            Table("comments", N_("Comments (scrubbed), newest first"), COMMENTS, comments, total=total),
        ]

    def all_rows(self, table: Table) -> list[dict[str, Any]]:
        if table.name != "comments":
            return table.rows
        f = self.filters
        _, rows = self.ctx.staff.article_comments(self.article_id, f.first, f.last, f.locale or None, 1_000_000, 0)
        return rows

    def summary(self) -> dict[str, Any]:
        info = self.ctx.article(self.article_id)
        timeline = self.table("timeline").rows
        score = Helpfulness(sum(r["yes"] for r in timeline), sum(r["no"] for r in timeline))
        return {
            "id": self.article_id,
            "title": info["title"],
            "product": info["product"],
            "topics": info["topics"],
            "locales": info["locales"],
            "views": sum(r["views"] for r in timeline),
            **score.as_json(),
            "comments": self.comments[0],
            "comment_pages": max(1, -(-self.comments[0] // self.page_size)),
        }

    def charts(self) -> dict[str, Markup]:
        timeline = self.table("timeline").rows
        labels = [r["period"][5:] for r in timeline]
        helpful = Series(
            "Helpful (Yes share)",
            [r["helpful"] for r in timeline],
            band=[(r["low"], r["high"]) if r["low"] is not None else None for r in timeline],
        )
        reasons = [(f"{'Yes' if r['helpful'] else 'No'}: {r['label']}", float(r["votes"]), "yes" if r["helpful"] else "no")
                   for r in self.table("reasons").rows]
        return {
            "helpful": line_chart(labels, [helpful], f"Helpfulness per {self.filters.bucket}, with its 95% interval", percent=True),
            "views": line_chart(labels, [Series("Views", [float(r["views"]) for r in timeline])], f"Views per {self.filters.bucket}"),
            "reasons": bar_chart(reasons, "Reasons readers gave"),
        }


TIMELINE = [
    Column("period", N_("From")), Column("views", N_("Views"), "int"), Column("yes", N_("Yes"), "int"), Column("no", N_("No"), "int"),
    Column("votes", N_("Votes"), "int"), Column("helpful", N_("Helpful"), "pct"), Column("low", N_("Low (95%%)"), "pct"),
    Column("high", N_("High (95%%)"), "pct"),
]
REVISIONS = [
    Column("locale", N_("Locale")), Column("revision", N_("Revision")), Column("current", N_("Current"), "bool"),
    Column("first_day", N_("First vote")), Column("last_day", N_("Last vote")), Column("yes", N_("Yes"), "int"), Column("no", N_("No"), "int"),
    Column("helpful", N_("Helpful"), "pct"), Column("low", N_("Low (95%%)"), "pct"), Column("high", N_("High (95%%)"), "pct"),
    Column("change", N_("Change")), Column("message", N_("What this says")),
]
REASONS = [Column("label", N_("Reason")), Column("helpful", N_("On a Yes"), "bool"), Column("votes", N_("Votes"), "int")]
SEARCHES = [Column("query", N_("Search")), Column("clicks", N_("Clicks to this article"), "int")]
COMMENTS = [
    Column("hour", N_("When (hour, UTC)")), Column("locale", N_("Locale")), Column("revision", N_("Revision")),
    Column("helpful", N_("Helpful"), "bool"), Column("reasons", N_("Reasons"), "list"), Column("comment", N_("Comment")),
    Column("client_name", N_("Client")), Column("os_family", N_("OS")),
]
