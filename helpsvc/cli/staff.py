"""Staff commands: ``users``, ``report``, ``rollup`` and ``demo-data``.

They read the same settings as the server, and ``report`` prints exactly
what the report pages and their JSON twins show.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import sys
from pathlib import Path
from typing import Any

import click

from .common import cli, db_url, day_option, opened_store, settings_from


def _auth(settings: Any, store: Any) -> Any:
    from ..web.auth import Auth

    return Auth(store, settings)


def _password(prompt: str) -> str:
    return str(click.prompt(prompt, hide_input=True, confirmation_prompt=True))


@cli.group()
def users() -> None:
    """Staff accounts: writer, pm, admin and org-admin.

    Example: helpsvc users add maria --role writer
    """


@users.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(["writer", "pm", "admin", "org-admin"]), help="What the account may see.")
@click.option("--org", default="", help="The organisation of an org-admin.")
@click.option("--db", help="Database file or URL.")
def users_add(name: str, role: str, org: str, db: str | None) -> None:
    """Add a staff account; asks for its password twice (at least 10 characters).

    Example: helpsvc users add it-contoso --role org-admin --org contoso
    """
    from ..web.auth import AuthError
    from ..store.staff import StaffStoreError

    settings = settings_from(database_url=db_url(db))
    with opened_store(settings) as store:
        try:
            user = _auth(settings, store).add_user(name, role, _password("Password"), org=org)
        except (AuthError, StaffStoreError) as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"Added {user.name} ({user.role}{', ' + user.org if user.org else ''}).")


@users.command("list")
@click.option("--db", help="Database file or URL.")
def users_list(db: str | None) -> None:
    """List staff accounts (never their passwords).

    Example: helpsvc users list
    """
    from ..store.staff import StaffStore

    settings = settings_from(database_url=db_url(db))
    with opened_store(settings) as store:
        accounts = StaffStore(store).users()
    for user in accounts:
        click.echo(f"{user.name}\t{user.role}\t{user.org or '-'}\tcreated {user.created}")
    if not accounts:
        click.echo("No staff accounts yet. Add one with: helpsvc users add NAME --role admin")


@users.command("remove")
@click.argument("name")
@click.option("--db", help="Database file or URL.")
def users_remove(name: str, db: str | None) -> None:
    """Remove a staff account and end its sessions.

    Example: helpsvc users remove maria
    """
    from ..store.staff import StaffStore

    settings = settings_from(database_url=db_url(db))
    with opened_store(settings) as store:
        removed = StaffStore(store).remove_user(name)
    if not removed:
        raise click.ClickException(f"no staff account named {name!r}")
    click.echo(f"Removed {name}.")


@users.command("passwd")
@click.argument("name")
@click.option("--db", help="Database file or URL.")
def users_passwd(name: str, db: str | None) -> None:
    """Set a new password for a staff account; its sessions end.

    Example: helpsvc users passwd maria
    """
    from ..web.auth import AuthError

    settings = settings_from(database_url=db_url(db))
    with opened_store(settings) as store:
        try:
            auth = _auth(settings, store)
            if not auth.staff.user(name):
                raise click.ClickException(f"no staff account named {name!r}")
            auth.set_password(name, _password("New password"))
        except AuthError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"Changed the password of {name}.")


def _build_facts(settings: Any) -> tuple[dict[str, Any], dict[str, list[list[object]]]]:
    """The current index build's article catalog and the abbreviations search expands; nothing when no index is built."""
    from ..search import IndexUnavailable, SearchService

    try:
        state = SearchService(settings.index_dir, settings.default_locale).state()
    except IndexUnavailable:
        return {}, {}
    try:
        return dict(state.catalog), state.abbreviations
    finally:
        state.close()


def _catalog(settings: Any) -> dict[str, Any]:
    return _build_facts(settings)[0]


