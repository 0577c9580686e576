"""Writes of the dashboard: computing the territory's figures and keeping them (a snapshot per year)."""

from __future__ import annotations

import datetime as dt
import time

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from maillage.core.actors import Actor, system
from maillage.core.models import Territory
from maillage.dashboard import figures
from maillage.dashboard.models import FigureSnapshot
from maillage.dashboard.permissions import require_animator

FIRST_YEAR = 2000
MAX_AGE = dt.timedelta(days=1)  # past this, a visit recomputes them (the periodic job keeps them fresh)
COMPUTING_SECONDS = 300  # how long one computation holds the territory-year's lock at most
WAIT_SECONDS = 60.0  # how long a first visitor waits for another's computation before computing itself


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


def _lock(territory: Territory, year: int) -> str:
    return f"dashboard:figures:computing:{territory.pk}:{year}"


def figures_for_visit(
    *, territory: Territory, year: int, today: dt.date | None = None, wait_seconds: float = WAIT_SECONDS
) -> FigureSnapshot:
    """The figures a page shows: the kept ones while fresh. Computed by one request at a time (a lock in the
    shared cache): with stale figures kept, the others show those with their date meanwhile; with none kept
    (a new year, a database the periodic job has not visited yet), the others wait for that request's result
    instead of each computing them again."""
    kept = FigureSnapshot.objects.of(territory, year).first()
    if kept is not None and kept.computed_at >= timezone.now() - MAX_AGE:
        return kept
    lock = _lock(territory, year)
    deadline = time.monotonic() + wait_seconds
    while not cache.add(lock, 1, COMPUTING_SECONDS):
        if kept is not None:
            return kept  # being recomputed by another request: the kept figures, with their date
        if time.monotonic() >= deadline:
            break  # the other computation is taking too long (or died holding the lock): compute here
        time.sleep(0.25)
        kept = FigureSnapshot.objects.of(territory, year).first()
        if kept is not None:
            return kept
    try:
        return refresh_figures(
            actor=system("premier calcul des chiffres"), territory=territory, year=year, today=today
        )
    finally:
        cache.delete(lock)
