"""API of the speed-meetings: the meetings announced on a public agenda event (never a draft), as their
public page shows them. Never a participant, a wish, an availability or a schedule."""

from __future__ import annotations

import datetime as dt

from ninja import Query, Router, Schema

from maillage.core.api_lists import PageParams, keyset, page_of
from maillage.events.models import Event
from maillage.matchmaking.models import MeetingStatus, SpeedMeeting

router = Router(tags=["rencontres"])


class MeetingOut(Schema):
    id: int
    title: str
    status: str
    side_a: str
    side_b: str
    rounds: int
    round_minutes: int
    tables: int
    wishes_deadline: dt.datetime
    start: dt.datetime
    event: str  # the agenda event's slug (/api/v1/agenda/{slug})


def _meeting(meeting: SpeedMeeting) -> dict:
    return {
        "id": meeting.pk,
        "title": meeting.title,
        "status": meeting.status,
        "side_a": meeting.side_a,
        "side_b": meeting.side_b,
        "rounds": meeting.rounds,
        "round_minutes": meeting.round_minutes,
        "tables": meeting.tables,
        "wishes_deadline": meeting.wishes_deadline,
        "start": meeting.event.start,
        "event": meeting.event.slug,
    }


@router.get(
    "/rencontres",
    response=page_of(MeetingOut),
    summary="Les rencontres « speed-meeting » annoncées",
    description="De la plus récente à la plus ancienne (date de l'événement de l'agenda).",
)
def list_meetings(request, params: Query[PageParams]):
    meetings = (
        SpeedMeeting.objects.of_territory(request.territory)
        .exclude(status=MeetingStatus.DRAFT)
        .filter(event__in=Event.objects.public_agenda(request.territory))
        .select_related("event")
    )
    return keyset(meetings, order=("-event__start", "-pk"), params=params, salt="matchmaking", shape=_meeting)
