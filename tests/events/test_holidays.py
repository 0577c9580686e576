"""French public holidays in recurring series: the animator chooses to skip a date or move it to the next
working day; the form proposes the choice when dates fall on a holiday."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from maillage.events import recurrence, services
from maillage.events.models import Event, OnHoliday, Series
from tests.events.factories import paris

pytestmark = pytest.mark.django_db
NOW = paris(2026, 11, 10, 9, 0)


def _series(territory, animator, on_holiday: str) -> Series:
    return services.create_series(
        actor=animator,
        territory=territory,
        rrule="FREQ=MONTHLY;BYMONTHDAY=1;COUNT=3",  # 1 December, 1 January (a holiday), 1 February
        first_start=paris(2026, 12, 1, 18, 0),
        duration=dt.timedelta(hours=2),
        title="Rendez-vous de l'ESS",
        venue="Salle",
        on_holiday=on_holiday,
        now=NOW,
    )


def _starts(series: Series) -> list[dt.datetime]:
    return list(series.occurrences.order_by("start").values_list("start", flat=True))


def test_the_holidays_of_a_year_are_french_and_named_in_french():
    days = recurrence.public_holidays([2027])
    assert days[dt.date(2027, 1, 1)] == "Jour de l'an"
    assert dt.date(2027, 5, 1) in days and dt.date(2027, 7, 14) in days
    assert dt.date(2027, 12, 26) not in days  # Saint-Étienne is Alsace-Moselle's only
    assert recurrence.next_working_day(paris(2027, 1, 1, 18, 0)) == paris(2027, 1, 4, 18, 0)  # Fri → Mon


def test_a_series_skips_its_holidays_and_stays_skipped(territory, animator):
    series = _series(territory, animator, OnHoliday.SKIP)
    assert _starts(series) == [paris(2026, 12, 1, 18, 0), paris(2027, 2, 1, 18, 0)]
    Series.objects.filter(pk=series.pk).update(materialised_until=None)
    series.refresh_from_db()
    with time_machine.travel(NOW, tick=False):
        assert services.materialise_series(series=series, now=NOW) == 0
    assert _starts(series) == [paris(2026, 12, 1, 18, 0), paris(2027, 2, 1, 18, 0)]


def test_a_series_moves_its_holidays_to_the_next_working_day(territory, animator):
    series = _series(territory, animator, OnHoliday.MOVE)
    assert _starts(series) == [paris(2026, 12, 1, 18, 0), paris(2027, 1, 4, 18, 0), paris(2027, 2, 1, 18, 0)]
    moved = series.occurrences.get(start=paris(2027, 1, 4, 18, 0))
    assert moved.recurrence_id == paris(2027, 1, 1, 18, 0)  # the rule's date stays its identity
    assert moved.end == paris(2027, 1, 4, 20, 0)


def test_a_series_may_keep_its_holidays(territory, animator):
    series = _series(territory, animator, OnHoliday.KEEP)
    assert paris(2027, 1, 1, 18, 0) in _starts(series)


def _post(client, **extra):
    return client.post(
        "/agenda/nouvelle-serie/",
        {
            "title": "Rendez-vous de l'ESS",
            "kind": "rendez_vous",
            "custom_rule": "FREQ=MONTHLY;BYMONTHDAY=1",
            "first_date": "2026-12-01",
            "start_time": "18:00",
            "duration_minutes": 120,
            "mode": "in_person",
            "venue": "Salle",
            "visibility": "public",
            "count": 3,
            **extra,
        },
    )


def test_the_series_form_proposes_to_skip_or_move_the_holidays(client, territory, animator):
    client.force_login(animator)
    with time_machine.travel(NOW):
        response = _post(client)
        page = response.content.decode()
        assert response.status_code == 200
        assert "Ces dates tombent un jour férié" in page
        assert "vendredi 1 janvier 2027 (Jour de l&#x27;an)" in page
        assert "les reporter au jour ouvré suivant" in page
        assert not Event.objects.exists()
        _post(client, on_holiday="move")
    series = Series.objects.get()
    assert series.on_holiday == OnHoliday.MOVE
    assert _starts(series) == [paris(2026, 12, 1, 18, 0), paris(2027, 1, 4, 18, 0), paris(2027, 2, 1, 18, 0)]


def test_a_series_without_holidays_needs_no_choice(client, territory, animator):
    client.force_login(animator)
    with time_machine.travel(NOW):
        _post(client, custom_rule="FREQ=MONTHLY;BYMONTHDAY=2", first_date="2026-12-02")
    assert Series.objects.get().on_holiday == OnHoliday.KEEP
