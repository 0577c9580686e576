"""Training objects for tests, made through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from maillage.core.actors import system
from maillage.events.recurrence import PARIS
from maillage.training import services
from maillage.training.models import Census

TESTS = system("tests")


def open_census(territory: Any, *, days: int = 20, **extra: Any) -> Census:
    census = services.create_census(
        actor=TESTS,
        territory=territory,
        title=extra.pop("title", "Besoins 2027"),
        opens_on=timezone.localdate() - dt.timedelta(days=1),
        deadline=timezone.now() + dt.timedelta(days=days),
        **extra,
    )
    return services.move_census(actor=TESTS, census=census, to="open")


def interest(priority: int = 2, staff: int = 1, **extra: Any) -> dict[str, Any]:
    return {"staff": staff, "priority": priority, "periods": ["q1"], "formats": ["online"], **extra}


def next_local(weekday: int, hour: int, *, weeks: int = 1) -> dt.datetime:
    """A local (Paris) datetime on the `weekday` of a coming week at `hour`:00."""
    today = timezone.localdate()
    day = today + dt.timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=PARIS)


def office_hours_of(territory: Any, adviser_user: Any, **extra: Any) -> Any:
    adviser = services.name_adviser(
        actor=TESTS, territory=territory, user=adviser_user, organisation="DLA 06"
    )
    fields = {
        "title": "Permanence financements",
        "rrule": "FREQ=WEEKLY",
        "first_start": next_local(1, 9),
        "slot_minutes": 45,
        "slots_per_occurrence": 2,
        "place": "Maison de l'ESS, Grasse",
        **extra,
    }
    return services.publish_office_hours(actor=adviser_user, adviser=adviser, **fields)
