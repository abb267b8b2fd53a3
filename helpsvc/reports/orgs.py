"""Organisation reports: one organisation's scrubbed feedback (for its org-admin),
the organisation policies, and the staff accounts (for admins)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import Any

from ..errors import BadRequest, Forbidden
from ..intake.orgs import ORG_RE
from ..store.sql import EXPORT_FIELDS
from .base import Column, Report, Table
from ..locale import N_



class OrgFeedbackReport(Report):
    slug = "org-feedback"
    title = N_("Organisation feedback")
    description = N_("One organisation's scrubbed feedback, for its IT admin to export.")
    roles = frozenset({"org-admin", "admin"})
    template = "reports/org_feedback.html"
    per_page = 100

    @cached_property
    def org(self) -> str:
        """The organisation shown: an org-admin's own, always; an admin's choice."""
        asked = self.filters.org
        if self.viewer is not None and self.viewer.role == "org-admin":
            if asked and asked != self.viewer.org:
                raise Forbidden(N_("You may see only your own organisation's feedback."))
            return self.viewer.org
        if asked and not ORG_RE.match(asked):
            raise BadRequest(N_("'org' must be 1-64 letters, digits, '.', '_' or '-'"))
        return asked

    def tables(self) -> list[Table]:
        f = self.filters
        if not self.org:
            orgs = [{"org": org} for org in self.ctx.staff.feedback_orgs()]
            return [Table("orgs", N_("Organisations with feedback"), [Column("org", N_("Organisation"))], orgs,
                          note=N_("Choose an organisation with ?org=ID."))]
        total = self.ctx.staff.org_feedback_count(self.org, f.first, f.last)
        rows = self.ctx.staff.org_feedback(self.org, f.first, f.last, self.page_size, (f.page - 1) * self.page_size)
        return [Table("feedback", N_("Feedback from %(org)s, newest first", org=self.org), COLUMNS, rows, total=total)]

    def all_rows(self, table: Table) -> Iterator[dict[str, Any]]:
        if table.name != "feedback":
            return iter(table.rows)
        return self._pages()

    def _pages(self) -> Iterator[dict[str, Any]]:
        f, offset, size = self.filters, 0, 2000
        while True:
            rows = self.ctx.staff.org_feedback(self.org, f.first, f.last, size, offset)
            yield from rows
            if len(rows) < size:
                return
            offset += size

    def summary(self) -> dict[str, Any]:
        if not self.org:
            return {"org": None}
        table = self.table()
        policy = self.ctx.orgs.policy(self.org).as_json() if self.ctx.orgs else None
        return {"org": self.org, "policy": policy, "feedback": table.total,
                "pages": max(1, -(-(table.total or 0) // self.page_size))}


class OrgsReport(Report):
    slug = "orgs"
    title = N_("Organisation policies")
    description = N_("Which organisations may send feedback and have their searches logged.")
    roles = frozenset({"admin"})
    template = "reports/orgs.html"

    def tables(self) -> list[Table]:
        rows = self.ctx.orgs.listing() if self.ctx.orgs else []
        return [Table("orgs", N_("Organisation policies"), POLICY_COLUMNS, rows,
                      note=N_("Policies set here are kept in the database and win over the policy file."))]

    def summary(self) -> dict[str, Any]:
        default = self.ctx.orgs.default.as_json() if self.ctx.orgs else None
        path = self.ctx.orgs.path if self.ctx.orgs else None
        return {"default": default, "policy_file": str(path) if path else None}


class UsersReport(Report):
    slug = "users"
    title = N_("Staff accounts")
    description = N_("Who can log in, with which role. Manage accounts with 'helpsvc users'.")
    roles = frozenset({"admin"})

    def tables(self) -> list[Table]:
        rows = [
            {"name": u.name, "role": u.role, "org": u.org, "created": u.created, "password_changed": u.password_changed}
            for u in self.ctx.staff.users()
        ]
        return [Table("users", N_("Staff accounts"), USER_COLUMNS, rows, note=N_("Add, remove or change accounts with 'helpsvc users'."))]


# The exported fields' labels, as the field names read ("client_name" is "Client name"), marked for the catalogs.
_FIELD_LABELS = {
    "id": N_("Id"), "article_id": N_("Article id"), "locale": N_("Locale"), "revision": N_("Revision"),
    "helpful": N_("Helpful"), "reasons": N_("Reasons"), "comment": N_("Comment"), "hour": N_("Hour"),
    "client_name": N_("Client name"), "client_major": N_("Client major"), "os_family": N_("Os family"),
    "client_locale": N_("Client locale"), "org": N_("Org"),
}
COLUMNS = [Column(name, _FIELD_LABELS.get(name) or name.replace("_", " ").capitalize(), "list" if name == "reasons" else "text")
           for name in EXPORT_FIELDS["feedback"]]
POLICY_COLUMNS = [
    Column("org", N_("Organisation")), Column("name", N_("Name")), Column("feedback", N_("Feedback"), "bool"),
    Column("search_logging", N_("Search logging"), "bool"), Column("source", N_("Set in")),
]
USER_COLUMNS = [
    Column("name", N_("Name")), Column("role", N_("Role")), Column("org", N_("Organisation")), Column("created", N_("Created")),
    Column("password_changed", N_("Password changed")),
]
