"""Objects the registry's example URLs need: a speed-meeting open for wishes at a published agenda event,
the example member registered through the event and made a participant, a company on the other side, and a
computed schedule. Made through the services; found again when they exist."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from maillage.core.actors import system
from maillage.core.registry import ExampleContext
from maillage.events import services as event_services
from maillage.events.models import Event
from maillage.matchmaking import services
from maillage.matchmaking.models import Run, SpeedMeeting

EXAMPLES = system("exemples du registre")
TITLE = "Speed-meeting d'exemple"


def example_meeting(ctx: ExampleContext) -> dict[str, Any]:
    meeting = SpeedMeeting.objects.filter(territory=ctx.territory, title=TITLE).first()
    if meeting is None:
        start = (timezone.now() + dt.timedelta(days=30)).replace(hour=9, minute=0, second=0, microsecond=0)
        event = Event.objects.filter(
            territory=ctx.territory, title=TITLE
        ).first() or event_services.create_event(
            actor=EXAMPLES,
            territory=ctx.territory,
            title=TITLE,
            start=start,
            end=start + dt.timedelta(hours=2),
            status="published",
            venue="Salle des fêtes",
        )
        member = ctx.users.get("member")
        if member is not None:
            event_services.register_account(actor=member, event=event)
        event_services.record_registration(
            actor=EXAMPLES,
            event=event,
            email="dirigeante@entreprise.example",
            name="Sophie Martin",
            structure_name="Parfumerie des Collines",
        )
        meeting = services.create_speed_meeting(
            actor=EXAMPLES,
            event=event,
            title=TITLE,
            wishes_deadline=start - dt.timedelta(days=2),
            rounds=4,
            tables=3,
        )
        registrations = list(event.registrations.order_by("pk"))
        services.sync_participants(
            actor=EXAMPLES,
            meeting=meeting,
            sides={r.pk: ("a" if r.user_id else "b") for r in registrations},
        )
        services.transition_meeting(actor=EXAMPLES, meeting=meeting, to="open")
        run = services.request_run(actor=EXAMPLES, meeting=meeting)
        services.execute_run(actor=EXAMPLES, run=run)
    run = Run.objects.filter(meeting=meeting).first()
    return {"meeting": meeting, "run": run, "slot": run.slots.first() if run else None}
