"""Agenda events and series as registry link targets (plan nodes and the evaluation's plenary point at
them)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from maillage.core.actors import SYSTEM
from maillage.core.registry import registry
from maillage.events import links, services
from maillage.events.models import Kind, Status
from tests.events.factories import EventFactory, paris

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)


def test_events_and_series_are_registered_link_targets():
    assert registry.link_targets["events.event"] is links.EVENT_TARGET
    assert registry.link_targets["events.event"].model == "events.Event"
    assert registry.link_targets["events.series"].model == "events.Series"


def test_event_choices_are_the_territory_s_listed_events_in_the_window(territory, other_territory):
    with time_machine.travel(NOW, tick=False):
        plenary = EventFactory(
            territory=territory,
            title="Plénière du CLDESS",
            kind=Kind.PLENARY,
            start=paris(2025, 12, 12, 14),
            end=paris(2025, 12, 12, 17),
        )
        rendez_vous = EventFactory(
            territory=territory,
            title="Visite de la ressourcerie",
            start=paris(2026, 4, 3, 18),
            end=paris(2026, 4, 3, 20),
            status=Status.CLOSED,
        )
        EventFactory(territory=territory, status=Status.DRAFT)  # not published
        EventFactory(territory=territory, status=Status.CANCELLED)
        EventFactory(territory=territory, start=paris(2023, 1, 6, 18), end=paris(2023, 1, 6, 20))  # too old
        EventFactory(territory=territory, start=paris(2027, 9, 3, 18), end=paris(2027, 9, 3, 20))  # too far
        EventFactory(territory=other_territory)
        choices = registry.link_targets["events.event"].choices(territory)
    # Most recent first, labelled with the date (and the kind when the title does not say it).
    assert choices == [
        (rendez_vous.pk, "Visite de la ressourcerie – vendredi 3 avril 2026 (Rendez-vous de l'ESS)"),
        (plenary.pk, "Plénière du CLDESS – vendredi 12 décembre 2025"),
    ]
    assert registry.link_targets["events.event"].url(plenary) == f"/agenda/{plenary.slug}/"


def test_event_choices_are_bounded(territory, monkeypatch):
    monkeypatch.setattr(links, "MAX_CHOICES", 3)
    for day in range(1, 6):
        EventFactory(territory=territory, start=paris(2026, 3, day, 18), end=paris(2026, 3, day, 20))
    with time_machine.travel(NOW, tick=False):
        assert len(links.event_choices(territory)) == 3


def test_series_target_leads_to_the_next_date(territory, structure):
    with time_machine.travel(NOW, tick=False):
        series = services.create_series(
            actor=SYSTEM,
            territory=territory,
            rrule="FREQ=MONTHLY;BYDAY=1FR;COUNT=3",
            first_start=paris(2026, 4, 3, 18),
            duration=dt.timedelta(hours=2),
            hosts=[structure],
            title="Rendez-vous de l'ESS",
            venue="Salle",
        )
        series.occurrences.update(status=Status.PUBLISHED)
        target = registry.link_targets["events.series"]
        assert target.choices(territory) == [
            (series.pk, "Rendez-vous de l'ESS (série depuis le vendredi 3 avril 2026)")
        ]
        first = series.occurrences.order_by("start").first()
        assert target.url(series) == f"/agenda/{first.slug}/"
        series.occurrences.update(status=Status.DRAFT)
        assert target.url(series) == "/agenda/"
