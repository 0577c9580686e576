"""How the territory's figures are computed (`compute_sections`), from live data.

The directory's breakdowns read the published structures of the territory (the `actors` layer, below this
one); the charter, the agenda and every other module reach the dashboard through the registry's metrics
(`registry.metrics`), so a module that lands adds its figures here without a line of this app changing.

A section is a plain dict (kept as JSON in a snapshot): key, title, headers, rows, the column the chart
draws (`value_column`), the unit and the method in words.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db.models import Count
from django.utils.text import capfirst

from maillage.actors import taxonomy
from maillage.actors.models import Structure, StructureSector
from maillage.core.models import Territory
from maillage.core.registry import Metric, registry

logger = logging.getLogger(__name__)

YEARS_SHOWN = 6  # the per-year tables cover the current year and the five before it

# Estimated jobs: each INSEE workforce band counts for the middle of its range (the open top band for its
# floor); « non renseigné » and « 0 salarié » count for nothing.
BAND_MIDPOINTS: dict[str, float] = {
    "NN": 0,
    "00": 0,
    "01": 1.5,
    "02": 4,
    "03": 7.5,
    "11": 14.5,
    "12": 34.5,
    "21": 74.5,
    "22": 149.5,
    "31": 224.5,
    "32": 374.5,
    "41": 749.5,
    "42": 1499.5,
    "51": 3499.5,
    "52": 7499.5,
    "53": 10000,
}
JOBS_METHOD = (
    "Estimation : chaque structure compte pour le milieu de sa tranche d'effectif salarié (Insee, répertoire "
    "Sirene) — par exemple 4 emplois pour « 3 à 5 salariés », 14,5 pour « 10 à 19 salariés », 10 000 pour "
    "« 10 000 salariés et plus ». Les structures sans tranche renseignée ou sans salarié ne comptent pas. "
    "C'est un ordre de grandeur, pas un décompte des emplois."
)
METRIC_GROUPS = {
    # metric keys drawn together as one per-year table (the agenda)
    "events": ("events.events_held", "events.attendance"),
}


def year_span(year: int, today: dt.date) -> tuple[dt.date, dt.date]:
    if year:
        return dt.date(year, 1, 1), min(dt.date(year, 12, 31), today)
    return dt.date(2000, 1, 1), today


def shown_years(today: dt.date) -> list[int]:
    return list(range(today.year - YEARS_SHOWN + 1, today.year + 1))


def _structures(territory: Territory, year: int, today: dt.date):
    qs = Structure.objects.published(territory)
    if year:
        _, end = year_span(year, today)
        qs = qs.filter(created_at__date__lte=end)
    return qs


def _section(key: str, title: str, headers: list[str], rows: list[list[Any]], **extra: Any) -> dict:
    return {
        "key": key,
        "title": title,
        "headers": headers,
        "rows": rows,
        "value_column": extra.pop("value_column", 1),
        "unit": extra.pop("unit", "structures"),
        "method": extra.pop("method", ""),
        **extra,
    }


def _counted(rows: list[tuple[str, int]]) -> list[list[Any]]:
    return [[label, count] for label, count in sorted(rows, key=lambda r: (-r[1], r[0]))]


def structures_sections(territory: Territory, year: int, today: dt.date) -> list[dict]:
    structures = _structures(territory, year, today)
    when = f"au 31 décembre {year}" if year and year < today.year else "à ce jour"
    total = structures.count()
    families = {k: capfirst(str(label)) for k, label in Structure.Family.choices}
    by_family = structures.values_list("family").annotate(n=Count("id")).order_by()
    inclusion = structures.exclude(inclusion_kind="").values_list("inclusion_kind").annotate(n=Count("id"))
    sectors = (
        StructureSector.objects.filter(structure__in=structures.values("id"))
        .values_list("sector")
        .annotate(n=Count("structure_id"))
        .order_by()
    )
    communes = list(
        structures.values_list("commune__name", "commune__latitude", "commune__longitude")
        .annotate(n=Count("id"))
        .order_by()
    )
    bands = dict(structures.values_list("workforce_band").annotate(n=Count("id")).order_by())
    job_rows = []
    for code, label in taxonomy.WORKFORCE_BANDS.items():
        count = bands.get(code, 0) + (bands.get("", 0) if code == "NN" else 0)
        if count:
            job_rows.append([label, count, round(count * BAND_MIDPOINTS[code])])
    jobs_total = sum(row[2] for row in job_rows)
    return [
        _section(
            "familles",
            "Structures par famille de l'ESS",
            ["Famille", "Structures"],
            _counted([(families.get(k, k), n) for k, n in by_family]),
            method=f"Structures publiées dans l'annuaire {when} : {total} au total.",
            total=total,
        ),
        _section(
            "inclusion",
            "Structures inclusives par type",
            ["Type de structure inclusive", "Structures"],
            _counted(
                [
                    (taxonomy.INCLUSION_KINDS[k].label if k in taxonomy.INCLUSION_KINDS else k, n)
                    for k, n in inclusion
                ]
            ),
            method=f"Structures publiées {when} qui déclarent un type de structure inclusive.",
        ),
        _section(
            "secteurs",
            "Structures par secteur d'activité",
            ["Secteur", "Structures"],
            _counted([(taxonomy.SECTORS[k].label if k in taxonomy.SECTORS else k, n) for k, n in sectors]),
            method="Une structure active dans plusieurs secteurs compte dans chacun.",
        ),
        _section(
            "communes",
            "Structures par commune",
            ["Commune", "Structures"],
            _counted([(name or "Commune non renseignée", n) for name, _, _, n in communes]),
            method=f"Structures publiées {when}, par commune de leur adresse.",
            points=[
                {"name": name, "lat": lat, "lng": lng, "count": n}
                for name, lat, lng, n in communes
                if name and lat is not None and lng is not None
            ],
        ),
        _section(
            "emplois",
            "Emplois estimés selon la tranche d'effectif",
            ["Tranche d'effectif salarié", "Structures", "Emplois estimés"],
            job_rows,
            value_column=2,
            unit="emplois",
            method=JOBS_METHOD,
            total=jobs_total,
        ),
    ]


def safe_compute(metric: Metric, territory: Territory, start: dt.date, end: dt.date) -> float | int | None:
    """A module's metric, or None when it fails (the figure shows as unavailable; the error is logged)."""
    try:
        value = metric.compute(territory, start, end)
    except Exception:  # a module's metric must not take the whole dashboard down
        logger.exception("Indicateur %s : le calcul a échoué", metric.key)
        return None
    return value


