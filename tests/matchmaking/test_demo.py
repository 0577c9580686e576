"""The speed-meetings' demo: a past one with 24 SIAE and 24 companies, wishes, a schedule proven optimal and
follow-ups; the next one open for wishes. Runs twice without duplicating anything."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from maillage.core.registry import registry
from maillage.events.recurrence import PARIS
from maillage.matchmaking import demo_exchanges as exchanges_demo
from maillage.matchmaking import models as mm
from maillage.matchmaking.demo import NEXT_TITLE, PAST_TITLE
from maillage.matchmaking.models import ExchangeCampaign, FollowUp, SpeedMeeting

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


def test_demo_vis_ma_vie(settings):
    settings.MAILLAGE_DEMO_TODAY = TODAY.isoformat()
    with time_machine.travel(dt.datetime.combine(TODAY, dt.time(10, 0), tzinfo=PARIS), tick=False):
        context: dict = {}
        _load_all(context)
        _load_all(context)
    past = ExchangeCampaign.objects.get(title=exchanges_demo.PAST_TITLE)
    assert past.status == "done" and past.exchanges.filter(status="confirmed").count() == 3
    published = mm.Testimony.objects.filter(exchange__campaign=past, status="published")
    assert published.count() == 4 and all(t.consent for t in published)
    assert mm.Testimony.objects.filter(exchange__campaign=past, consent=False, status="submitted").exists()
    assert all(level["optimal"] for level in past.levels)
    upcoming = ExchangeCampaign.objects.get(title=exchanges_demo.OPEN_TITLE)
    assert upcoming.status == "open" and upcoming.volunteers.count() == 4
    assert ExchangeCampaign.objects.count() == 2
