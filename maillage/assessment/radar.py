"""The radar chart of a structure's scores, drawn as SVG on the server (no script): geometry only. The
template adds the title, the description and the data table beside it (the chart's accessible
alternative)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

SIZE = 420
CENTER = SIZE / 2
RADIUS = 140


@dataclass(frozen=True)
class Axis:
    key: str
    label: str
    x: float
    y: float
    label_x: float
    label_y: float
    anchor: str


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    points: str  # the polygon's « x,y x,y … »


def _point(index: int, count: int, value: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    r = RADIUS * max(0.0, min(100.0, value)) / 100
    return round(CENTER + r * math.cos(angle), 1), round(CENTER + r * math.sin(angle), 1)


def axes(themes: Sequence[tuple[str, str]]) -> list[Axis]:
    found = []
    count = len(themes)
    for i, (key, label) in enumerate(themes):
        x, y = _point(i, count, 100)
        lx, ly = _point(i, count, 118)
        anchor = "middle" if abs(lx - CENTER) < 10 else ("start" if lx > CENTER else "end")
        found.append(Axis(key=key, label=label, x=x, y=y, label_x=lx, label_y=ly + 4, anchor=anchor))
    return found


def rings(themes: Sequence[tuple[str, str]]) -> list[str]:
    count = len(themes)
    return [
        " ".join(f"{x},{y}" for x, y in (_point(i, count, level) for i in range(count)))
        for level in (25, 50, 75, 100)
    ]


def series(
    key: str, label: str, themes: Sequence[tuple[str, str]], scores: Mapping[str, float]
) -> Series | None:
    """A polygon, or None when a theme has no score (a partial polygon would mislead)."""
    if not themes or any(t not in scores for t, _ in themes):
        return None
    count = len(themes)
    points = " ".join(f"{x},{y}" for x, y in (_point(i, count, scores[t]) for i, (t, _) in enumerate(themes)))
    return Series(key=key, label=label, points=points)


def short_label(label: str) -> str:
    """The radar's axis label: the theme's first words (the table beside gives the full label)."""
    words = label.split()
    out = ""
    for word in words:
        if len(out) + len(word) > 18:
            return out + "…"
        out = f"{out} {word}".strip()
    return out
