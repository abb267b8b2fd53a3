"""The corpus as the benchmark sees it: article text, and the query sets derived from it.

Every query set is deterministic (seeded) so two runs send the same requests.

* short queries: three or four informative words of an article's title. They come
  from ``eval/querysets.py`` (the known-item evaluation's rule) when it is there,
  else from the small fallback rule below; ``QuerySets.short_rule`` says which.
* long queries: the ``query`` (a description of the article) of every known item
  in ``eval/known_item_dev.jsonl``.
"""

from __future__ import annotations

import json
import math
import random
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from helpsvc.content.articles import Article, article_url, load_collection, render

REPO = Path(__file__).resolve().parent.parent
SEED = 6  # the issue number: every sample and shuffle below is seeded with it


@dataclass
class Doc:
    path: str  # relative to the corpus root, as search hits report it
    id: str
    url: str
    title: str
    headings: str
    body: str  # plain text, as helpsvc's indexer renders it
    noindex: bool


@dataclass
class Corpus:
    root: Path
    docs: list[Doc]
    skipped: int
    load_seconds: float = 0.0

    @classmethod
    def load(cls, root: Path, progress: Callable[[str], None] = lambda s: None) -> "Corpus":
        import time

        started = time.perf_counter()
        docs: list[Doc] = []
        skipped = 0
        for n, item in enumerate(load_collection(root), start=1):
            if not isinstance(item, Article):
                skipped += 1
                continue
            rendered = render(item)
            docs.append(Doc(
                path=item.path,
                id=item.id,
                url=article_url(item.id, item.locale),
                title=item.title,
                headings=" ".join(h.text for h in rendered.headings),
                body=rendered.text,
                noindex=item.noindex,
            ))
            if n % 500 == 0:
                progress(f"  read and rendered {n} articles")
        return cls(root, docs, skipped, time.perf_counter() - started)

    def by_path(self) -> dict[str, Doc]:
        return {d.path: d for d in self.docs}


# ---------------------------------------------------------------- short queries

_WORD_RE = re.compile(r"[^\W_]+")
_FALLBACK_STOP = frozenset(
    "a an and are as at be by can do for from how i in is it of on or the to what when where which "
    "with you your use using via vs about overview introduction skype business microsoft server lync".split()
)


class _FallbackDocFreq:
    def __init__(self, texts: list[str]) -> None:
        self.df: Counter[str] = Counter()
        for text in texts:
            self.df.update({w.lower() for w in _WORD_RE.findall(text) if len(w) >= 2})
        self.n = len(texts)

    def idf(self, word: str) -> float:
        return math.log((self.n + 1) / (self.df.get(word, 0) + 1))


def _fallback_short(title: str, df: _FallbackDocFreq) -> str:
    words = list(dict.fromkeys(w.lower() for w in _WORD_RE.findall(title) if len(w) >= 2))
    content = [w for w in words if w not in _FALLBACK_STOP] or words
    if len(content) > 4:
        keep = set(sorted(content, key=lambda w: (-df.idf(w), words.index(w)))[:4])
        content = [w for w in content if w in keep]
    return " ".join(content[:4])


def short_query_rule(corpus: Corpus) -> tuple[Callable[[str], str], str]:
    """(title -> short query, description of the rule used)."""
    texts = [d.title + "\n" + d.body for d in corpus.docs]
    eval_dir = REPO / "eval"
    if (eval_dir / "querysets.py").is_file():
        sys.path.insert(0, str(eval_dir))
        try:
            from querysets import DocFreq, short_query  # type: ignore[import-not-found]

            df = DocFreq(texts)
            return (lambda title: short_query(title, df)), "eval/querysets.py short_query (3-4 highest-IDF title words)"
        except Exception as exc:  # the colleague's module changed shape: use ours, and say so
            print(f"  eval/querysets.py could not be used ({type(exc).__name__}: {exc}); using bench's own rule",
                  file=sys.stderr)
        finally:
            sys.path.remove(str(eval_dir))
    df2 = _FallbackDocFreq(texts)
    return (lambda title: _fallback_short(title, df2)), "bench/corpus.py fallback (up to 4 highest-IDF title words)"


# ---------------------------------------------------------------- query sets


@dataclass
class KnownItem:
    long: str
    short: str
    target: str


@dataclass
class QuerySets:
    short_rule: str
    known: list[KnownItem]  # every known item whose target is a searchable corpus article
    distinct_short: list[str]  # one short query per searchable article title, deduplicated, shuffled
    distinct_long: list[str]  # every known item's description, deduplicated, shuffled
    zipf_queries: list[str]  # the Zipf mix's vocabulary of queries, most popular first
    zipf_weights: list[float]
    article_urls: list[str]  # every article page, shuffled
    article_ids: list[str]  # searchable article ids, for feedback
    notes: dict[str, Any] = field(default_factory=dict)


def _dedupe(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        key = " ".join(item.lower().split())
        if key and key not in seen:
            seen.add(key)
            out.append(item)
    return out


def make_query_sets(corpus: Corpus, eval_file: Path, zipf_size: int = 500, zipf_s: float = 1.0) -> QuerySets:
    rng = random.Random(SEED)
    shorten, rule = short_query_rule(corpus)
    by_path = corpus.by_path()
    known: list[KnownItem] = []
    dropped = 0
    with eval_file.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            item = json.loads(line)
            doc = by_path.get(item["target"])
            if doc is None or doc.noindex:  # not findable by either system: excluded, as eval does
                dropped += 1
                continue
            known.append(KnownItem(long=item["query"], short=shorten(doc.title), target=item["target"]))
    searchable = [d for d in corpus.docs if not d.noindex]
    distinct_short = _dedupe([shorten(d.title) for d in searchable])
    rng.shuffle(distinct_short)
    distinct_long = _dedupe([k.long for k in known])
    rng.shuffle(distinct_long)
    # The Zipf vocabulary: a seeded sample of short queries; rank r is asked with weight 1/r^s.
    zipf_queries = rng.sample(distinct_short, min(zipf_size, len(distinct_short)))
    zipf_weights = [1.0 / (rank ** zipf_s) for rank in range(1, len(zipf_queries) + 1)]
    article_urls = [d.url for d in corpus.docs]
    rng.shuffle(article_urls)
    article_ids = [d.id for d in searchable]
    rng.shuffle(article_ids)
    return QuerySets(
        short_rule=rule,
        known=known,
        distinct_short=distinct_short,
        distinct_long=distinct_long,
        zipf_queries=zipf_queries,
        zipf_weights=zipf_weights,
        article_urls=article_urls,
        article_ids=article_ids,
        notes={"known_items_excluded": dropped, "zipf_s": zipf_s},
    )
