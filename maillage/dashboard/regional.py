"""The regional view (`/territoires/`): the instance's active territories, a link to each, and their figures
side by side with the sum, computed through the registry's metrics (the dashboard imports no feature app).

Counts add records, not distinct structures: a structure present on two territories has one record on
each (ADR 0002), and the page says so."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from maillage.core.models import Territory
from maillage.core.registry import registry
from maillage.dashboard import charts
from maillage.dashboard.figures import safe_compute, year_span

# The figures compared across territories, in this order (skipped when a module is not installed).
REGIONAL_METRICS = (
    "actors.structures_published",
    "charter_signatories",
    "events.events_held",
    "events.attendance",
    "plan.actions_done",
)
CACHE_SECONDS = 15 * 60


def _compute(year: int, today: dt.date) -> dict[str, Any]:
    territories = list(Territory.objects.active().order_by("name"))
    metrics = [registry.metrics[k] for k in REGIONAL_METRICS if k in registry.metrics]
    start, end = year_span(year, today)
    rows: list[list[Any]] = []
    totals: list[float | int | None] = [0] * len(metrics)
    for territory in territories:
        values = [safe_compute(metric, territory, start, end) for metric in metrics]
        rows.append([territory.name, *values])
        totals = [None if t is None or v is None else t + v for t, v in zip(totals, values, strict=True)]
    return {
        "territories": [
            {"name": t.name, "contract": t.contract_name, "url": t.canonical_url, "tagline": t.tagline}
            for t in territories
        ],
        "headers": ["Territoire", *(str(m.label) for m in metrics)],
        "rows": rows,
        "totals": totals,
    }


def regional_context(year: int = 0, *, today: dt.date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    key = f"dashboard:regional:{year}:{today.isoformat()}"
    data = cache.get(key)
    if data is None:
        data = _compute(year, today)
        cache.set(key, data, CACHE_SECONDS)
    chart_section = {
        "key": "structures-par-territoire",
        "title": "Structures publiées par territoire",
        "headers": data["headers"][:2],
        "rows": [row[:2] for row in data["rows"]],
    }
    return {
        **data,
        "display_rows": [[row[0], *(charts.number(v) for v in row[1:])] for row in data["rows"]],
        "display_totals": [charts.number(v) for v in data["totals"]],
        "chart": charts.bar_chart(chart_section) if len(data["headers"]) > 1 else "",
        "year": year,
    }
