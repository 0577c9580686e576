"""The agenda's demo: the monthly Rendez-vous on first Fridays at 18:00, hosted in turn, relative to
DEMO_TODAY."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from maillage.core.registry import registry
from maillage.events.models import Campaign, Event, Registration, Series
from maillage.events.recurrence import PARIS

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 10)


def _load_all(context: dict) -> None:
    for loader in registry.ordered_demo_loaders():
        if loader.order <= 40:
            loader.load(today=TODAY, context=context)


def test_demo_agenda_tells_the_story_and_can_run_twice(settings):
    settings.MAILLAGE_DEMO_TODAY = TODAY.isoformat()
    now = dt.datetime.combine(TODAY, dt.time(10, 0), tzinfo=PARIS)
    with time_machine.travel(now, tick=False):
        _load_all({})
        counts = (Event.objects.count(), Registration.objects.count())
        _load_all({})
    assert (Event.objects.count(), Registration.objects.count()) == counts
    series = Series.objects.get(title="Les Rendez-vous de l'ESS")
    assert series.rrule == "FREQ=MONTHLY;BYDAY=1FR"
    occurrences = list(series.occurrences.order_by("start"))
    assert all(o.title == "Les Rendez-vous de l'ESS" for o in occurrences)  # « ESS », never « l'ess »
    # 1 January 2027 is a first Friday, and a public holiday: the demo series skips it
    assert series.on_holiday == "skip"
    assert dt.date(2027, 1, 1) not in {o.start.astimezone(PARIS).date() for o in occurrences}
    assert dt.date(2027, 2, 5) in {o.start.astimezone(PARIS).date() for o in occurrences}
    assert all(
        o.start.astimezone(PARIS).weekday() == 4 and o.start.astimezone(PARIS).hour == 18 for o in occurrences
    )
    past = [o for o in occurrences if o.end < now]
    upcoming = [o for o in occurrences if o.start > now]
    assert len(past) >= 10 and len(upcoming) >= 10
    assert all(o.report_published_at and o.registrations.filter(attended=True).exists() for o in past)
    with time_machine.travel(now, tick=False):
        assert upcoming[0].accepts_registrations
    hosts = {o.hosts.get().pk for o in occurrences[:3]}
    assert len(hosts) >= 2  # hosted in turn by different structures
    assert Event.objects.filter(kind="reunion_atelier").count() == 4
    campaign = Campaign.objects.get()
    assert campaign.starts_on == dt.date(2026, 11, 1)
    assert campaign.events.filter(campaign_validated=True).count() == 3
    assert campaign.events.filter(campaign_validated=False, status="draft").count() == 1
