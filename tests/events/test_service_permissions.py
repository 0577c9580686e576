"""The agenda's services check who writes, not only its views: another app or a future view that forgets the
check still cannot let a member create or change an event."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from maillage.events import services
from maillage.events.models import Campaign, Event
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db


def _fields(title: str = "Portes ouvertes") -> dict:
    start = timezone.now() + dt.timedelta(days=10)
    return {"title": title, "start": start, "end": start + dt.timedelta(hours=2), "venue": "Salle"}


def test_only_the_animation_creates_an_event(territory, animator, member, manager, animator_other):
    for person in (member, manager, animator_other):
        with pytest.raises(PermissionDenied):
            services.create_event(actor=person, territory=territory, **_fields())
    assert not Event.objects.exists()
    event = services.create_event(actor=animator, territory=territory, **_fields())
    assert event.territory == territory


def test_a_structure_manager_proposes_an_event_only_to_an_open_campaign(territory, manager, member):
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        territory=territory, title="Mois de l'ESS", slug="mois", starts_on=today, ends_on=today
    )
    with pytest.raises(PermissionDenied):
        services.create_event(actor=member, territory=territory, campaign=campaign, **_fields())
    proposal = services.create_event(actor=manager, territory=territory, campaign=campaign, **_fields())
    assert proposal.campaign == campaign
    campaign.proposals_open = False
    campaign.save()
    with pytest.raises(PermissionDenied):
        services.create_event(actor=manager, territory=territory, campaign=campaign, **_fields("Autre"))
    assert Event.objects.count() == 1


def test_only_those_who_manage_an_event_change_it(territory, animator, member, animator_other):
    event = EventFactory(territory=territory, title="Atelier compost")
    for person in (member, animator_other):
        with pytest.raises(PermissionDenied):
            services.update_event(actor=person, event=event, title="Piraté")
    assert Event.objects.get(pk=event.pk).title == "Atelier compost"
    services.update_event(actor=animator, event=event, title="Atelier compost partagé")
    assert Event.objects.get(pk=event.pk).title == "Atelier compost partagé"
