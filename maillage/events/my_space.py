"""« Mon espace » → « Mes inscriptions aux rendez-vous »: the person's registrations to coming events."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from maillage.core.models import Territory
from maillage.core.registry import MySpaceItem, MySpaceProvider, MySpaceSection
from maillage.core.text import long_date
from maillage.events.models import Registration, Status

SHOWN_STATES = (Registration.State.PENDING, Registration.State.REGISTERED, Registration.State.WAITLISTED)


def _detail(registration: Registration) -> str:
    start = timezone.localtime(registration.event.start)
    when = f"{long_date(start)} à {start.hour} h" + (f" {start.minute:02d}" if start.minute else "")
    if registration.event.status == Status.CANCELLED:
        return f"{when} (rendez-vous annulé)"
    if registration.state == Registration.State.REGISTERED:
        return when
    return f"{when} ({registration.get_state_display()})"


def registrations_section(user: Any, territory: Territory) -> MySpaceSection:
    registrations = (
        Registration.objects.for_person(user)
        .filter(event__territory=territory, state__in=SHOWN_STATES, event__end__gte=timezone.now())
        .order_by("event__start", "pk")
    )
    return MySpaceSection(
        title="Mes inscriptions aux rendez-vous",
        items=[
            MySpaceItem(
                label=r.event.title,
                url=reverse("events:detail", args=[r.event.slug]),
                detail=_detail(r),
            )
            for r in registrations
        ],
        empty="Vous n'êtes inscrit ou inscrite à aucun rendez-vous à venir.",
        link_url=reverse("events:list"),
        link_label="Voir l'agenda",
    )


PROVIDER = MySpaceProvider(key="events", build=registrations_section, order=10)
