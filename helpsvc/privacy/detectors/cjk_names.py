"""Person names in Chinese, Japanese and Korean script: a listed surname and given name run
together ("王伟", "佐藤健一"), or a name before an honorific suffix ("田中さん", "김민수 씨")."""
from __future__ import annotations

import re
from collections.abc import Iterator

from .lexicon import Lexicon
from .span import Span
from .vocabulary import CJK_NAME_SUFFIXES


class CjkNames:
    """Finds CJK names with the lexicon's CJK surname and given-name lists."""

    def __init__(self, lexicon: Lexicon) -> None:
        self._lex = lexicon
        self._suffix_re = re.compile(
            r"([\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]{1,4}?)(?:" + "|".join(CJK_NAME_SUFFIXES) + r"|\s(?:씨|님))"
        )
        self._surname_max = min(max((len(n) for n in lexicon.cjk_surnames), default=1), 3)
        self._given_max = min(max((len(n) for n in lexicon.cjk_given), default=1), 3)

    def find(self, text: str, kind: str) -> Iterator[Span]:
        lex = self._lex
        for m in self._suffix_re.finditer(text):
            run = m.group(1)
            # Only a run that starts with a known surname (or is katakana) is a name:
            # "皆さん" (everyone) and "お客様" (customer) are not.
            if any(run[:k] in lex.cjk_surnames for k in range(1, min(3, len(run)) + 1)) or _is_katakana(run):
                yield Span(m.start(1), m.end(1), kind)
        for m in _CJK_RUN_RE.finditer(text):
            run, base = m.group(), m.start()
            k = 0
            while k < len(run):
                hit = self._full_name_at(run, k)
                if hit:
                    yield Span(base + k, base + k + hit, kind)
                    k += hit
                else:
                    k += 1

    def _full_name_at(self, run: str, k: int) -> int:
        lex = self._lex
        for sl in range(min(self._surname_max, len(run) - k), 0, -1):
            if run[k : k + sl] not in lex.cjk_surnames:
                continue
            for gl in range(min(self._given_max, len(run) - k - sl), 0, -1):
                if run[k + sl : k + sl + gl] in lex.cjk_given:
                    return sl + gl
        return 0


_CJK_RUN_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]{2,}")
_KATAKANA_RE = re.compile(r"^[\u30a0-\u30ff]{2,}$")


def _is_katakana(run: str) -> bool:
    return bool(_KATAKANA_RE.match(run))

