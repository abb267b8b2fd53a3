"""The bundle's search index, built at bundle time by MiniSearch running in Node.

MiniSearch (from the npm registry, vendored into every bundle) was chosen for
being small (about 30 kB), having no dependencies, and offering prefix and fuzzy
search and an index that serialises: the bundle ships the built index, so a
reader's browser loads it rather than indexing 2,800 articles itself.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from whoosh.lang import stopwords_for_language

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
MINISEARCH_DIR = ROOT / "node_modules" / "minisearch"
MINISEARCH_UMD = MINISEARCH_DIR / "dist" / "umd" / "index.js"
SEARCH_JS = HERE / "offline-search.js"
BUILD_JS = HERE / "build-index.js"

# The library's comments name pages on the web (and its source map); the bundle names none, so they go.
_DOC_COMMENT = re.compile(r"/\*\*.*?\*/", re.DOTALL)
_LINE_COMMENT = re.compile(r"^[ \t]*//.*$", re.MULTILINE)


class IndexToolError(Exception):
    """Node or MiniSearch is missing, or the index build failed; the message says which."""


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        raise IndexToolError("node not found: the bundle's search index is built with Node (apt-get install nodejs)")
    if not MINISEARCH_UMD.is_file():
        raise IndexToolError(f"MiniSearch not found at {MINISEARCH_DIR}: run 'npm ci' at {ROOT}")
    return node


def vendored_minisearch() -> str:
    """MiniSearch's browser build with its licence on top and without comments that link to the web."""
    _node()
    licence = (MINISEARCH_DIR / "LICENSE.txt").read_text(encoding="utf-8").strip()
    version = json.loads((MINISEARCH_DIR / "package.json").read_text(encoding="utf-8"))["version"]
    code = _LINE_COMMENT.sub("", _DOC_COMMENT.sub("", MINISEARCH_UMD.read_text(encoding="utf-8")))
    return f"/*! MiniSearch {version}\n{licence}\n*/\n{code}"


def stop_words(locale: str) -> list[str]:
    """The locale's language's function words, Whoosh's list for it, as the bundle's search leaves them out."""
    return sorted(stopwords_for_language(locale.split("-", 1)[0].lower()) or ())


def build_index(docs: list[dict[str, Any]], index_js: Path, locale: str) -> dict[str, list[str]]:
    """Writes the serialised index for `docs` (articles in `locale`) as a script to `index_js`;
    returns each doc's related ids."""
    node = _node()
    index_js.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="helpsvc-bundle-") as tmp:
        docs_path = Path(tmp) / "docs.json"
        stop_path = Path(tmp) / "stop-words.json"
        related_path = Path(tmp) / "related.json"
        docs_path.write_text(json.dumps(docs, ensure_ascii=False), encoding="utf-8")
        stop_path.write_text(json.dumps(stop_words(locale), ensure_ascii=False), encoding="utf-8")
        done = subprocess.run(
            [node, str(BUILD_JS), str(MINISEARCH_UMD), str(docs_path), str(stop_path), str(index_js), str(related_path)],
            capture_output=True, text=True, check=False,
        )
        if done.returncode != 0:
            raise IndexToolError(f"building the search index failed: {done.stderr.strip()[-2000:]}")
        related: dict[str, list[str]] = json.loads(related_path.read_text(encoding="utf-8"))
    return related
