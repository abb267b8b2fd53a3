"""The ``helpsvc bundle`` command: the offline help, a static site that opens from disk."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from .common import cli, settings_from


@cli.command()
@click.option("--content", "content_dir", type=click.Path(path_type=Path), help="Folder of Markdown articles (default content/).")
@click.option("--locale", "locales", multiple=True,
              help="A locale to include; repeat for more (default: every locale the site offers).")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="A new folder, or a file ending in .zip.")
@click.option("--online-url", help="Address of the online help, named where the bundle says feedback needs it.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def bundle(content_dir: Path | None, locales: tuple[str, ...], out: Path, online_url: str | None, quiet: bool) -> None:
    """Write the articles as a static site that works offline, search included.

    The bundle opens from file:// in any browser or a client's web view and asks
    no host for anything; its search index is built now, with MiniSearch (Node and
    'npm ci' needed).

    Example: helpsvc bundle --locale en-US --locale de-DE --out dist/help.zip --online-url https://help.example.com
    """
    from tqdm import tqdm

    from ..bundle import BundleError, build_bundle

    settings = settings_from(content_dir=content_dir)
    chosen = list(dict.fromkeys(locales)) or list(settings.locales)
    unknown = [loc for loc in chosen if loc not in settings.locales]
    if unknown:
        raise click.BadParameter(f"{', '.join(unknown)} not offered (the site offers {', '.join(settings.locales)})", param_hint="--locale")
    progress = None if quiet else (lambda total, desc: tqdm(total=total, desc=desc, unit="article", file=sys.stderr))
    started = time.perf_counter()
    try:
        summary = build_bundle(settings.content_dir, out, chosen, settings.default_locale, settings.site_name, online_url, progress)
    except BundleError as exc:
        raise click.ClickException(str(exc)) from None
    pages = ", ".join(f"{n} {loc}" for loc, n in summary.articles.items())
    click.echo(f"Wrote {summary.out}: {pages} articles, {summary.images} images in {time.perf_counter() - started:.1f} s", err=True)
