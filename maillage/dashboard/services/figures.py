"""Writes of the dashboard: computing the territory's figures and keeping them (a snapshot per year)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from maillage.core.actors import Actor
from maillage.core.models import Territory
from maillage.dashboard import figures
from maillage.dashboard.models import FigureSnapshot
from maillage.dashboard.permissions import require_animator

FIRST_YEAR = 2000


def check_year(year: int, today: dt.date) -> int:
    if year and not FIRST_YEAR <= year <= today.year:
        raise ValidationError(
            f"L'année {year} n'est pas disponible : choisissez une année entre {FIRST_YEAR} et {today.year}."
        )
    return year


@transaction.atomic
def refresh_figures(
    *, actor: Actor, territory: Territory, year: int = 0, today: dt.date | None = None
) -> FigureSnapshot:
    """Compute the territory's figures for `year` (0: up to today) and keep them with the date."""
    require_animator(actor, territory)
    today = today or timezone.localdate()
    check_year(year, today)
    sections = figures.compute_sections(territory, year, today)
    snapshot, _ = FigureSnapshot.objects.update_or_create(
        territory=territory,
        year=year,
        defaults={"data": {"sections": sections, "today": today.isoformat()}, "computed_at": timezone.now()},
    )
    return snapshot


def refresh_all(*, actor: Actor, today: dt.date | None = None) -> int:
    """The periodic job: the figures of every active territory, to date and for the current year, plus
    every year already kept. Returns the number of snapshots written."""
    today = today or timezone.localdate()
    written = 0
    for territory in Territory.objects.filter(is_active=True):
        years = {
            0,
            today.year,
            *FigureSnapshot.objects.of_territory(territory).values_list("year", flat=True),
        }
        for year in sorted(years):
            refresh_figures(actor=actor, territory=territory, year=year, today=today)
            written += 1
    return written
