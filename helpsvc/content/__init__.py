"""Content: the articles writers keep as Markdown, and what they curate beside them.

Owns reading an article (front matter, locale and id from its path), rendering it
with markdown-it-py (links between articles rewritten, ``articles``), checking a
content folder (``lint``, for ``helpsvc check``) and the synonym lists and pinned
answers read at query time (``curation``) and the topics' names in each locale
(``topics``). May import: nothing of ours but the ``locale`` marker for messages.
Every other package may import it.
"""

from .articles import LOCALE_RE, Article, ContentError, Rendered, Skipped, article_url, load_collection, parse_article, render

__all__ = ["LOCALE_RE", "Article", "ContentError", "Rendered", "Skipped", "article_url", "load_collection", "parse_article", "render"]
