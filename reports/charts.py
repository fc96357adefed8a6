"""Charts as inline SVG, drawn on the server: no script, no external service, printable.

Pure functions of numbers and labels (no Django import besides escaping), each returning SVG
markup with a title and a description for screen readers. Colours come from CSS classes
(``fill-<status>``), and every chart sits next to a table or legend giving the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

#: The colours of the CSS classes, repeated as attributes so that a chart drawn outside the page
#: (the PDF edition of a summary) keeps them; on the page the stylesheet's classes win.
FILLS = {
    "not_started": "#cbd2d9",
    "in_progress": "#3b82f6",
    "on_hold": "#f59e0b",
    "completed": "#16a34a",
    "cancelled": "#9ca3af",
    "superseded": "#a855f7",
    "overdue": "#dc2626",
    "on_track": "#16a34a",
    "at_risk": "#f59e0b",
    "off_track": "#dc2626",
    "not_assessed": "#e4e7eb",
    "accent": "#0b4f8a",
    "updates": "#9fb3c8",
}


#: Axis labels outside the page: small grey type (the stylesheet's ``.chart text`` on the page).
_TEXT = 'font-size="11" fill="#52606d"'


def _fill(key: str) -> str:
    return f'class="fill-{escape(key)}" fill="{FILLS.get(key, "#52606d")}"'


@dataclass(frozen=True)
class Segment:
    key: str  # CSS class suffix: fill-<key>
    label: str
    value: int


def _svg(width: int, height: int, title: str, desc: str, body: list[str]) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>" + "".join(body) + "</svg>"
    )


def stacked_bar(segments: Sequence[Segment], *, title: str, width: int = 600) -> str:
    """One horizontal bar split by segment, each part labelled with its count when wide enough."""
    height = 36
    total = sum(s.value for s in segments)
    desc = ", ".join(f"{s.label}: {s.value}" for s in segments)
    body: list[str] = []
    if total == 0:
        body.append(f'<rect x="0" y="4" width="{width}" height="28" class="fill-not_assessed"/>')
        return _svg(width, height, title, desc or title, body)
    x = 0.0
    for segment in segments:
        if segment.value == 0:
            continue
        part = width * segment.value / total
        body.append(
            f'<rect x="{x:.1f}" y="4" width="{part:.1f}" height="28" '
            f"{_fill(segment.key)}><title>{escape(segment.label)}: "
            f"{segment.value}</title></rect>"
        )
        if part >= 24:
            body.append(
                f'<text x="{x + part / 2:.1f}" y="23" text-anchor="middle" '
                f'class="value-label">{segment.value}</text>'
            )
        x += part
    return _svg(width, height, title, desc, body)


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    values: Sequence[int]


def columns(
    categories: Sequence[str], series: Sequence[Series], *, title: str, width: int = 640
) -> str:
    """Grouped columns per category (e.g. months), with a y axis from zero to a round maximum."""
    height, top, bottom, left = 220, 12, 34, 30
    plot_h = height - top - bottom
    plot_w = width - left - 8
    peak = max([1, *(v for s in series for v in s.values)])
    step = _nice_step(peak)
    y_max = step * -(-peak // step)
    body: list[str] = []
    for tick in range(0, y_max + 1, step):
        y = top + plot_h - plot_h * tick / y_max
        body.append(
            f'<line x1="{left}" x2="{width - 8}" y1="{y:.1f}" y2="{y:.1f}" class="axis" '
            f'stroke="#e4e7eb"/>'
        )
        body.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" {_TEXT}>{tick}</text>')
    group_w = plot_w / max(1, len(categories))
    bar_w = max(2.0, (group_w - 6) / max(1, len(series)))
    for index, category in enumerate(categories):
        gx = left + index * group_w + 3
        for number, serie in enumerate(series):
            value = serie.values[index]
            bar_h = plot_h * value / y_max
            x = gx + number * bar_w
            y = top + plot_h - bar_h
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 1:.1f}" height="{bar_h:.1f}" '
                f"{_fill(serie.key)}><title>{escape(category)} – "
                f"{escape(serie.label)}: {value}</title></rect>"
            )
            if value:
                body.append(
                    f'<text x="{x + (bar_w - 1) / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" '
                    f'class="value-label" {_TEXT}>{value}</text>'
                )
        body.append(
            f'<text x="{gx + (group_w - 6) / 2:.1f}" y="{height - bottom + 16}" '
            f'text-anchor="middle" {_TEXT}>{escape(category)}</text>'
        )
    desc = "; ".join(
        f"{serie.label}: "
        + ", ".join(f"{c} {v}" for c, v in zip(categories, serie.values, strict=True))
        for serie in series
    )
    return _svg(width, height, title, desc, body)


def _nice_step(peak: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if peak / step <= 5:
            return step
    return 10 ** len(str(peak))
