"""What the training module offers the house through the registry: metrics for the plan, link targets,
the lettre's block (upcoming collective sessions), « Mon espace » (my bookings, the support my structures
received), the personal-data hook."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from maillage.actors.models import Structure
from maillage.core.models import Territory
from maillage.core.registry import ContentBlock, MySpaceItem, MySpaceSection
from maillage.events.models import Status
from maillage.training.models import (
    Booking,
    BookingState,
    Census,
    CollectiveSession,
    OfficeHours,
    Resource,
    Response,
    SupportKind,
    SupportRecord,
)
from maillage.training.services import when


def _support(territory: Territory, start: dt.date, end: dt.date, kinds: list[str] | None = None) -> int:
    qs = SupportRecord.objects.filter(territory=territory, date__gte=start, date__lte=end)
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return qs.values("structure_id").distinct().count()


def structures_supported(territory: Territory, start: dt.date, end: dt.date) -> int:
    return _support(territory, start, end)


def structures_dla(territory: Territory, start: dt.date, end: dt.date) -> int:
    return _support(territory, start, end, [SupportKind.DLA])


def structures_funding_advice(territory: Territory, start: dt.date, end: dt.date) -> int:
    return _support(territory, start, end, [SupportKind.FUNDING, SupportKind.EUROPE])


def census_answers(territory: Territory, start: dt.date, end: dt.date) -> int:
    return Response.objects.filter(
        census__territory=territory, submitted_at__date__gte=start, submitted_at__date__lte=end
    ).count()


def office_hours_held(territory: Territory, start: dt.date, end: dt.date) -> int:
    return Booking.objects.filter(
        office_hours__territory=territory,
        state=BookingState.BOOKED,
        start__date__gte=start,
        start__date__lte=end,
    ).count()


def collective_sessions(territory: Territory, start: dt.date, end: dt.date) -> int:
    return (
        CollectiveSession.objects.filter(
            event__territory=territory, event__start__date__gte=start, event__start__date__lte=end
        )
        .exclude(event__status=Status.CANCELLED)
        .count()
    )


def census_choices(territory: Territory) -> list[tuple[int, str]]:
    return [(c.pk, c.title) for c in Census.objects.filter(territory=territory).exclude(status="draft")]


def census_url(census: Census) -> str:
    return reverse("training:census", args=[census.pk])


def resource_choices(territory: Territory) -> list[tuple[int, str]]:
    return [(r.pk, r.title) for r in Resource.objects.filter(territory=territory)]


def resource_url(resource: Resource) -> str:
    return reverse("training:resources") + f"#ressource-{resource.pk}"


def office_hours_choices(territory: Territory) -> list[tuple[int, str]]:
    return [(o.pk, o.title) for o in OfficeHours.objects.filter(territory=territory)]


def office_hours_url(office_hours: OfficeHours) -> str:
    return reverse("training:office_hours", args=[office_hours.pk])


def sessions_block(
    *, territory: Territory, since: dt.date, options: Any = None, **_: Any
) -> ContentBlock | None:
    """The collective sessions to come (None when there is none)."""
    sessions = list(
        CollectiveSession.objects.filter(
            event__territory=territory, event__status=Status.PUBLISHED, event__start__gt=timezone.now()
        ).select_related("event", "theme")[:10]
    )
    if not sessions:
        return None
    url = territory.absolute_url
    items = [
        (s.event.title, when(s.event.start), url(reverse("events:detail", args=[s.event.slug])))
        for s in sessions
    ]
    html = (
        "<ul>"
        + "".join(
            f'<li><a href="{escape(link)}">{escape(title)}</a> — {escape(date)}</li>'
            for title, date, link in items
        )
        + "</ul>"
    )
    text = "\n".join(f"- {title} — {date} : {link}" for title, date, link in items)
    return ContentBlock(title="Sessions collectives à venir", html=html, text=text)


def my_bookings(user: Any, territory: Territory) -> MySpaceSection | None:
    bookings = Booking.objects.filter(
        user=user, office_hours__territory=territory, state=BookingState.BOOKED, start__gt=timezone.now()
    ).select_related("office_hours")
    items = [
        MySpaceItem(
            label=b.office_hours.title, url=reverse("training:booking", args=[b.pk]), detail=when(b.start)
        )
        for b in bookings
    ]
    return MySpaceSection(
        title="Mes rendez-vous de permanence",
        items=items,
        empty="Aucun rendez-vous de permanence à venir.",
        link_url=reverse("training:office_hours_list"),
        link_label="Voir les permanences",
    )


def my_structures_support(user: Any, territory: Territory) -> MySpaceSection | None:
    """The support the person's structures received (nothing shown to someone in no structure)."""
    structures = Structure.objects.filter(territory=territory, memberships__user=user)
    if not structures.exists():
        return None
    records = (
        SupportRecord.objects.for_user(user, territory)
        .filter(structure__in=structures)
        .select_related("structure")[:10]
    )
    url = reverse("training:support")
    items = [
        MySpaceItem(
            label=f"{r.get_kind_display()} — {r.structure.name}",
            url=url,
            detail=f"le {r.date:%d/%m/%Y}" + (f" : {r.summary[:140]}" if r.summary else ""),
        )
        for r in records
    ]
    return MySpaceSection(
        title="Accompagnements reçus par ma structure",
        items=items,
        empty="Aucun accompagnement noté pour votre structure.",
        link_url=url,
        link_label="Voir le suivi des accompagnements",
    )
