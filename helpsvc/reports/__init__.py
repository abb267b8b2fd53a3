"""Reports for staff: each one a small ``Report`` subclass with a slug, a title,
the roles that may see it and ``tables()``.

Owns the reports (``articles``, ``article``, ``search``, ``synonyms``, ``orgs``),
what they share (``base``: filters, tables, the k-threshold), the statistics they
rest on (``stats``: Wilson bounds, before/after verdicts) and the SVG charts
(``charts``). Reads daily rollups, never raw events where a rollup will do.
May import: settings, errors, locale (to mark text for translation), content, store and
intake's organisation policies.
"""

from .article import ArticleReport
from .articles import ArticlesReport
from .base import Filters, Report, ReportContext, Table, article_catalog, to_csv, to_text
from .orgs import OrgFeedbackReport, OrgsReport, UsersReport
from .search import SearchReport
from .synonyms import SynonymsReport

REPORTS: dict[str, type[Report]] = {
    report.slug: report
    for report in (
        ArticlesReport, ArticleReport, SearchReport, SynonymsReport, OrgFeedbackReport, OrgsReport, UsersReport,
    )
}


def visible_reports(role: str) -> list[type[Report]]:
    return [report for report in REPORTS.values() if role in report.roles]


__all__ = [
    "REPORTS", "Filters", "Report", "ReportContext", "Table", "article_catalog", "to_csv", "to_text", "visible_reports",
]
