"""Charts drawn on the server as SVG: line charts, sparklines and bar charts.

No script draws them, so they show the same in a browser, a screenshot and a
page saved to disk. Colours are SVG presentation attributes (``fill``,
``stroke``), never inline ``style``, so the strict Content-Security-Policy
holds and a chart copied out of the page keeps its colours. Every chart has
a text title and description for screen readers; reports also print the
numbers in a table next to it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import count

from markupsafe import Markup, escape

PALETTE = ("#0b5cad", "#cf222e", "#1a7f37", "#8250df", "#bf8700")
KIND_COLOURS = {"yes": "#1a7f37", "no": "#cf222e", "": "#0b5cad"}
TEXT = "#1b1f24"
MUTED = "#57606a"
GRID = "#d0d7de"
_ids = count(1)


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]
    colour: str = ""
    # Optional (low, high) per point, drawn as a shaded band (e.g. a 95% interval).
    band: list[tuple[float, float] | None] = field(default_factory=list)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def nice_max(value: float) -> float:
    """The smallest 1, 2 or 5 × 10^n at or above ``value`` (so axes read in round numbers)."""
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        candidate = step * 10**exponent
        if candidate >= value:
            return float(candidate)
    return float(10 ** (exponent + 1))


def _label(value: float, percent: bool) -> str:
    if percent:
        return f"{value * 100:.0f}%"
    if value >= 1000:
        return f"{value / 1000:.1f}k".replace(".0k", "k")
    return _num(value)


def _open(width: int, height: int, title: str, description: str, css: str) -> tuple[str, list[str]]:
    ident = f"chart{next(_ids)}"
    head = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{escape(css)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{ident}-t {ident}-d" '
        'font-family="system-ui, sans-serif" font-size="11">',
        f'<title id="{ident}-t">{escape(title)}</title>',
        f'<desc id="{ident}-d">{escape(description)}</desc>',
    ]
    return ident, head


def line_chart(
    labels: list[str],
    series: list[Series],
    title: str,
    percent: bool = False,
    width: int = 640,
    height: int = 220,
) -> Markup:
    """A line chart over ``labels`` (one per x position); ``None`` values leave a gap."""
    left, right, top, bottom = 48, 12, 22, 26
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for s in series for v in s.values if v is not None]
    values += [b[1] for s in series for b in s.band if b is not None]
    # Counts get whole-number gridlines: a top that divides into 4 or 5 whole steps.
    counts = not percent and all(float(v).is_integer() for v in values)
    top_value = 1.0 if percent else nice_max(max([*values, 4.0] if counts else values, default=0.0))
    steps = 4 if not counts or top_value % 4 == 0 else 5
    n = len(labels)

    def x(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h - plot_h * min(v, top_value) / top_value

    summary = "; ".join(
        f"{s.name}: " + ", ".join(f"{labels[i]} {_label(v, percent)}" for i, v in enumerate(s.values) if v is not None)
        for s in series
    )
    _, out = _open(width, height, title, summary or "No data in this period.", "chart line-chart")
    for step in range(steps + 1):
        value = top_value * step / steps
        gy = y(value)
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{_num(gy)}" y2="{_num(gy)}" stroke="{GRID}" stroke-width="1"/>')
        out.append(f'<text x="{left - 6}" y="{_num(gy + 4)}" text-anchor="end" fill="{MUTED}">{escape(_label(value, percent))}</text>')
    if n:
        shown = sorted({round(i * (n - 1) / 5) for i in range(6)}) if n > 6 else list(range(n))
        for i in shown:
            anchor = "start" if i == 0 and n > 1 else "end" if i == n - 1 and n > 1 else "middle"
            out.append(f'<text x="{_num(x(i))}" y="{height - 8}" text-anchor="{anchor}" fill="{MUTED}">{escape(labels[i])}</text>')
    legend_x = left
    for index, s in enumerate(series):
        colour = s.colour or PALETTE[index % len(PALETTE)]
        if s.band and any(b is not None for b in s.band):
            for run in _runs([(i, b) for i, b in enumerate(s.band) if b is not None]):
                upper = " ".join(f"{_num(x(i))},{_num(y(b[1]))}" for i, b in run)
                lower = " ".join(f"{_num(x(i))},{_num(y(b[0]))}" for i, b in reversed(run))
                out.append(f'<polygon points="{upper} {lower}" fill="{colour}" fill-opacity="0.15" stroke="none"/>')
        points = [(i, v) for i, v in enumerate(s.values) if v is not None]
        for run in _runs(points):
            path = " ".join(f"{_num(x(i))},{_num(y(v))}" for i, v in run)
            out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2" stroke-linejoin="round"/>')
        if len(points) <= 60:
            for i, v in points:
                out.append(f'<circle cx="{_num(x(i))}" cy="{_num(y(v))}" r="2.5" fill="{colour}"/>')
        out.append(f'<rect x="{legend_x}" y="6" width="10" height="10" fill="{colour}"/>')
        out.append(f'<text x="{legend_x + 14}" y="15" fill="{TEXT}">{escape(s.name)}</text>')
        legend_x += 24 + 7 * len(s.name)
    if not values:
        out.append(f'<text x="{left + plot_w / 2}" y="{top + plot_h / 2}" text-anchor="middle" fill="{MUTED}">No data in this period</text>')
    out.append("</svg>")
    return Markup("".join(out))


def _runs(points: list[tuple[int, object]]) -> list[list[tuple[int, object]]]:
    """Consecutive runs of x positions, so a missing value breaks the line instead of bridging it."""
    runs: list[list[tuple[int, object]]] = []
    for point in points:
        if runs and runs[-1][-1][0] == point[0] - 1:
            runs[-1].append(point)
        else:
            runs.append([point])
    return runs


def sparkline(values: list[float], title: str, width: int = 96, height: int = 24) -> Markup:
    """A tiny trend line with no axes; the last value is marked."""
    _, out = _open(width, height, title, ", ".join(_num(v) for v in values) or "no data", "chart sparkline")
    if values:
        top_value = max(values) or 1.0
        n = len(values)
        pad = 3

        def x(i: int) -> float:
            return pad + ((width - 2 * pad) * i / (n - 1) if n > 1 else (width - 2 * pad) / 2)

        def y(v: float) -> float:
            return height - pad - (height - 2 * pad) * v / top_value

        path = " ".join(f"{_num(x(i))},{_num(y(v))}" for i, v in enumerate(values))
        out.append(f'<polyline points="{path}" fill="none" stroke="{PALETTE[0]}" stroke-width="1.5" stroke-linejoin="round"/>')
        out.append(f'<circle cx="{_num(x(n - 1))}" cy="{_num(y(values[-1]))}" r="2" fill="{PALETTE[0]}"/>')
    out.append("</svg>")
    return Markup("".join(out))


def bar_chart(items: list[tuple[str, float, str]], title: str, width: int = 560, bar_height: int = 20) -> Markup:
    """Horizontal bars: (label, value, kind) where kind "yes"/"no" picks green or red."""
    label_w, value_w, gap = 200, 48, 6
    height = max(1, len(items)) * (bar_height + gap) + gap
    description = ", ".join(f"{label}: {_num(value)}" for label, value, _ in items) or "No data in this period."
    _, out = _open(width, height, title, description, "chart bar-chart")
    top_value = max((v for _, v, _ in items), default=0.0) or 1.0
    plot_w = width - label_w - value_w
    for row, (label, value, kind) in enumerate(items):
        y = gap + row * (bar_height + gap)
        w = plot_w * value / top_value
        colour = KIND_COLOURS.get(kind, PALETTE[0])
        out.append(f'<text x="{label_w - 8}" y="{y + bar_height * 0.7:.1f}" text-anchor="end" fill="{TEXT}">{escape(label)}</text>')
        out.append(f'<rect x="{label_w}" y="{y}" width="{max(w, 1):.1f}" height="{bar_height}" fill="{colour}" rx="2"/>')
        out.append(f'<text x="{label_w + w + 6:.1f}" y="{y + bar_height * 0.7:.1f}" fill="{TEXT}">{escape(_num(value))}</text>')
    if not items:
        out.append(f'<text x="{width / 2}" y="{height / 2 + 4}" text-anchor="middle" fill="{MUTED}">No data in this period</text>')
    out.append("</svg>")
    return Markup("".join(out))
