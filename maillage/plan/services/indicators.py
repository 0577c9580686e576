"""Indicators and their measurements: entered by hand, or computed daily from a registry metric."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from maillage.core.actors import Actor
from maillage.core.models import Territory
from maillage.core.registry import registry
from maillage.plan.models import Indicator, Measurement, Node
from maillage.plan.permissions import check_animator
from maillage.plan.services._common import person, record_history
from maillage.plan.values import MAX_VALUE, parse_value

# --- indicators --------------------------------------------------------------------------------------


def _check_indicator(title: str, metric_key: str, *values: Decimal | None) -> None:
    if not title.strip():
        raise ValidationError({"title": "Donnez un intitulé à l'indicateur."})
    if metric_key and metric_key not in registry.metrics:
        raise ValidationError(
            {"metric_key": f"Ce calcul automatique n'existe pas sur la plateforme : « {metric_key} »."}
        )
    numbers = [Decimal(str(v)) for v in values if v is not None]
    if any(not v.is_finite() or abs(v) >= MAX_VALUE for v in numbers):
        raise ValidationError({"target": "La valeur de départ et la cible sont des nombres raisonnables."})


@transaction.atomic
def add_indicator(
    *,
    actor: Actor,
    node: Node,
    title: str,
    unit: str = "",
    baseline: Decimal | None = None,
    target: Decimal | None = None,
    target_date: dt.date | None = None,
    metric_key: str = "",
) -> Indicator:
    check_animator(actor, node.version.contract.territory)
    _check_indicator(title, metric_key, baseline, target)
    indicator = Indicator(
        node=node,
        title=title.strip(),
        unit=unit.strip(),
        baseline=baseline,
        target=target,
        target_date=target_date,
        metric_key=metric_key,
        position=node.indicators.count() + 1,
    )
    record_history(indicator, actor, "Indicateur ajouté")
    indicator.save()
    return indicator


@transaction.atomic
def update_indicator(
    *,
    actor: Actor,
    indicator: Indicator,
    title: str,
    unit: str = "",
    baseline: Decimal | None = None,
    target: Decimal | None = None,
    target_date: dt.date | None = None,
    metric_key: str = "",
) -> Indicator:
    """Change an indicator. Its measurements stay (those computed before a change of `metric_key` too)."""
    check_animator(actor, indicator.node.version.contract.territory)
    _check_indicator(title, metric_key, baseline, target)
    indicator.title, indicator.unit = title.strip(), unit.strip()
    indicator.baseline, indicator.target, indicator.target_date = baseline, target, target_date
    indicator.metric_key = metric_key
    record_history(indicator, actor, "Indicateur modifié")
    indicator.save()
    return indicator


def _check_measurement(
    date: dt.date | None, value: Any, was: dt.date | None = None
) -> tuple[dt.date, Decimal]:
    if date is None:
        raise ValidationError({"date": "Une mesure a une date."})
    if date != was and date > timezone.localdate():
        raise ValidationError({"date": "Une mesure ne peut pas être datée dans le futur."})
    if value is None or str(value).strip() == "":
        raise ValidationError({"value": "Une mesure a une valeur."})
    try:
        return date, parse_value(value)
    except ValidationError:
        raise ValidationError({"value": "La valeur est un nombre."}) from None


@transaction.atomic
def record_measurement(
    *, actor: Actor, indicator: Indicator, date: dt.date | None, value: Any, note: str = ""
) -> Measurement:
    """A measurement entered by hand."""
    check_animator(actor, indicator.node.version.contract.territory)
    day, number = _check_measurement(date, value)
    measurement = Measurement(
        indicator=indicator,
        date=day,
        value=number,
        source=Measurement.Source.MANUAL,
        note=note.strip()[:300],
        recorded_by=person(actor),
    )
    record_history(measurement, actor, "Mesure saisie")
    measurement.save()
    return measurement


@transaction.atomic
def update_measurement(
    *, actor: Actor, measurement: Measurement, date: dt.date | None, value: Any, note: str = ""
) -> Measurement:
    """Correct a measurement entered by hand (a computed one is the platform's: it is not edited)."""
    check_animator(actor, measurement.indicator.node.version.contract.territory)
    if measurement.source != Measurement.Source.MANUAL:
        raise ValidationError("Cette mesure est calculée par la plateforme : elle ne se modifie pas.")
    measurement.date, measurement.value = _check_measurement(date, value, was=measurement.date)
    measurement.note = note.strip()[:300]
    record_history(measurement, actor, "Mesure modifiée")
    measurement.save()
    return measurement


def metric_period(indicator: Indicator, today: dt.date) -> tuple[dt.date, dt.date]:
    """A computed indicator counts from the contract's start to `today`."""
    return (indicator.node.version.contract.starts_on, today)


@transaction.atomic
def compute_measurements(*, actor: Actor, territory: Territory, today: dt.date) -> int:
    """Record today's value of every computed indicator of the territory (once a day; a re-run updates).
    The platform's own figures: the actor is the system (the daily job, the demo) or the animation."""
    check_animator(actor, territory)
    count = 0
    indicators = (
        Indicator.objects.filter(node__version__contract__territory=territory, node__version__year=today.year)
        .exclude(metric_key="")
        .select_related("node__version__contract")
    )
    if not indicators:
        indicators = (
            Indicator.objects.filter(node__version__contract__territory=territory)
            .exclude(metric_key="")
            .select_related("node__version__contract")
        )
        latest = (
            indicators.order_by("-node__version__year").values_list("node__version__year", flat=True).first()
        )
        indicators = indicators.filter(node__version__year=latest) if latest else indicators.none()
    for indicator in indicators:
        metric = registry.metrics.get(indicator.metric_key)
        if metric is None:
            continue
        start, end = metric_period(indicator, today)
        value = Decimal(str(metric.compute(territory, start, end))).quantize(Decimal("0.01"))
        measurement = Measurement.objects.filter(
            indicator=indicator, date=today, source=Measurement.Source.COMPUTED
        ).first() or Measurement(indicator=indicator, date=today, source=Measurement.Source.COMPUTED)
        measurement.value, measurement.note = value, metric.label[:300]
        record_history(measurement, actor, "Mesure calculée")
        measurement.save()
        count += 1
    return count
