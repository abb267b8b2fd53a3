"""Near-duplicate articles: found once per build with MinHash, folded at query time.

Help collections often keep several copies of a page (a 2015 and a 2019
edition, per-country pages from one template). Search shows the best-ranked
copy and folds the rest under it; related articles skip them.
"""

from __future__ import annotations

import functools
import re
from collections import Counter

import numpy as np
from datasketch import MinHash, MinHashLSH

THRESHOLD = 0.85  # estimated Jaccard similarity of word 3-shingles
NUM_PERM = 64
# Stated explicitly: stored signatures are only comparable with ones made the same way.
SCHEME = "affine64"
MAX_WORDS = 3000
_WORD_RE = re.compile(r"\w+", re.UNICODE)


def _shingles(text: str) -> set[bytes]:
    tokens = _WORD_RE.findall(text.lower())[:MAX_WORDS]
    if len(tokens) < 3:
        return {" ".join(tokens).encode("utf-8")}
    return {" ".join(tokens[i:i + 3]).encode("utf-8") for i in range(len(tokens) - 2)}


@functools.lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    return MinHash(num_perm=NUM_PERM, seed=7, scheme=SCHEME).permutations


def signature(text: str) -> np.ndarray:
    """A MinHash signature of a text's word 3-shingles; kept per build so updates need not redo them all."""
    minhash = MinHash(num_perm=NUM_PERM, seed=7, scheme=SCHEME, permutations=_permutations())
    minhash.update_batch(list(_shingles(text)))
    return minhash.hashvalues.astype(np.uint64)


def near_duplicate_groups(signatures: dict[str, np.ndarray]) -> dict[str, str]:
    """Maps each key that has near-duplicates to its group's id (the smallest key in the group)."""
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    # Making permutations is the slow part of a MinHash: make them once and share them.
    permutations = _permutations()
    hashes = {
        key: MinHash(num_perm=NUM_PERM, seed=7, scheme=SCHEME, hashvalues=values, permutations=permutations)
        for key, values in signatures.items()
    }
    for key, minhash in hashes.items():
        lsh.insert(key, minhash)
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.get(key, key) != key:
            key = parent[key]
        return key

    for key, minhash in hashes.items():
        for other in lsh.query(minhash):
            if other != key and minhash.jaccard(hashes[other]) >= THRESHOLD:
                a, b = root(key), root(other)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    roots = {key: root(key) for key in hashes}
    sizes = Counter(roots.values())
    return {key: top for key, top in roots.items() if sizes[top] > 1}
