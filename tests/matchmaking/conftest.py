from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from maillage.core.actors import system
from maillage.events import services as event_services
from maillage.matchmaking import services

SYS = system("tests")


@pytest.fixture
def event(territory):
    start = (timezone.now() + dt.timedelta(days=20)).replace(microsecond=0)
    return event_services.create_event(
        actor=SYS, territory=territory, title="Rencontres SIAE – entreprises", start=start,
        end=start + dt.timedelta(hours=2), status="published", venue="Espace Chiris",
    )


def add_people(event, names_a, names_b):
    for name in [*names_a, *names_b]:
        event_services.record_registration(
            actor=SYS, event=event, email=f"{name.lower().replace(' ', '.')}@exemple.org", name=name,
            structure_name=f"Structure {name}",
        )


@pytest.fixture
def meeting(event, member):
    event_services.register_account(actor=member, event=event)
    add_people(event, ["Alice", "Bruno"], ["Chloé", "Driss", "Élodie"])
    meeting = services.create_speed_meeting(
        actor=SYS, event=event, title="Speed-meeting de test", wishes_deadline=event.start - dt.timedelta(days=1),
        rounds=3, tables=2,
    )
    sides = {r.pk: ("a" if r.user_id or r.name in ("Alice", "Bruno") else "b") for r in event.registrations.all()}
    services.sync_participants(actor=SYS, meeting=meeting, sides=sides)
    services.transition_meeting(actor=SYS, meeting=meeting, to="open")
    return meeting
