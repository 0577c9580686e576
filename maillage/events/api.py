"""API of the agenda: public events (upcoming by default, with the agenda's filters) and one event.

Only what the public agenda shows: published, closed or cancelled events open to all (members-only events and
drafts are never served), no registrant; the number of free seats, not who took them.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from maillage.events import services
from maillage.events.models import Event, Kind

router = Router(tags=["agenda"])


class EventOut(Schema):
    slug: str
    title: str
    kind: str
    mode: str
    status: str
    start: dt.datetime
    end: dt.datetime
    place: str
    commune: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    hosts: list[str]
    capacity: int | None = None
    url: str
    ics_url: str

    @staticmethod
    def resolve_place(obj: Event) -> str:
        return obj.place_label

    @staticmethod
    def resolve_commune(obj: Event) -> str | None:
        return obj.commune.name if obj.commune_id else None

    @staticmethod
    def resolve_latitude(obj: Event) -> float | None:
        return obj.coordinates[0] if obj.coordinates else None

    @staticmethod
    def resolve_longitude(obj: Event) -> float | None:
        return obj.coordinates[1] if obj.coordinates else None

    @staticmethod
    def resolve_hosts(obj: Event) -> list[str]:
        return [h.name for h in obj.hosts.all()]

    @staticmethod
    def resolve_url(obj: Event) -> str:
        return obj.territory.absolute_url(reverse("events:detail", kwargs={"slug": obj.slug}))

    @staticmethod
    def resolve_ics_url(obj: Event) -> str:
        return obj.territory.absolute_url(reverse("events:event_ics", kwargs={"slug": obj.slug}))


class EventDetailOut(EventOut):
    description: str
    accessibility: str
    seats_left: int | None = None

    @staticmethod
    def resolve_seats_left(obj: Event) -> int | None:
        return services.seats_left(obj)


class EventFilters(Schema):
    kind: str = ""
    commune: str = ""
    structure: str = ""
    past: bool = False
    limit: int = 50


@router.get("/agenda", response=list[EventOut], summary="Rendez-vous publics (à venir par défaut)")
def list_events(request, filters: Query[EventFilters]):
    qs = Event.objects.public_agenda(request.territory).select_related("territory", "commune")
    qs = qs.prefetch_related("hosts")
    if filters.kind in Kind.values:
        qs = qs.filter(kind=filters.kind)
    if filters.commune:
        qs = qs.filter(commune__insee_code=filters.commune)
    if filters.structure:
        qs = qs.filter(pk__in=Event.objects.filter(hosts__slug=filters.structure).values("pk"))
    now = timezone.now()
    qs = qs.past(now) if filters.past else qs.upcoming(now)
    return list(qs[: max(1, min(filters.limit, 200))])


@router.get("/agenda/{slug}", response={200: EventDetailOut, 404: None}, summary="Un rendez-vous public")
def get_event(request, slug: str):
    qs = Event.objects.public_agenda(request.territory).select_related("territory", "commune")
    event = qs.prefetch_related("hosts").filter(slug=slug).first()
    if event is None:
        raise HttpError(404, "Aucun rendez-vous public ne porte cet identifiant.")
    return event
