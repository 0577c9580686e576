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
from maillage.matchmaking.models import Exchange, ExchangeCampaign, Run, SpeedMeeting, Testimony

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


CAMPAIGN_TITLE = "Vis ma vie d'exemple"


def example_campaign(ctx: ExampleContext) -> dict[str, Any]:
    """A « vis ma vie » campaign with the example member (side « a ») paired with a company volunteer
    recorded by the animation, and a testimony of the member."""
    campaign = ExchangeCampaign.objects.filter(territory=ctx.territory, title=CAMPAIGN_TITLE).first()
    if campaign is None:
        today = timezone.localdate()
        campaign = services.create_campaign(
            actor=EXAMPLES,
            territory=ctx.territory,
            title=CAMPAIGN_TITLE,
            first_date=today - dt.timedelta(days=10),
            last_date=today + dt.timedelta(days=20),
            registration_deadline=today - dt.timedelta(days=12),
        )
        services.transition_campaign(actor=EXAMPLES, campaign=campaign, to="open")
        days = [today - dt.timedelta(days=5), today + dt.timedelta(days=5)]
        member = ctx.users.get("member")
        mine = None
        if member is not None:
            mine = services.register_volunteer(
                actor=member,
                campaign=campaign,
                side="a",
                name="Membre d'exemple",
                structure_name="Structure d'exemple",
                dates=days,
            )
        other = services.register_volunteer(
            actor=EXAMPLES,
            campaign=campaign,
            side="b",
            name="Sophie Martin",
            structure_name="Parfumerie des Collines",
            dates=days,
            by_animation=True,
        )
        if mine is not None:
            services.save_volunteer_wishes(actor=member, volunteer=mine, wished=[other.pk])
        services.transition_campaign(actor=EXAMPLES, campaign=campaign, to="closed")
        for exchange in services.form_pairs(actor=EXAMPLES, campaign=campaign):
            for volunteer in (exchange.a, exchange.b):
                services.confirm_exchange(actor=EXAMPLES, exchange=exchange, volunteer=volunteer)
            exchange.refresh_from_db()
            services.submit_testimony(
                actor=EXAMPLES,
                exchange=exchange,
                volunteer=exchange.a,
                text="Une journée riche : j'ai vu comment une entreprise recrute et forme.",
                consent=True,
                today=today,
            )
    exchange = Exchange.objects.filter(campaign=campaign).first()
    testimony = Testimony.objects.filter(exchange__campaign=campaign).first()
    return {"campaign": campaign, "exchange": exchange, "testimony": testimony}
