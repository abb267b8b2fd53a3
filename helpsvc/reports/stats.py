"""The statistics reports rest on: Wilson intervals, before/after verdicts, time buckets.

Helpfulness is ranked by the lower bound of the Wilson score interval, not the
raw share of Yes votes: 3 Yes out of 3 is not better evidence than 180 out of
200. The same intervals drive the "did my edit help?" verdict, which says
plainly when there are too few votes to tell.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from ..locale import N_


Z95 = 1.959963984540054
# Below this many votes on either side, a before/after comparison says "too few votes to tell".
MIN_VOTES_TO_TELL = 20
# An article needs attention when it has enough votes and we are 95% sure most readers are not helped.
ATTENTION_MIN_VOTES = 10
ATTENTION_BELOW = 0.6


def wilson_interval(yes: int, total: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for a share of ``yes`` out of ``total``; (0, 1) when nothing is known."""
    if total <= 0:
        return 0.0, 1.0
    if not 0 <= yes <= total:
        raise ValueError(f"yes={yes} must be between 0 and total={total}")
    p = yes / total
    z2 = z * z
    denominator = 1 + z2 / total
    centre = (p + z2 / (2 * total)) / denominator
    margin = z * math.sqrt(p * (1 - p) / total + z2 / (4 * total * total)) / denominator
    return max(0.0, centre - margin), min(1.0, centre + margin)


def wilson_lower_bound(yes: int, total: int, z: float = Z95) -> float:
    return wilson_interval(yes, total, z)[0]


@dataclass(frozen=True)
class Helpfulness:
    yes: int
    no: int

    @property
    def votes(self) -> int:
        return self.yes + self.no

    @property
    def share(self) -> float | None:
        return self.yes / self.votes if self.votes else None

    @property
    def interval(self) -> tuple[float, float]:
        return wilson_interval(self.yes, self.votes)

    @property
    def score(self) -> float:
        """The rank key: the Wilson lower bound."""
        return self.interval[0]

    @property
    def needs_attention(self) -> bool:
        return self.votes >= ATTENTION_MIN_VOTES and self.interval[1] < ATTENTION_BELOW

    def as_json(self) -> dict[str, Any]:
        low, high = self.interval
        return {
            "yes": self.yes,
            "no": self.no,
            "votes": self.votes,
            "helpful": None if self.share is None else round(self.share, 4),
            "score": round(low, 4),
            "low": round(low, 4),
            "high": round(high, 4),
        }


def compare(before: Helpfulness, after: Helpfulness) -> dict[str, Any]:
    """Did helpfulness change between two revisions? A difference with a 95% interval and a plain verdict.

    The interval for the difference of two shares is Newcombe's hybrid score
    interval, built from the two Wilson intervals.
    """
    result: dict[str, Any] = {"before": before.as_json(), "after": after.as_json()}
    if before.votes < MIN_VOTES_TO_TELL or after.votes < MIN_VOTES_TO_TELL:
        result.update(
            verdict="too-few-votes",
            difference=None,
            low=None,
            high=None,
            message=N_(
                "Too few votes to tell: each revision needs at least %(needed)s votes (before: %(before)s, after: %(after)s).",
                needed=MIN_VOTES_TO_TELL, before=before.votes, after=after.votes,
            ),
        )
        return result
    p1, p2 = before.share or 0.0, after.share or 0.0
    l1, u1 = before.interval
    l2, u2 = after.interval
    difference = p2 - p1
    low = difference - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2)
    high = difference + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)
    said = {"before": f"{p1:.0%}", "after": f"{p2:.0%}", "low": _points(low), "high": _points(high)}
    if low > 0:
        verdict, message = "better", N_(
            "Helpfulness went up from %(before)s to %(after)s (between %(low)s and %(high)s points, 95%% confidence).", **said)
    elif high < 0:
        verdict, message = "worse", N_(
            "Helpfulness went down from %(before)s to %(after)s (between %(low)s and %(high)s points, 95%% confidence).", **said)
    else:
        verdict, message = "no-clear-change", N_(
            "No clear change: %(before)s before, %(after)s after; the difference is within what chance alone could give "
            "(between %(low)s and %(high)s points, 95%% confidence).", **said)
    result.update(verdict=verdict, difference=round(difference, 4), low=round(low, 4), high=round(high, 4), message=message)
    return result


def _points(value: float) -> str:
    return f"{value * 100:+.0f}"


# ---------------------------------------------------------------- periods


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def buckets(since: dt.date, until: dt.date, unit: str) -> list[dt.date]:
    """The first day of every day or week (Monday) bucket touching the period."""
    if unit not in {"day", "week"}:
        raise ValueError(f"unknown bucket {unit!r}")
    step = dt.timedelta(days=1 if unit == "day" else 7)
    current = since if unit == "day" else week_start(since)
    out = []
    while current <= until:
        out.append(current)
        current += step
    return out


def bucket_of(day: str, unit: str) -> str:
    date = dt.date.fromisoformat(day)
    return (date if unit == "day" else week_start(date)).isoformat()
