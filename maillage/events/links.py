"""Agenda events (and series) as registry link targets: a plan node or an evaluation's plenary may point
at them.

Choices are bounded: the territory's published (or closed) events of the last two years and the next year,
most recent first, each labelled with its date so that two « Rendez-vous de l'ESS » can be told apart.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from maillage.core.registry import LinkTarget
from maillage.core.text import long_date
from maillage.events.models import Event, Series, Status

PAST_WINDOW = dt.timedelta(days=730)
AHEAD_WINDOW = dt.timedelta(days=365)
MAX_CHOICES = 300
LISTED_STATUSES = (Status.PUBLISHED, Status.CLOSED)


def event_label(event: Event) -> str:
    label = f"{event.title} – {long_date(event.start)}"
    kind = str(event.get_kind_display())
    return label if kind.lower() in event.title.lower() else f"{label} ({kind})"


def event_choices(territory: Any) -> list[tuple[int, str]]:
    now = timezone.now()
    events = Event.objects.filter(
        territory=territory,
        status__in=LISTED_STATUSES,
        start__gte=now - PAST_WINDOW,
        start__lte=now + AHEAD_WINDOW,
    ).order_by("-start", "-pk")[:MAX_CHOICES]
    return [(event.pk, event_label(event)) for event in events]


def event_url(event: Event) -> str:
    return reverse("events:detail", kwargs={"slug": event.slug})


def series_choices(territory: Any) -> list[tuple[int, str]]:
    series = Series.objects.filter(territory=territory).order_by("first_start", "pk")[:MAX_CHOICES]
    return [(item.pk, f"{item.title} (série depuis le {long_date(item.first_start)})") for item in series]


def series_url(series: Series) -> str:
    """A series has no page of its own: its next published date, else its latest one, else the agenda."""
    occurrences = series.occurrences.filter(status__in=LISTED_STATUSES)
    event = occurrences.filter(start__gte=timezone.now()).order_by("start").first()
    if event is None:
        event = occurrences.order_by("-start").first()
    return event_url(event) if event is not None else reverse("events:list")


EVENT_TARGET = LinkTarget(
    key="events.event",
    label="Un rendez-vous de l'agenda",
    model="events.Event",
    choices=event_choices,
    url=event_url,
)
SERIES_TARGET = LinkTarget(
    key="events.series",
    label="Une série de rendez-vous de l'agenda",
    model="events.Series",
    choices=series_choices,
    url=series_url,
)
