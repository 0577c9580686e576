"""What the dashboard's pages show: the cached figures of a year, with their charts and date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from maillage.core.models import Territory
from maillage.dashboard import charts, figures, services
from maillage.dashboard.models import FigureSnapshot


def snapshot(territory: Territory, year: int, *, today: dt.date | None = None) -> FigureSnapshot:
    """The kept figures of the year (computed once by the first visit when none are kept or they are older
    than a day: `services.figures_for_visit`; the periodic job normally keeps them fresh)."""
    return services.figures_for_visit(territory=territory, year=year, today=today)


def year_choices(today: dt.date | None = None) -> list[tuple[str, str]]:
    today = today or timezone.localdate()
    return [("", "Toutes les années, à ce jour")] + [
        (str(y), str(y)) for y in reversed(figures.shown_years(today))
    ]


def sections_of(found: FigureSnapshot, *, full: bool) -> list[dict[str, Any]]:
    sections = []
    for section in found.data.get("sections", []):
        if section.get("animation_only") and not full:
            continue
        shown = dict(section)
        shown["svg"] = charts.bar_chart(section) if section.get("chart") else ""
        shown["display_rows"] = [
            [row[0], *(charts.number(v) if isinstance(v, (int, float)) or v is None else v for v in row[1:])]
            for row in section["rows"]
        ]
        shown["display_total"] = charts.number(section["total"]) if "total" in section else ""
        sections.append(shown)
    return sections


def figures_context(territory: Territory, year: int, *, full: bool) -> dict[str, Any]:
    found = snapshot(territory, year)
    sections = sections_of(found, full=full)
    return {
        "snapshot": found,
        "sections": sections,
        "year": year,
        "year_param": f"?annee={year}" if year else "",
        "headline": {s["key"]: s for s in sections},
        "full": full,
    }


def section_or_none(territory: Territory, year: int, key: str, *, full: bool) -> dict[str, Any] | None:
    for section in snapshot(territory, year).data.get("sections", []):
        if section["key"] == key and (full or not section.get("animation_only")):
            return section
    return None