@cli.command()
@click.argument("kind", type=click.Choice(["articles", "article", "search", "synonyms", "org-feedback"]))
@click.argument("article_id", required=False)
@click.option("--since", help="First day (YYYY-MM-DD); default 28 days before --until.")
@click.option("--until", help="Last day (YYYY-MM-DD); default today.")
@click.option("--locale", help="Only this locale.")
@click.option("--product", help="Articles report: only this product.")
@click.option("--topic", help="Articles report: only this topic.")
@click.option("--sort", help="Articles report: attention, score, helpful, views, votes, comments or title.")
@click.option("--org", help="org-feedback: the organisation.")
@click.option("--section", help="csv: which table (default: the first).")
@click.option("--limit", type=int, help="Search report: rows per table (default 20).")
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "json"]), default="text", show_default=True)
@click.option("--db", help="Database file or URL.")
@click.option("--index", "index_dir", type=click.Path(path_type=Path), help="Index folder, for article titles.")
def report(kind: str, article_id: str | None, since: str | None, until: str | None, locale: str | None, product: str | None,
           topic: str | None, sort: str | None, org: str | None, section: str | None, limit: int | None, fmt: str,
           db: str | None, index_dir: Path | None) -> None:
    """Print a report: the same figures as its page and JSON twin.

    Query strings appear only when at least k distinct visitors searched them on a day.

    Example: helpsvc report article share-screen --since 2026-10-01 --format json
    """
    from ..errors import HelpError
    from ..intake.orgs import OrgPolicies
    from ..reports import REPORTS, Filters, ReportContext, article_catalog, to_csv, to_text

    if kind == "article" and not article_id:
        raise click.UsageError("'report article' needs the article id: helpsvc report article ID")
    settings = settings_from(database_url=db_url(db), index_dir=index_dir)
    params = {"since": day_option(since, "--since"), "until": day_option(until, "--until"), "locale": locale, "product": product,
              "topic": topic, "sort": sort, "org": org, "section": section, "id": article_id,
              "limit": str(limit) if limit else None}
    with opened_store(settings) as store:
        try:
            orgs = OrgPolicies(store, Path(settings.org_policy_file) if settings.org_policy_file else None)
            catalog, mined = _build_facts(settings)
            ctx = ReportContext(store, settings, article_catalog(catalog, settings.default_locale), orgs, mined)
            chosen = REPORTS[kind](ctx, Filters.parse({k: v for k, v in params.items() if v}), page_size=1_000_000)
            if fmt == "json":
                click.echo(json.dumps(chosen.data(), ensure_ascii=False, indent=2))
            elif fmt == "csv":
                for line in to_csv(chosen.csv_rows()):
                    sys.stdout.write(line)
            else:
                data = chosen.data()
                click.echo(f"{chosen.title}: {data['filters']['since']} to {data['filters']['until']} (k = {data['k_threshold']})")
                for key, value in data["summary"].items():
                    if not isinstance(value, (dict, list)):
                        click.echo(f"  {key}: {value}")
                for table in chosen.tables():
                    click.echo("")
                    click.echo(to_text(table, list(chosen.all_rows(table))))
        except HelpError as exc:
            raise click.ClickException(exc.message) from None


@cli.command()
@click.option("--db", help="Database file or URL.")
@click.option("--day", "days", multiple=True, help="Rebuild this day (YYYY-MM-DD); repeat for more. Default: every day due.")
@click.option("--all", "everything", is_flag=True, help="Rebuild every day that still has raw events.")
def rollup(db: str | None, days: tuple[str, ...], everything: bool) -> None:
    """Update the daily rollups reports read. The server also does this every few minutes.

    Days whose raw events have expired are never rebuilt (their rollups are all that is left).

    Example: helpsvc rollup --day 2026-11-02
    """
    from ..store.upkeep import update_rollups
    from ..store.rollups import Rollups

    settings = settings_from(database_url=db_url(db))
    today = dt.datetime.now(dt.timezone.utc).date()
    cut = (today - dt.timedelta(days=settings.event_retention_days)).isoformat()
    with opened_store(settings) as store:
        chosen: list[str] | None = None
        if everything:
            chosen = [d for d in Rollups(store).raw_days() if d >= cut]
        elif days:
            chosen = [day_option(d, "--day") or "" for d in days]
            old = [d for d in chosen if d < cut]
            if old:
                raise click.ClickException(f"{old[0]} is older than the event retention ({settings.event_retention_days} days): its raw events are gone")
        built = update_rollups(store, today, settings.event_retention_days, chosen)
    click.echo(f"Built rollups for {len(built)} days" + (f" ({built[0]} to {built[-1]})." if built else "."))


@cli.command("demo-data")
@click.option("--days", type=int, default=60, show_default=True, help="Days of traffic, ending today.")
@click.option("--visitors", type=int, default=800, show_default=True, help="Visitors on a weekday.")
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed: the same seed makes the same traffic.")
@click.option("--admin", "admin_name", help="Also create an admin account with this name and print a random password.")
@click.option("--db", help="Database file or URL.")
@click.option("--index", "index_dir", type=click.Path(path_type=Path), help="Index folder (run 'helpsvc index' first).")
def demo_data(days: int, visitors: int, seed: int, admin_name: str | None, db: str | None, index_dir: Path | None) -> None:
    """Fill the database with realistic synthetic help traffic and build its rollups.

    For trying reports on a new install; never run it on a production database.

    Example: helpsvc index && helpsvc demo-data --admin demo && helpsvc serve
    """
    from ..store.upkeep import is_final
    from ..search import SearchService
    from ..store.rollups import Rollups
    from .demo import demo_articles, searcher_of, traffic, write

    if days < 1 or visitors < 1:
        raise click.BadParameter("--days and --visitors must be at least 1")
    settings = settings_from(database_url=db_url(db), index_dir=index_dir)
    catalog = _catalog(settings)
    if not catalog:
        raise click.ClickException(f"no index in {settings.index_dir}: run 'helpsvc index' first")
    today = dt.datetime.now(dt.timezone.utc).date()
    search = searcher_of(SearchService(settings.index_dir, default_locale=settings.default_locale))
    with opened_store(settings) as store:
        counts = write(store, traffic(demo_articles(catalog, seed), days, visitors, today, search, seed))
        rollups = Rollups(store)
        for offset in range(days - 1, -1, -1):
            day = (today - dt.timedelta(days=offset)).isoformat()
            rollups.build_day(day, final=is_final(day, today))
        if admin_name:
            password = secrets.token_urlsafe(12)
            _auth(settings, store).add_user(admin_name, "admin", password)
    click.echo(f"Added {counts['events']} events and {counts['feedback']} votes over {days} days, and built their rollups.")
    if admin_name:
        click.echo(f"Log in at /login as {admin_name} with password {password} (shown once; change it with 'helpsvc users passwd').")
