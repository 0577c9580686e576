"""Accessible SVG bar charts, drawn on the server (no script): a titled `role="img"` with a description
that states the largest values; the page prints the same figures as a table beside it."""

from __future__ import annotations

from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MAX_BARS = 15
BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 260
BAR_WIDTH = 300
VALUE_WIDTH = 80


def number(value: Any) -> str:
    """A figure in French: thin-space thousands, decimal comma; « n.d. » when unavailable."""
    if value is None:
        return "n.d."
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}".replace(",", "\u202f").replace(".", ",")
    return f"{int(value):,}".replace(",", "\u202f")


def _bars(section: dict) -> list[tuple[str, float]]:
    column = section.get("value_column", 1)
    bars = [(str(row[0]), float(row[column] or 0)) for row in section["rows"]]
    if len(bars) > MAX_BARS:
        rest = sum(value for _, value in bars[MAX_BARS - 1 :])
        bars = [*bars[: MAX_BARS - 1], (f"Autres ({len(bars) - MAX_BARS + 1})", rest)]
    return bars


def _short(label: str, limit: int = 38) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(section: dict) -> SafeString:
    """The section's value column as horizontal bars (empty string when there is nothing to draw)."""
    bars = _bars(section)
    if not bars or not any(value for _, value in bars):
        return mark_safe("")
    top = max(value for _, value in bars) or 1
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    height = len(bars) * (BAR_HEIGHT + GAP) + GAP
    key = escape(section["key"])
    headers = section["headers"]
    unit = headers[section.get("value_column", 1)] if headers else ""
    biggest = sorted(bars, key=lambda b: -b[1])[:3]
    desc = (
        "Diagramme en barres, "
        + escape(unit.lower())
        + " : "
        + "; ".join(f"{escape(label)} {number(value)}" for label, value in biggest)
        + (" (les plus grandes valeurs ; le tableau donne toutes les données)." if len(bars) > 3 else ".")
    )
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="chart-{key}-title chart-{key}-desc" xmlns="http://www.w3.org/2000/svg" '
        f'preserveAspectRatio="xMinYMin meet">',
        f'<title id="chart-{key}-title">{escape(section["title"])}</title>',
        f'<desc id="chart-{key}-desc">{desc}</desc>',
    ]
    for index, (label, value) in enumerate(bars):
        y = GAP + index * (BAR_HEIGHT + GAP)
        length = max(1.0, BAR_WIDTH * value / top) if value else 0
        text_y = y + BAR_HEIGHT * 0.7
        parts.append(
            f'<g><text class="chart-label" x="{LABEL_WIDTH - 8}" y="{text_y:.1f}" text-anchor="end">'
            f"{escape(_short(label))}</text>"
            f'<rect class="chart-bar" x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" '
            f'rx="2"></rect>'
            f'<text class="chart-value" x="{LABEL_WIDTH + length + 6:.1f}" y="{text_y:.1f}">'
            f"{number(value)}</text></g>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text above is escaped
