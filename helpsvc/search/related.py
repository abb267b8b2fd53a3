"""Related articles, chosen when a build is made and stored in it.

Choosing an article's related list costs about three quarters of a millisecond
(its distinctive words, scored like a query), which made the first view of
every page slow. The lists depend only on the build, so the build works them
out once and keeps them in ``docs.sqlite``; a page then reads five keys.

A full build chooses every list. An update chooses lists again for the articles
it re-read, for those whose list named an article that changed or went away,
and for the articles the re-read ones' new lists name: relatedness is mostly
mutual, so an added article joins the lists it most likely belongs in, for
about five lists' work per article. Other lists are kept; one that would now
name an added article it does not point back to gets it at the next full build
(``helpsvc index --full``).
"""

from __future__ import annotations

from pathlib import Path

from ..progress import ProgressFactory, bar as progress_bar
from .docstore import DocStoreWriter
from .state import RELATED_STORED as LIMIT, IndexState  # the build is read the way the server reads it


def store_related(
    folder: Path,
    changed: set[str] | None,
    default_locale: str,
    progress: ProgressFactory | None = None,
) -> int:
    """Chooses and stores related lists in a build folder; returns how many were chosen.

    ``changed`` holds the keys an update added, re-read or removed; None means
    every article (a full build).
    """

    writer = DocStoreWriter(folder)
    try:
        stored = writer.related()
    finally:
        writer.close()
    state = IndexState(folder, folder.name, default_locale)
    try:
        catalog = state.catalog
        if changed is None:
            wanted = set(catalog)
        else:
            wanted = {k for k in catalog if k in changed or k not in stored or set(stored[k]) & changed}
        bar = progress_bar(progress, len(wanted), "related articles", more_than=100)
        lists: dict[str, tuple[str, ...]] = {}
        for key in sorted(wanted):
            if key in state.docnum:
                lists[key] = state.related_keys(key, LIMIT)
            bar.update(1)
        bar.close()
        if changed is not None:
            named_back = {other for key in changed if key in lists for other in lists[key]} - set(lists)
            for key in sorted(named_back):
                if key in state.docnum:
                    lists[key] = state.related_keys(key, LIMIT)
    finally:
        state.close()
    writer = DocStoreWriter(folder)
    try:
        writer.set_related(lists)
    finally:
        writer.close()
    return len(lists)
