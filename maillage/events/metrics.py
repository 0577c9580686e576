"""Metrics the plan and the dashboard read through the registry: `compute(territory, start, end)`."""

from __future__ import annotations

import datetime as dt

from maillage.core.models import Territory
from maillage.events.models import Event, Kind, Registration, Status
from maillage.events.recurrence import PARIS


def _span(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=PARIS),
        dt.datetime.combine(end, dt.time.max, tzinfo=PARIS),
    )


def _held(territory: Territory, start: dt.date, end: dt.date, *, kind: str | None = None):
    lo, hi = _span(start, end)
    qs = Event.objects.filter(
        territory=territory, start__gte=lo, start__lte=hi, status__in=[Status.PUBLISHED, Status.CLOSED]
    ).filter(end__lte=dt.datetime.now(tz=PARIS))
    return qs.filter(kind=kind) if kind else qs


def rendezvous_held(territory: Territory, start: dt.date, end: dt.date) -> int:
    """Rendez-vous de l'ESS held (published or closed, ended) between start and end, inclusive."""
    return _held(territory, start, end, kind=Kind.RENDEZ_VOUS).count()


def events_held(territory: Territory, start: dt.date, end: dt.date) -> int:
    return _held(territory, start, end).count()


def attendance(territory: Territory, start: dt.date, end: dt.date) -> int:
    """People checked in at the events held in the period."""
    return Registration.objects.filter(
        event__in=_held(territory, start, end), state=Registration.State.REGISTERED, attended=True
    ).count()


def rendezvous_attendance(territory: Territory, start: dt.date, end: dt.date) -> int:
    return Registration.objects.filter(
        event__in=_held(territory, start, end, kind=Kind.RENDEZ_VOUS),
        state=Registration.State.REGISTERED,
        attended=True,
    ).count()
