"""The training pages' contexts: aggregation per theme (table and SVG bar chart), lists, the ICS file."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as VEvent

from maillage.actors.models import Membership, Structure
from maillage.core.models import Territory
from maillage.training.models import (
    Booking,
    BookingState,
    Census,
    Format,
    OfficeHours,
    Period,
    Priority,
    Slot,
    Theme,
    ThemeInterest,
)


@dataclass
class ThemeRow:
    theme: Theme
    structures: int = 0
    people: int = 0
    high: int = 0
    periods: Counter[str] = field(default_factory=Counter)
    formats: Counter[str] = field(default_factory=Counter)

    @property
    def over_threshold(self) -> bool:
        return self.structures >= self.theme.threshold

    @property
    def periods_label(self) -> str:
        return _label(self.periods, Period.choices)

    @property
    def formats_label(self) -> str:
        return _label(self.formats, Format.choices)


def _label(counts: Counter[str], choices: Sequence[tuple[str, Any]]) -> str:
    """« janvier à mars (5), avril à juin (2) »: most wished first, ties in the choices' order."""
    order = {value: i for i, (value, _label) in enumerate(choices)}
    labels = dict(choices)
    wished = sorted((v for v, n in counts.items() if n), key=lambda v: (-counts[v], order.get(v, len(order))))
    return ", ".join(f"{labels.get(v, v)} ({counts[v]})" for v in wished)


def _wishes(name: str, values: list[str]) -> dict[str, Count]:
    """One conditional count per choice of a JSON list field (`periods`, `formats`): the structures whose
    list holds it. The list is matched as JSON text (`"q1"` with its quotes), the same on SQLite and
    PostgreSQL; the values are fixed codes, checked on the way in."""
    return {
        f"{name}_{value}": Count("pk", filter=Q(**{f"{name}__icontains": f'"{value}"'})) for value in values
    }


def aggregate(census: Census) -> list[ThemeRow]:
    """Per theme: the structures and people interested, how many say « prioritaire », the periods and
    formats wished (counted by structure). One grouped query over the theme interests, whatever the
    number of answers."""
    rows = {t.pk: ThemeRow(theme=t) for t in census.themes.all()}
    if not rows:
        return []
    figures = (
        ThemeInterest.objects.filter(theme_id__in=list(rows))
        .order_by()
        .values("theme_id")
        .annotate(
            n_structures=Count("pk"),
            n_people=Sum("staff"),
            n_high=Count("pk", filter=Q(priority=Priority.HIGH)),
            **_wishes("periods", Period.values),
            **_wishes("formats", Format.values),
        )
    )
    for figure in figures:
        row = rows[figure["theme_id"]]
        row.structures, row.people, row.high = (
            figure["n_structures"],
            figure["n_people"] or 0,
            figure["n_high"],
        )
        row.periods = Counter({p: figure[f"periods_{p}"] for p in Period.values if figure[f"periods_{p}"]})
        row.formats = Counter({f: figure[f"formats_{f}"] for f in Format.values if figure[f"formats_{f}"]})
    return list(rows.values())


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    high: int
    y: int
    width: int
    high_width: int
    over: bool


def chart(rows: list[ThemeRow], *, width: int = 560) -> dict[str, Any]:
    """A horizontal bar chart, drawn by the template as SVG: a bar per theme (structures interested), its
    « prioritaire » part darker. The same figures are in the table next to it."""
    label_width, bar_height, gap = 200, 24, 12
    most = max((r.structures for r in rows), default=0) or 1
    scale = (width - label_width - 60) / most
    bars = [
        Bar(
            label=r.theme.name,
            value=r.structures,
            high=r.high,
            y=i * (bar_height + gap),
            width=round(r.structures * scale),
            high_width=round(r.high * scale),
            over=r.over_threshold,
        )
        for i, r in enumerate(rows)
    ]
    return {
        "bars": bars,
        "width": width,
        "height": max(1, len(bars)) * (bar_height + gap),
        "label_width": label_width,
        "bar_height": bar_height,
    }


def managed_structures(user: Any, territory: Territory) -> QuerySet[Structure]:
    return Structure.objects.filter(
        territory=territory, memberships__user=user, memberships__role=Membership.Role.MANAGER
    ).distinct()


def member_structures(user: Any, territory: Territory) -> QuerySet[Structure]:
    if not getattr(user, "is_authenticated", False):
        return Structure.objects.none()
    return Structure.objects.filter(territory=territory, memberships__user=user).distinct()


def free_slots(office_hours: OfficeHours, now: dt.datetime | None = None) -> QuerySet[Slot]:
    now = now or timezone.now()
    taken = Booking.objects.filter(state=BookingState.BOOKED, slot__isnull=False).values_list(
        "slot_id", flat=True
    )
    return office_hours.slots.filter(start__gt=now).exclude(pk__in=taken)


def slots_with_state(
    office_hours: OfficeHours, now: dt.datetime | None = None, limit: int = 40
) -> list[dict[str, Any]]:
    now = now or timezone.now()
    bookings = {
        b.slot_id: b
        for b in Booking.objects.filter(office_hours=office_hours, state=BookingState.BOOKED).select_related(
            "structure"
        )
    }
    return [
        {"slot": s, "booking": bookings.get(s.pk)} for s in office_hours.slots.filter(start__gt=now)[:limit]
    ]


def booking_ics(booking: Booking) -> bytes:
    """The booked appointment as an iCalendar file."""
    office_hours = booking.office_hours
    calendar = Calendar()
    calendar.add("prodid", "-//Maillage//Permanences//FR")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    vevent = VEvent()
    host = office_hours.territory.canonical_url.split("://", 1)[-1].strip("/") or "maillage"
    vevent.add("uid", f"training-booking-{booking.pk}@{host}")
    vevent.add("dtstamp", timezone.now())
    vevent.add("dtstart", booking.start)
    vevent.add("dtend", booking.end)
    vevent.add("summary", f"Permanence : {office_hours.title}")
    vevent.add("description", f"Sujet : {booking.topic}\nConseiller : {office_hours.adviser.organisation}")
    vevent.add("location", office_hours.place or office_hours.online_url)
    vevent.add("status", "CANCELLED" if booking.state == BookingState.CANCELLED else "CONFIRMED")
    calendar.add_component(vevent)
    return bytes(calendar.to_ical())
