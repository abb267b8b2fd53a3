"""Reports for staff: each one a small ``Report`` subclass with a slug, a title,
the roles that may see it and ``tables()``."""

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
