"""The ``helpsvc`` command: serve, index, check, export and purge.

Every command reads the same settings as the server (``HELPSVC_*`` variables,
overridden by options), so ``--db`` and ``HELPSVC_DATABASE_URL`` mean the same
thing everywhere.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

import click

from ..clock import today
from ..store.upkeep import expire
from .common import cli, db_url, day_option, opened_store, settings_from


@cli.command()
@click.option("--host", help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=int, help="Port to listen on (default 8000).")
@click.option("--index", "index_dir", type=click.Path(path_type=Path), help="Index folder (default indexes/).")
@click.option("--db", help="Database file or URL (default sqlite:///var/helpsvc.db).")
@click.option("--workers", type=int, default=1, show_default=True, help="Worker processes, each with its own searcher.")
@click.option("--inline-scrubber", is_flag=True,
              help="Scrub inside each worker instead of in one shared scrubber process (about 170 MB more per worker).")
def serve(host: str | None, port: int | None, index_dir: Path | None, db: str | None, workers: int, inline_scrubber: bool) -> None:
    """Serve the help site and its JSON API with uvicorn.

    Reader text is scrubbed in one scrubber process that serve starts first,
    shares between the workers and restarts if it dies (see docs/deploy.md).

    Example: helpsvc serve --port 8080 --db var/help.db --workers 2
    """
    import logging.config
    import os
    import shutil
    import signal
    import tempfile

    import uvicorn

    from .. import logs

    if workers < 1:
        raise click.BadParameter("must be 1 or more", param_hint="--workers")
    settings = settings_from(host=host, port=port, index_dir=index_dir, database_url=db_url(db))
    # Workers are separate processes: hand them the settings through the environment.
    os.environ["HELPSVC_INDEX_DIR"] = str(settings.index_dir)
    os.environ["HELPSVC_DATABASE_URL"] = settings.database_url
    if workers > 1 and "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        # Each worker counts in its own files here; /metrics adds them up.
        metrics_dir = tempfile.mkdtemp(prefix="helpsvc-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    else:
        metrics_dir = None
    log_config = logs.config(settings.log_json)
    logging.config.dictConfig(log_config)
    from ..privacy.process.supervisor import ScrubberSidecar

    sidecar = None if inline_scrubber else ScrubberSidecar()
    # With one worker uvicorn ends a SIGTERM'd process by raising the signal again; as an
    # exception instead, it lets the clean-up below run (the scrubber's folder, metrics).
    signal.signal(signal.SIGTERM, _exit_quietly)
    try:
        if sidecar is not None:
            _start_scrubber(sidecar)
        # Set either way, so a socket inherited from the caller's environment never decides.
        os.environ["HELPSVC_SCRUBBER_SOCKET"] = "" if sidecar is None else str(sidecar.socket_path)
        click.echo(f"Serving {settings.site_name} on http://{settings.host}:{settings.port}/", err=True)
        uvicorn.run(
            "helpsvc.web.asgi:app",
            factory=False,
            host=settings.host,
            port=settings.port,
            workers=workers,
            # Access logs carry client addresses; we never write them.
            access_log=False,
            log_config=log_config,
            server_header=False,
            proxy_headers=False,
            http="httptools",
            # asyncio's own loop, not uvloop: under a burst of concurrent searches uvloop left some
            # connections' first request unread for seconds while the others were served over and
            # over (distinct-query p99 at 5-15 x p50 in make bench, 1.2-1.8 x with asyncio), and
            # asyncio served every scenario as fast on the bench's machine.
            loop="asyncio",
        )
    finally:
        # After uvicorn: workers finishing their last requests still scrub through it.
        if sidecar is not None:
            sidecar.stop()
        if metrics_dir:
            shutil.rmtree(metrics_dir, ignore_errors=True)


def _exit_quietly(signum: int, frame: Any) -> None:
    raise SystemExit(0)


def _start_scrubber(sidecar: Any) -> None:
    """Starts the node's scrubber process and returns once it answers, before any worker starts."""
    from ..privacy.process.supervisor import SidecarError

    try:
        sidecar.start()
    except SidecarError as exc:
        raise click.ClickException(f"{exc} (helpsvc serve --inline-scrubber runs without it)") from None


