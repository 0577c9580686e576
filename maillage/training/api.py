"""API of the training module: the collective sessions (« DLA collectifs ») whose agenda event is public,
as their public page shows them. Never the trainer (a person), the invited structures' bookings, a census
answer or an adviser."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from maillage.core.api_lists import PageParams, keyset, page_of
from maillage.events.models import Event
from maillage.training.models import CollectiveSession

router = Router(tags=["formations"])


class SessionOut(Schema):
    id: int
    title: str
    theme: str
    start: dt.datetime
    end: dt.datetime
    commune: str | None = None
    cofunders: str
    priority_until: dt.datetime
    event: str  # the agenda event's slug (/api/v1/agenda/{slug})
    url: str


class SessionFilters(PageParams):
    past: bool = Field(False, description="les sessions passées (de la plus récente à la plus ancienne)")


def _session(session: CollectiveSession) -> dict:
    event = session.event
    return {
        "id": session.pk,
        "title": event.title,
        "theme": session.theme.name,
        "start": event.start,
        "end": event.end,
        "commune": event.commune.name if event.commune_id else None,
        "cofunders": session.cofunders,
        "priority_until": session.priority_until,
        "event": event.slug,
        "url": event.territory.absolute_url(reverse("training:session", kwargs={"pk": session.pk})),
    }


@router.get(
    "/formations",
    response=page_of(SessionOut),
    summary="Les sessions collectives de formation",
    description="À venir par date de début, ou passées (`past`) de la plus récente à la plus ancienne.",
)
def list_sessions(request, filters: Query[SessionFilters]):
    public = Event.objects.public_agenda(request.territory)
    sessions = CollectiveSession.objects.filter(event__in=public).select_related(
        "event__territory", "event__commune", "theme"
    )
    now = timezone.now()
    if filters.past:
        sessions, order = sessions.filter(event__end__lt=now), ("-event__start", "-pk")
    else:
        sessions, order = sessions.filter(event__end__gte=now), ("event__start", "pk")
    salt = "training.past" if filters.past else "training.upcoming"
    return keyset(sessions, order=order, params=filters, salt=salt, shape=_session)
