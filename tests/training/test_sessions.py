"""Aggregation per theme (table and chart figures) and collective sessions: an agenda event made by the
events services, the interested structures registered first, public registration opened afterwards."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from maillage.events import services as events
from maillage.events.models import Event, Registration
from maillage.notifications.models import Notification
from maillage.training import selectors, services
from maillage.training.models import CollectiveSession
from tests.factories import MembershipFactory, StructureFactory, UserFactory
from tests.training.factories import TESTS, interest, open_census

pytestmark = pytest.mark.django_db


def _answered(territory, count):
    census = open_census(territory)
    finance = census.themes.get(name="Financements hybrides")
    europe = census.themes.get(name="Fonds européens")
    managers = []
    for i in range(count):
        structure = StructureFactory(territory=territory, name=f"Structure {i}")
        user = UserFactory(email=f"gestion{i}@example.org")
        MembershipFactory(user=user, structure=structure, role="manager")
        managers.append((user, structure))
        wanted = {finance.pk: interest(1 if i % 2 == 0 else 2, staff=2, periods=["q1", "q2"])}
        if i < 2:
            wanted[europe.pk] = interest(3)
        services.submit_response(actor=user, census=census, structure=structure, answers={}, interests=wanted)
    return census, finance, europe, managers


def test_aggregation_per_theme(territory):
    census, finance, europe, _ = _answered(territory, 5)
    rows = {r.theme.name: r for r in selectors.aggregate(census)}
    assert (rows["Financements hybrides"].structures, rows["Financements hybrides"].people) == (5, 10)
    assert rows["Financements hybrides"].high == 3
    assert rows["Financements hybrides"].periods == {"q1": 5, "q2": 5}
    assert rows["Financements hybrides"].over_threshold  # threshold 5
    assert (rows["Fonds européens"].structures, rows["Fonds européens"].over_threshold) == (2, False)
    assert rows["Gouvernance"].structures == 0
    chart = selectors.chart(list(rows.values()))
    widths = {b.label: (b.width, b.high_width) for b in chart["bars"]}
    assert widths["Gouvernance"] == (0, 0)
    assert widths["Financements hybrides"][0] > widths["Fonds européens"][0] > 0


def _create(theme, actor=TESTS, **extra):
    now = timezone.now()
    fields = {
        "title": "DLA collectif : financements",
        "start": now + dt.timedelta(days=30),
        "end": now + dt.timedelta(days=30, hours=3),
        "trainer": "Cabinet Coopérer",
        "priority_until": now + dt.timedelta(days=10),
        "capacity": 12,
        "venue": "Maison de l'ESS",
        **extra,
    }
    return services.create_collective_session(actor=actor, theme=theme, **fields)


def test_a_theme_becomes_an_agenda_event_with_the_interested_invited_first(territory, animator):
    census, finance, _, managers = _answered(territory, 5)
    session = _create(finance, animator)
    event = Event.objects.get(pk=session.event_id)
    assert (event.status, event.kind, event.registration_open, event.capacity) == (
        "published",
        "formation",
        False,
        12,
    )
    assert "Cabinet Coopérer" in event.description
    assert session.invited.count() == 5
    assert Notification.objects.filter(kind=services.KIND_SESSION).count() == 5
    # the public cannot register yet (the events app's own rule)
    outsider = UserFactory(email="public@example.org")
    with pytest.raises(events.RegistrationError, match="fermées"):
        events.register_account(actor=outsider, event=event)
    # an invited structure's member registers first, through the events app's registrations
    user, structure = managers[0]
    services.register_invited(actor=user, session=session, structure=structure)
    assert Registration.objects.get(event=event).structure_name == structure.name
    with pytest.raises(ValidationError, match="déjà inscrit"):
        services.register_invited(actor=user, session=session, structure=structure)
    # a structure that was not interested is not invited
    other = StructureFactory(territory=territory, name="Pas intéressée")
    MembershipFactory(user=outsider, structure=other, role="manager")
    with pytest.raises(ValidationError, match="pas invitée"):
        services.register_invited(actor=outsider, session=session, structure=other)
    # the priority period ends: the periodic job opens registration to everyone
    assert services.open_due_sessions(actor=TESTS, now=timezone.now() + dt.timedelta(days=11)) == 1
    event.refresh_from_db()
    assert event.registration_open
    events.register_account(actor=outsider, event=event)
    assert Registration.objects.filter(event=event).count() == 2
    with pytest.raises(ValidationError, match="prioritaire est finie"):
        services.register_invited(actor=managers[1][0], session=session, structure=managers[1][1])


def test_bad_sessions_are_refused_and_nothing_is_created(territory, manager, animator):
    census, finance, _, _ = _answered(territory, 2)
    with pytest.raises(PermissionDenied):
        _create(finance, manager)
    with pytest.raises(ValidationError, match="avant la session"):
        _create(finance, animator, priority_until=timezone.now() + dt.timedelta(days=40))
    with pytest.raises(ValidationError, match="intervenant"):
        _create(finance, animator, trainer=" ")
    with pytest.raises(ValidationError, match="Aucune structure"):
        _create(census.themes.get(name="Gouvernance"), animator)
    assert not Event.objects.exists() and not CollectiveSession.objects.exists()
    assert not Notification.objects.filter(kind=services.KIND_SESSION).exists()