@cli.command()
@click.option("--content", "content_dir", type=click.Path(path_type=Path), help="Folder of Markdown articles (default content/).")
@click.option("--index", "index_dir", type=click.Path(path_type=Path), help="Index folder (default indexes/).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--full", is_flag=True, help="Read every article again, even if few changed.")
@click.option("--archive", type=click.Path(path_type=Path), help="Also pack the new build into this .tar.gz for other nodes.")
@click.option("--install", "install", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="Install a build archive made elsewhere instead of building.")
def index(content_dir: Path | None, index_dir: Path | None, quiet: bool, full: bool, archive: Path | None,
          install: Path | None) -> None:
    """Build a new index from the content folder and switch to it atomically.

    A running server picks the new build up without a restart (within a second,
    or at once on SIGHUP). Only changed files are re-read unless --full is given.
    For several nodes, build once with --archive and run --install on each node.

    Example: helpsvc index --content ../shared/corpus --index /tmp/corpus-index --archive build.tar.gz
    """
    from tqdm import tqdm

    from ..search import IndexBuildError, archive_build, build_index, install_archive

    settings = settings_from(content_dir=content_dir, index_dir=index_dir)
    if install is not None:
        try:
            build_id = install_archive(install, settings.index_dir)
        except IndexBuildError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"Installed build {build_id}; it is now current in {settings.index_dir}.")
        return
    if not settings.content_dir.is_dir():
        raise click.ClickException(f"content folder {settings.content_dir} does not exist: pass --content DIR")
    progress = None if quiet else (lambda total, desc: tqdm(total=total, desc=desc, unit="article", file=sys.stderr))
    try:
        report = build_index(
            settings.content_dir, settings.index_dir, settings.default_locale, progress=progress, incremental=not full,
            locales=settings.locales,  # each offered language analysed its own way, as the site offers them
        )
        if archive is not None:
            archive_build(settings.index_dir, report.build_id, archive)
    except IndexBuildError as exc:
        raise click.ClickException(str(exc)) from None
    locales = ", ".join(f"{n} {loc}" for loc, n in sorted(report.locales.items()))
    click.echo(
        f"Indexed {report.indexed} articles ({locales}; {report.searchable} searchable, "
        f"{report.indexed - report.searchable} reachable only by id or context) in {report.seconds:.1f} s."
    )
    click.echo(f"Build {report.build_id} is now current in {settings.index_dir}.")
    if archive is not None:
        click.echo(f"Packed it into {archive} for other nodes (helpsvc index --install {archive.name}).")
    if report.skipped:
        click.echo(f"Skipped {len(report.skipped)} files:")
        for item in report.skipped[:50]:
            click.echo(f"  {item['path']}: {item['reason']}")
        if len(report.skipped) > 50:
            click.echo(f"  … and {len(report.skipped) - 50} more (see build.json in the build folder)")


@cli.command()
@click.option("--content", "content_dir", type=click.Path(path_type=Path), help="Folder of Markdown articles (default content/).")
@click.option("--max", "max_shown", type=int, default=200, show_default=True, help="Most problems to print.")
def check(content_dir: Path | None, max_shown: int) -> None:
    """Lint content: titles, ids, links, contexts and front matter. Exits 1 on errors.

    Example: helpsvc check --content content
    """
    from ..content.lint import check_content

    settings = settings_from(content_dir=content_dir)
    if not settings.content_dir.is_dir():
        raise click.ClickException(f"content folder {settings.content_dir} does not exist: pass --content DIR")
    problems = check_content(settings.content_dir, settings.default_locale, settings.locales)
    for problem in problems[:max_shown]:
        click.echo(str(problem))
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    if len(problems) > max_shown:
        click.echo(f"… {len(problems) - max_shown} more not shown")
    click.echo(f"{errors} errors, {warnings} warnings in {settings.content_dir}")
    if errors:
        sys.exit(1)


@cli.command()
@click.argument("kind", type=click.Choice(["feedback", "searches", "votes"]))
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="jsonl", show_default=True)
@click.option("--since", help="First day to include (YYYY-MM-DD).")
@click.option("--until", help="Last day to include (YYYY-MM-DD).")
@click.option("--db", help="Database file or URL.")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-", help="File to write (default: standard output).")
def export(kind: str, fmt: str, since: str | None, until: str | None, db: str | None, output: Any) -> None:
    """Export stored (already scrubbed) feedback, votes or searches. Fields: docs/data.md.

    Example: helpsvc export feedback --format csv --since 2026-11-01 -o feedback.csv
    """
    from ..store import StoreError

    settings = settings_from(database_url=db_url(db))
    with opened_store(settings) as store:
        try:
            rows = store.export(kind, day_option(since, "--since"), day_option(until, "--until"))
            _write_rows(rows, fmt, output, kind)
        except StoreError as exc:
            raise click.ClickException(str(exc)) from None


def _write_rows(rows: Any, fmt: str, output: Any, kind: str) -> None:
    from ..store.sql import EXPORT_FIELDS

    if fmt == "jsonl":
        for row in rows:
            output.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    writer = csv.DictWriter(output, fieldnames=list(EXPORT_FIELDS[kind]))
    writer.writeheader()
    for row in rows:
        if "reasons" in row:
            row = {**row, "reasons": ";".join(row["reasons"])}
        writer.writerow(row)


@cli.command()
@click.option("--db", help="Database file or URL.")
@click.option("--events-days", type=int, help="Keep raw events this many days (default 30).")
@click.option("--comments-days", type=int, help="Keep feedback comments this many days (default 90).")
def purge(db: str | None, events_days: int | None, comments_days: int | None) -> None:
    """Delete raw events and comments past their retention, and old visitor salts.

    Days about to expire are rolled up first; after that, a query string stays in the
    rollups only if k distinct visitors issued it that day. The server also runs this
    once a day.

    Example: helpsvc purge --events-days 30 --comments-days 90
    """
    settings = settings_from(database_url=db_url(db), event_retention_days=events_days, comment_retention_days=comments_days)
    with opened_store(settings) as store:
        counts = expire(store, today(), settings.event_retention_days, settings.comment_retention_days, settings.k_threshold)
    click.echo(f"Deleted {counts['events']} events, {counts['feedback']} feedback rows and {counts['salts']} salts; "
               f"forgot the text of {counts['rare_queries']} rare queries.")
