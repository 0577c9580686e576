"""/api/v1/chiffres: the figures every module declares (the registry's metrics, those of the public « Chiffres
clés » page), computed for the territory over a year. Through the registry: the api app imports no feature
app and not the dashboard."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.cache import cache
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from maillage.core.api_lists import PageParams, keyset_sorted, page_of
from maillage.core.registry import Metric, registry

logger = logging.getLogger(__name__)
router = Router(tags=["chiffres"])


class FigureOut(Schema):
    key: str
    label: str
    unit: str
    description: str
    year: int | None = None
    value: float | None = None  # null: the module's computation failed (it is logged)


class FigureFilters(PageParams):
    annee: int = Field(
        0, ge=0, le=2100, description="l'année (0 : depuis le début ; par défaut l'année en cours)"
    )


def _span(year: int, today: dt.date) -> tuple[dt.date, dt.date]:
    if year:
        return dt.date(year, 1, 1), min(dt.date(year, 12, 31), today)
    return dt.date(2000, 1, 1), today


CACHE_SECONDS = 600  # the public page's figures are recomputed as rarely


def _value(metric: Metric, territory, start: dt.date, end: dt.date) -> float | None:
    key = f"api:figure:{territory.pk}:{metric.key}:{start}:{end}"
    found = cache.get(key)
    if found is not None:
        return found["v"]
    try:
        value = float(metric.compute(territory, start, end))
    except Exception:  # one module's figure must not take the others down
        logger.exception("Chiffre %s : le calcul a échoué", metric.key)
        return None
    cache.set(key, {"v": value}, CACHE_SECONDS)
    return value


@router.get(
    "/chiffres",
    response=page_of(FigureOut),
    summary="Les chiffres clés des modules",
    description="Chaque indicateur que déclarent les modules (agenda, charte, appels à projets, achats, "
    "formations…), calculé sur les données publiques du territoire pour l'année `annee` (l'année en cours "
    "par défaut, 0 depuis le début). Par identifiant d'indicateur.",
)
def list_figures(request, filters: Query[FigureFilters]):
    today = timezone.localdate()
    year = filters.annee if "annee" in request.GET else today.year
    page = keyset_sorted(list(registry.metrics.values()), key=lambda m: m.key, params=filters, salt="figures")
    start, end = _span(year, today)
    page["items"] = [
        {
            "key": m.key,
            "label": str(m.label),
            "unit": str(m.unit),
            "description": str(m.description),
            "year": year or None,
            "value": _value(m, request.territory, start, end),
        }
        for m in page["items"]
    ]
    return page
