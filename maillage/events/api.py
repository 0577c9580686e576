"""API of the agenda: public events (upcoming by default, with the agenda's filters) and one event.

Only what the public agenda shows: published, closed or cancelled events open to all (members-only events and
drafts are never served), no registrant; the number of free seats, not who took them.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from maillage.core.api_lists import ArrayPageParams, arrayed, keyset
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


class EventFilters(ArrayPageParams):
    taille: int = Field(50, ge=1, le=200, description="rendez-vous par page (50 par défaut, 200 au plus)")
    limit: int | None = Field(None, description="ancien nom de `taille` (gardé pour les clients existants)")
    kind: str = Field("", max_length=30, description="type de rendez-vous : " + ", ".join(Kind.values))
    commune: str = Field("", max_length=10, description="code INSEE de la commune")
    structure: str = Field("", max_length=200, description="identifiant (slug) d'une structure organisatrice")
    past: bool = False


@router.get(
    "/agenda",
    response={200: list[EventOut], 400: None},
    summary="Rendez-vous publics (à venir par défaut)",
    description="À venir par date de début, ou passés (`past`) du plus récent au plus ancien. "
    'La page suivante : en-têtes `Link` (rel="next") et `X-Next-Cursor` (à passer en `curseur`) ; '
    "sans eux, c'est la dernière page. Un type de rendez-vous inconnu répond 400.",
)
def list_events(request, response: HttpResponse, filters: Query[EventFilters]):
    qs = Event.objects.public_agenda(request.territory).select_related("territory", "commune")
    qs = qs.prefetch_related("hosts")
    if filters.kind:
        if filters.kind not in Kind.values:
            raise HttpError(
                400, f"Type de rendez-vous inconnu : « {filters.kind} » (attendu : {', '.join(Kind.values)})."
            )
        qs = qs.filter(kind=filters.kind)
    if filters.commune:
        qs = qs.filter(commune__insee_code=filters.commune)
    if filters.structure:
        qs = qs.filter(pk__in=Event.objects.filter(hosts__slug=filters.structure).values("pk"))
    if filters.limit is not None:
        filters.taille = max(1, min(filters.limit, 200))
    now = timezone.now()
    qs, order = (qs.past(now), ("-start", "-pk")) if filters.past else (qs.upcoming(now), ("start", "pk"))
    salt = "events.past" if filters.past else "events.upcoming"
    return arrayed(request, response, keyset(qs, order=order, params=filters, salt=salt))


@router.get("/agenda/{slug}", response={200: EventDetailOut, 404: None}, summary="Un rendez-vous public")
def get_event(request, slug: str):
    qs = Event.objects.public_agenda(request.territory).select_related("territory", "commune")
    event = qs.prefetch_related("hosts").filter(slug=slug).first()
    if event is None:
        raise HttpError(404, "Aucun rendez-vous public ne porte cet identifiant.")
    return event