def _per_year(territory: Territory, keys: tuple[str, ...], today: dt.date) -> list[list[Any]]:
    metrics = [registry.metrics[k] for k in keys]
    rows = []
    for y in shown_years(today):
        start, end = year_span(y, today)
        rows.append([str(y), *(safe_compute(m, territory, start, end) for m in metrics)])
    return rows


def yearly_sections(territory: Territory, today: dt.date) -> list[dict]:
    sections = []
    if "charter_signatories" in registry.metrics:
        sections.append(
            _section(
                "signataires",
                "Signataires de la charte, par année",
                ["Année", "Structures signataires"],
                _per_year(territory, ("charter_signatories",), today),
                method=str(registry.metrics["charter_signatories"].description),
            )
        )
    events = METRIC_GROUPS["events"]
    if all(k in registry.metrics for k in events):
        sections.append(
            _section(
                "rendez-vous",
                "Rendez-vous et participation, par année",
                ["Année", *(str(registry.metrics[k].label) for k in events)],
                _per_year(territory, events, today),
                value_column=2,
                unit="participations",
                method=str(registry.metrics["events.attendance"].description),
            )
        )
    return sections


def metrics_section(territory: Territory, year: int, today: dt.date) -> dict:
    """Every metric the modules registered, over the year (or every year up to today)."""
    start, end = year_span(year, today)
    rows = []
    for metric in sorted(registry.metrics.values(), key=lambda m: m.label):
        value = safe_compute(metric, territory, start, end)
        rows.append([str(metric.label), value, str(metric.unit), str(metric.description)])
    return _section(
        "indicateurs",
        "Indicateurs des modules" + (f" en {year}" if year else ", depuis le début"),
        ["Indicateur", "Valeur", "Unité", "Définition"],
        rows,
        unit="",
        chart=False,
        method="Chaque module de Maillage (agenda, charte, plan d'actions, achats, formations…) déclare ses "
        "indicateurs ; ils sont calculés sur les données du territoire pour la période.",
    )


def metrics_by_year_section(territory: Territory, today: dt.date) -> dict:
    """The animation's view: every metric, for each of the years shown."""
    years = shown_years(today)
    rows = []
    for metric in sorted(registry.metrics.values(), key=lambda m: m.label):
        values = [safe_compute(metric, territory, *year_span(y, today)) for y in years]
        rows.append([str(metric.label), *values])
    return _section(
        "indicateurs-par-annee",
        "Indicateurs des modules, année par année",
        ["Indicateur", *(str(y) for y in years)],
        rows,
        unit="",
        chart=False,
        animation_only=True,
    )


def compute_sections(territory: Territory, year: int, today: dt.date) -> list[dict]:
    sections = structures_sections(territory, year, today)
    sections += yearly_sections(territory, today)
    sections.append(metrics_section(territory, year, today))
    sections.append(metrics_by_year_section(territory, today))
    for section in sections:
        section.setdefault("chart", True)
        section.setdefault("animation_only", False)
    return sections
