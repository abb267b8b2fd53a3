"""Suggested synonyms: what readers searched for next, when a search did not serve them,
and the abbreviations the articles define that search already expands.

A reformulation is a visitor's search followed by a different one in the
same locale within the hour. Pairs that many visitors make are good synonym
candidates (``screen share`` → ``share my screen``). A writer accepts a pair
into ``<content>/synonyms/<locale>.txt``, the synonym list search reads, or
dismisses it; either way it leaves the list.

A mined abbreviation ("Survivable Branch Appliance (SBA)") is in use from the
build that found it. Accepting it writes it into the writers' file, where it
stays whatever later builds find; rejecting it writes ``sba != survivable
branch appliance`` there, and search stops expanding it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ..content.articles import LOCALE_RE
from ..content.curation import add_apart_pair, add_synonym_group, read_synonyms, synonym_terms, words
from ..errors import BadRequest, ServiceUnavailable
from .base import Column, Filters, Report, ReportContext, Table, ratio
from ..locale import N_

MAX_SUGGESTIONS = 200
DECISIONS = ("accept", "dismiss")
SOURCES = ("reformulation", "abbreviation")


def synonym_file(folder: Path, locale: str) -> Path:
    if not LOCALE_RE.match(locale):
        raise BadRequest(N_("'locale' must look like 'en-US' or 'de'"))
    return folder / f"{locale}.txt"


def usable_term(term: str) -> bool:
    """A term that can go into the synonym file: no placeholder left by the scrubber, no syntax characters."""
    return bool(term) and len(term) <= 100 and "{{" not in term and not any(c in term for c in "=#\n\r")


def append_decision(path: Path, first: str, second: str, accept: bool, comment: str) -> None:
    """Adds ``first = second`` (accepted) or ``first != second`` (kept apart) at the end of the file."""
    if not (usable_term(first) and usable_term(second)):
        raise BadRequest(N_("these queries cannot be synonyms (they hold a placeholder or a '=' or '#')"))
    try:
        if accept:
            add_synonym_group(path, [first, second], comment=comment)
        else:
            add_apart_pair(path, first, second, comment=comment)
    except ValueError:
        raise BadRequest(N_("'from_query' and 'to_query' must be two different queries")) from None
    except OSError as exc:
        raise ServiceUnavailable(N_("the synonym list %(file)s could not be written: %(reason)s", file=path.name,
                                    reason=exc.strerror)) from None


def suggestions(ctx: ReportContext, f: Filters) -> list[dict[str, Any]]:
    """Reformulations shown under the k-threshold, minus decided pairs and pairs already synonyms."""
    decided = ctx.staff.synonym_decisions()
    groups: dict[str, list[set[str]]] = {}
    rows = []
    for pair in ctx.rollups.reformulations(f.first, f.last, f.locale or None, ctx.k, MAX_SUGGESTIONS):
        locale, first, second = pair["locale"], pair["from_query"], pair["to_query"]
        if (locale, first, second) in decided or (locale, second, first) in decided:
            continue
        if not (usable_term(first) and usable_term(second)) or not LOCALE_RE.match(locale):
            continue
        if locale not in groups:
            groups[locale] = synonym_terms(synonym_file(ctx.synonyms_dir, locale))
        a, b = " ".join(words(first)), " ".join(words(second))
        if any(a in g and b in g for g in groups[locale]):
            continue
        rows.append({**pair, "from_zero_rate": ratio(pair["from_zero"], pair["transitions"])})
    return rows


def abbreviation_rows(ctx: ReportContext, f: Filters) -> list[dict[str, Any]]:
    """The mined abbreviations search expands in each offered locale, minus those the writers' file decides."""
    rows = []
    for locale in ctx.settings.locales:
        if f.locale and f.locale != locale:
            continue
        mined = ctx.abbreviations.get(locale.split("-", 1)[0].lower(), [])
        if not mined:
            continue
        writers = read_synonyms(synonym_file(ctx.synonyms_dir, locale))
        groups = [set(group) for group in writers.groups]
        for short, long, articles in mined:
            a, b = words(str(short)), words(str(long))
            if writers.keeps_apart(a, b) or any(a in g and b in g for g in groups):
                continue
            rows.append({"locale": locale, "from_query": " ".join(a), "to_query": " ".join(b), "articles": articles})
    return rows


class SynonymsReport(Report):
    slug = "synonyms"
    title = N_("Suggested synonyms")
    description = N_("Query reformulations many visitors make; accept one into the synonym list search uses, or dismiss it.")
    roles = frozenset({"writer", "pm", "admin"})
    template = "reports/synonyms.html"

    def tables(self) -> list[Table]:
        decided = [
            {"locale": locale, "from_query": first, "to_query": second, "decision": decision}
            for (locale, first, second), decision in sorted(self.ctx.staff.synonym_decisions().items())
        ]
        return [
            Table("suggestions", N_("Suggestions"), COLUMNS, suggestions(self.ctx, self.filters),
                  note=N_("Only pairs that at least %(k)s different visitors made on a day are shown.", k=self.ctx.k)),
            Table("abbreviations", N_("Abbreviations the articles define"), ABBREVIATIONS, abbreviation_rows(self.ctx, self.filters),
                  note=N_("Search expands these from the current build on; accept one to keep it whatever later builds "
                          "find, or reject it to stop search expanding it.")),
            Table("decided", N_("Accepted and dismissed"), DECIDED, decided),
        ]

    def summary(self) -> dict[str, Any]:
        return {"suggestions": len(self.table("suggestions").rows), "abbreviations": len(self.table("abbreviations").rows),
                "folder": str(self.ctx.synonyms_dir)}


def decide(ctx: ReportContext, locale: str, first: str, second: str, decision: str, by: str,
           source: str = "reformulation") -> dict[str, Any]:
    """Accepts (appends to the synonym file) or dismisses one suggested pair.

    Dismissing a reformulation only takes it off the list; dismissing a mined abbreviation
    also writes it into the file as kept apart, since search would expand it otherwise.
    """
    if decision not in DECISIONS:
        raise BadRequest(N_("'decision' must be 'accept' or 'dismiss'"))
    if source not in SOURCES:
        raise BadRequest(N_("'source' must be 'reformulation' or 'abbreviation'"))
    first, second = first.strip().lower(), second.strip().lower()
    if not first or not second or first == second:
        raise BadRequest(N_("'from_query' and 'to_query' must be two different queries"))
    path = synonym_file(ctx.synonyms_dir, locale)
    now = dt.datetime.now(dt.timezone.utc)
    if decision == "accept" or source == "abbreviation":
        what = "search reformulations" if source == "reformulation" else "abbreviations the articles define"
        verb = "accepted" if decision == "accept" else "rejected"
        append_decision(path, first, second, decision == "accept", f"{verb} from {what} on {now.date().isoformat()}")
    ctx.staff.decide_synonym(locale, first, second, decision, now, by)
    return {"locale": locale, "from_query": first, "to_query": second, "decision": decision, "source": source, "file": path.name}


COLUMNS = [
    Column("locale", N_("Locale")), Column("from_query", N_("Searched first")), Column("to_query", N_("Then searched")),
    Column("visitors", N_("Daily visitors"), "int"), Column("from_zero_rate", N_("First had no results"), "pct"),
]
ABBREVIATIONS = [Column("locale", N_("Locale")), Column("from_query", N_("Short form")), Column("to_query", N_("Long form")),
                 Column("articles", N_("Articles defining it"), "int")]
DECIDED = [Column("locale", N_("Locale")), Column("from_query", N_("Searched first")), Column("to_query", N_("Then searched")),
           Column("decision", N_("Decision"))]
