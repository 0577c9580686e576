"""The speed-meetings' demo: a past one with 24 SIAE and 24 companies, wishes, a schedule proven optimal and
follow-ups; the next one open for wishes. Runs twice without duplicating anything."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from maillage.core.registry import registry
from maillage.events.recurrence import PARIS
from maillage.matchmaking.demo import NEXT_TITLE, PAST_TITLE
from maillage.matchmaking.models import FollowUp, SpeedMeeting

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 10)


def _load_all(context: dict) -> None:
    for loader in registry.ordered_demo_loaders():
        if loader.order <= 60 and loader.key in {
            "core",
            "accounts",
            "actors_demo_managers",
            "events",
            "matchmaking_demo",
        }:
            loader.load(today=TODAY, context=context)


def test_demo_speed_meetings(settings):
    settings.MAILLAGE_DEMO_TODAY = TODAY.isoformat()
    with time_machine.travel(dt.datetime.combine(TODAY, dt.time(10, 0), tzinfo=PARIS), tick=False):
        context: dict = {}
        _load_all(context)
        _load_all(context)
    past = SpeedMeeting.objects.get(title=PAST_TITLE)
    assert past.status == "done"
    assert (
        past.participants.filter(side="a").count() == 24 and past.participants.filter(side="b").count() == 24
    )
    run = past.runs.get(is_current=True)
    assert all(level["optimal"] for level in run.levels)
    assert run.wishes_total == 24 * 2 * 6 and 0 < run.wishes_met <= run.wishes_total
    assert FollowUp.objects.filter(slot__run=run).exists()
    upcoming = SpeedMeeting.objects.get(title=NEXT_TITLE)
    assert upcoming.status == "open" and upcoming.event.start.date() > TODAY
    assert SpeedMeeting.objects.count() == 2
