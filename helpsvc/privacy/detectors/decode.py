"""The name tagger's best tag sequence: Viterbi over what the history features know.

Deciding word by word, left to right, the tagger cannot take back a "no": in "Will Turner
keeps getting signed out" the everyday word "Will" is judged before the surname that
makes it a name. Viterbi search weighs every tagging of the text at once, through the three history
states (no name before, a name, a name and then a joining word such as "and"), so a
listed given name is taken when the words after it make it one. Training
(``train_names``) still decides word by word: weights trained through this search
tagged fewer names on the dev sets than the word-by-word ones read through it.

A word that scores below zero in its place joins a name only if a name list has it and it
is written as the name around it is ("Will Turner", not "account holder Colm
Fitzgerald"): the search may pull a name's first word in, never an everyday word.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

# What ``history`` knows of the words before: no name, a name, or a name and then one word
# that is never a name ("heather and tom", "Marek i Ewa", "Anna und Jonas": names come in lists).
NONE, NAME, NAME_AND = 0, 1, 2
STATES = (NONE, NAME, NAME_AND)


def after(state: int, tagged: int | None) -> int:
    """The history state after a word: tagged 1 or 0, or None for a word that is never a name."""
    if tagged is None:
        return NAME_AND if state == NAME else NONE
    return tagged


# For each word: None (never a name), or (its score as a name word after each state, or None
# where it may not be one; whether it may join a name with a score below zero).
Step = tuple[Callable[[int], float], bool] | None


def best_path(steps: Sequence[Step]) -> tuple[list[int], list[int]]:
    """The tags (1 name, 0 not) that maximise the summed scores of the name words, and the
    history state each word was judged in. A word that may not be a name gets 0."""
    neg = float("-inf")
    score = [0.0, neg, neg]  # best total ending in each state
    back: list[tuple[int, int, int]] = []  # per word: the state each new state came from
    for step in steps:
        if step is None:
            new = [neg, neg, neg]
            came = [NONE, NONE, NONE]
            for s in STATES:
                t = after(s, None)
                if score[s] > new[t]:
                    new[t], came[t] = score[s], s
            back.append((came[0], came[1], came[2]))
            score = new
            continue
        of, pullable = step
        s0 = max(STATES, key=score.__getitem__)
        new = [score[s0], neg, neg]
        came = [s0, NONE, NONE]
        for s in STATES:
            if score[s] == neg:
                continue
            v = of(s)
            if v > 0 or pullable:
                if score[s] + v > new[NAME]:
                    new[NAME], came[NAME] = score[s] + v, s
        back.append((came[0], came[1], came[2]))
        score = new
    state = max(STATES, key=score.__getitem__)
    tags: list[int] = []
    seen: list[int] = []
    for k in range(len(steps) - 1, -1, -1):
        prev = back[k][state]
        tags.append(1 if steps[k] is not None and state == NAME else 0)
        seen.append(prev)
        state = prev
    tags.reverse()
    seen.reverse()
    return tags, seen
