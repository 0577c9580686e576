"""A speed-meeting open for wishes, made through the services: the given member registered with an account
(side « a ») plus Alice and Bruno (side « a ») and Chloé, Driss, Élodie (side « b ») recorded by hand."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from maillage.core.actors import system
from maillage.events import services as event_services
from maillage.matchmaking import services

SYS = system("tests")


def make_event(territory):
    start = (timezone.now() + dt.timedelta(days=20)).replace(microsecond=0)
    return event_services.create_event(
        actor=SYS,
        territory=territory,
        title="Rencontres SIAE – entreprises",
        start=start,
        end=start + dt.timedelta(hours=2),
        status="published",
        venue="Espace Chiris",
    )


def register_people(event, member):
    """The member registers with an account; Alice, Bruno, Chloé, Driss and Élodie are recorded by hand."""
    event_services.register_account(actor=member, event=event)
    for name in ["Alice", "Bruno", "Chloé", "Driss", "Élodie"]:
        event_services.record_registration(
            actor=SYS,
            event=event,
            email=f"{name.lower()}@exemple.org",
            name=name,
            structure_name=f"Structure {name}",
        )


def make_meeting(event, member):
    register_people(event, member)
    meeting = services.create_speed_meeting(
        actor=SYS,
        event=event,
        title="Speed-meeting de test",
        wishes_deadline=event.start - dt.timedelta(days=1),
        rounds=3,
        tables=2,
    )
    sides = {
        r.pk: ("a" if r.user_id or r.name in ("Alice", "Bruno") else "b") for r in event.registrations.all()
    }
    services.sync_participants(actor=SYS, meeting=meeting, sides=sides)
    services.transition_meeting(actor=SYS, meeting=meeting, to="open")
    return meeting


def make_campaign(territory, *, status: str = "open"):
    """A « vis ma vie » campaign over the next two weeks, registrations open (or in `status`)."""
    today = timezone.localdate()
    campaign = services.create_campaign(
        actor=SYS,
        territory=territory,
        title="Vis ma vie de test",
        first_date=today + dt.timedelta(days=7),
        last_date=today + dt.timedelta(days=20),
        registration_deadline=today + dt.timedelta(days=5),
    )
    if status != "draft":
        services.transition_campaign(actor=SYS, campaign=campaign, to="open")
    return campaign


def campaign_days(campaign, *offsets: int):
    return [campaign.first_date + dt.timedelta(days=o) for o in offsets]
