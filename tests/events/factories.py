"""Factories of the agenda's tests."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from maillage.events.models import Event, Registration, Status
from maillage.events.recurrence import PARIS
from tests.factories import TerritoryFactory


def paris(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    territory = factory.SubFactory(TerritoryFactory)
    title = factory.Sequence(lambda n: f"Rendez-vous {n}")
    slug = factory.Sequence(lambda n: f"rendez-vous-{n}")
    start = factory.LazyFunction(lambda: (timezone.now() + dt.timedelta(days=7)).replace(microsecond=0))
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(hours=2))
    status = Status.PUBLISHED
    venue = "Salle des fêtes"
    capacity = 30


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Personne {n}")
    email = factory.Sequence(lambda n: f"personne{n}@example.org")
    state = Registration.State.REGISTERED
    sequence = factory.Sequence(lambda n: n + 1)
