"""What the help articles give the name tagger's training: their prose sentences, per
language, as negatives (text with no person in it) and the words they use in lower case.

An article's language is its front matter's locale, else the nearest folder named for a
locale, else English; code, tags, images and link targets are left out.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from .tokens import LOWER, TITLE, tokenize

_MD_DROP_RE = re.compile(r"```.*?```|<[^>]+>|!\[[^\]]*\]\([^)]*\)|`[^`]*`", re.DOTALL)
_MD_LINK_RE = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_SENTENCE_RE = re.compile(r"(?<=[.!?])\s+(?=[^\W_a-z])")
# A folder named for a locale ("de-DE", "fr-FR", "pt-BR", "zh-Hans") and a front-matter locale.
_LOCALE_DIR_RE = re.compile(r"^([a-z]{2,3})(?:[-_][A-Za-z0-9]{2,8})+$")
_FRONT_LOCALE_RE = re.compile(r"^locale:\s*['\"]?([A-Za-z]{2,3})\b", re.MULTILINE)


def article_language(path: Path, text: str) -> str:
    """The language of an article: its front matter's locale, else the nearest folder named for a
    locale ("content/fr-FR/..."), else English (the shared corpus has no locale folders)."""
    if text.startswith("---"):
        found = _FRONT_LOCALE_RE.search(text.split("---", 2)[1] if text.count("---") >= 2 else "")
        if found:
            return found.group(1).lower()
    for part in reversed(path.parts[:-1]):
        found = _LOCALE_DIR_RE.match(part)
        if found:
            return found.group(1)
    return "en"


def article_sentences(dirs: Sequence[Path]) -> dict[str, list[str]]:
    """Every prose sentence of the Markdown articles under ``dirs``, per language, in file order."""
    out: dict[str, list[str]] = {"en": []}
    for base in dirs:
        for path in sorted(base.rglob("*.md")):
            text = path.read_text(encoding="utf-8", errors="replace")
            lang = article_language(path.relative_to(base), text)
            if text.startswith("---"):
                text = text.split("---", 2)[-1]
            text = _MD_LINK_RE.sub(r"\1", _MD_DROP_RE.sub(" ", text))
            for line in text.splitlines():
                line = line.strip().lstrip("#>*-+0123456789. ").replace("**", "").replace("__", "")
                if not line or line.startswith("|") or "@" in line or "://" in line:
                    continue
                for sentence in _SENTENCE_RE.split(line):
                    if 3 <= len(sentence.split()) <= 40:
                        out.setdefault(lang, []).append(sentence)
    return out


def article_words(sentences: dict[str, list[str]], limit: int = 30000) -> dict[str, int]:
    """How often each word appears in the articles in lower case (in German, where nouns are
    capitalised, also after the first word of a sentence): a word of our own texts."""
    counts: Counter[str] = Counter()
    for lang, found in sorted(sentences.items()):
        for sentence in found:
            tokens = tokenize(sentence)
            counts.update(t.key for i, t in enumerate(tokens) if t.shape == LOWER or (
                lang == "de" and i and t.shape == TITLE))
    ranked = sorted((c, w) for w, c in counts.items() if c >= 2)
    ranked.sort(key=lambda cw: (-cw[0], cw[1]))
    return dict((w, c) for c, w in ranked[:limit])
