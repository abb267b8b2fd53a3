"""What a rendered article already offers, so the page does not offer it twice."""

from __future__ import annotations

import re

# A heading followed by a list each of whose items is one link to another article:
# the writer's own "Related articles" or "See also", whatever its words or language.
_LINK_LIST_SECTION = re.compile(
    r"<h[2-4][^>]*>[^<]*</h[2-4]>\s*<ul>\s*(?:<li><a href=\"/articles/[^\"]+\">[^<]*</a></li>\s*){2,}</ul>"
)


def has_link_list_section(html: str) -> bool:
    """Whether the article has a section that only lists links to other articles."""
    return _LINK_LIST_SECTION.search(html) is not None
