"""The offline help bundle: the articles as a static site that opens from disk.

Owns ``helpsvc bundle``'s work: rendering every article, topic list and the home
page with the site's templates into files that link to each other relatively
(``site``), and the search that runs in the reader's browser with no server and
no network, on an index MiniSearch builds at bundle time (``searchindex``, with
the JavaScript it runs in ``offline-search.js`` and ``build-index.js``). Nothing
in a bundle asks any host for anything, and the bundle collects nothing.
May import content, progress and web's templates and translations; nothing
imports it but cli.
"""

from .site import BundleError, build_bundle

__all__ = ["BundleError", "build_bundle"]
