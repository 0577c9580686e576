"""Recurring series: French summaries, local-time expansion across clock changes, validation, edits."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from maillage.events import recurrence, services
from maillage.events.models import Event, Registration, Series
from tests.events.factories import paris
from tests.factories import StructureFactory, UserFactory

FIRST = paris(2026, 1, 2, 18, 0)  # a Friday


@pytest.mark.parametrize(
    ("rule", "start", "expected"),
    [
        ("FREQ=MONTHLY;BYDAY=1FR", FIRST, "le premier vendredi de chaque mois à 18 h"),
        ("FREQ=MONTHLY;BYDAY=-1TH", paris(2026, 1, 29, 9, 30), "le dernier jeudi de chaque mois à 9 h 30"),
        (
            "FREQ=MONTHLY;INTERVAL=2;BYDAY=2TU",
            paris(2026, 1, 13, 14, 0),
            "le deuxième mardi, un mois sur deux à 14 h",
        ),
        ("FREQ=WEEKLY;BYDAY=MO,WE", paris(2026, 1, 5, 10, 0), "chaque lundi et mercredi à 10 h"),
        ("FREQ=WEEKLY;INTERVAL=2", FIRST, "un vendredi sur deux à 18 h"),
        ("FREQ=DAILY;COUNT=5", FIRST, "chaque jour à 18 h, 5 fois"),
        ("FREQ=MONTHLY;BYMONTHDAY=1", paris(2026, 2, 1, 12, 0), "le 1er de chaque mois à 12 h"),
        ("FREQ=YEARLY", paris(2026, 11, 20, 18, 0), "chaque année le 20 novembre à 18 h"),
    ],
)
def test_french_summary(rule, start, expected):
    assert recurrence.summary_fr(rule, start) == expected


def test_expansion_keeps_the_local_hour_across_clock_changes():
    dates = recurrence.occurrences("FREQ=MONTHLY;BYDAY=1FR", FIRST, before=paris(2026, 12, 31))
    assert [d.date().isoformat() for d in dates[:4]] == [
        "2026-01-02",
        "2026-02-06",
        "2026-03-06",
        "2026-04-03",
    ]
    assert {(d.hour, d.minute) for d in dates} == {(18, 0)}
    utc_hours = {d.month: d.astimezone(dt.UTC).hour for d in dates}
    assert utc_hours[3] == 17 and utc_hours[4] == 16  # winter → summer time (29 March 2026)
    assert utc_hours[10] == 16 and utc_hours[11] == 17  # summer → winter time (25 October 2026)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("", "fréquence"),
        ("FREQ=HOURLY", "quotidienne"),
        ("FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=2", "aucune date"),
        ("FREQ=DAILY;UNTIL=20250101", "aucune date"),
        ("FREQ=DAILY;BYDAY=XX", "pas valide"),
        ("FREQ=DAILY;DTSTART=20260101", "n'est pas accepté"),
        ("FREQ=DAILY;COUNT=3;UNTIL=20260301", "pas les deux"),
        ("FREQ=DAILY;BYSETPOS", "mal écrite"),
    ],
)
def test_bad_rules_are_refused_in_french(rule, message):
    with pytest.raises(ValidationError, match=message):
        recurrence.validate(rule, FIRST)


@pytest.mark.django_db
def test_a_rule_with_too_many_dates_is_refused(territory, animator, monkeypatch):
    monkeypatch.setattr(recurrence, "MAX_OCCURRENCES", 50)
    with pytest.raises(ValidationError, match="plus de 50 dates"):
        services.create_series(
            actor=animator,
            territory=territory,
            rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE",
            first_start=paris(2026, 1, 5, 9, 0),
            duration=dt.timedelta(hours=1),
            title="Trop",
            venue="Salle",
            now=FIRST,
        )
    assert not Series.objects.exists()


@pytest.fixture
def series(territory, animator):
    with time_machine.travel(paris(2026, 1, 1, 12, 0), tick=False):
        return services.create_series(
            actor=animator,
            territory=territory,
            rrule="FREQ=MONTHLY;BYDAY=1FR",
            first_start=FIRST,
            duration=dt.timedelta(hours=2),
            hosts=[StructureFactory(territory=territory, name="Scop A")],
            title="Rendez-vous de l'ESS",
            venue="Chez l'hôte",
            capacity=20,
            now=paris(2026, 1, 1, 12, 0),
        )


@pytest.mark.django_db
def test_a_series_materialises_a_year_of_occurrences_each_with_its_own_settings(series):
    occurrences = list(series.occurrences.order_by("start"))
    assert len(occurrences) == 13  # Jan 2026 → Jan 2027 (366 days ahead of 1 January)
    assert all(o.capacity == 20 and o.status == "published" for o in occurrences)
    assert [o.hosts.get().name for o in occurrences[:2]] == ["Scop A", "Scop A"]
    assert {o.start.astimezone(recurrence.PARIS).hour for o in occurrences} == {18}
    # the periodic job is idempotent and moves the window forward
    assert services.materialise_series(series=series, now=paris(2026, 1, 1, 12, 0)) == 0
    assert services.materialise_series(series=series, now=paris(2026, 3, 1, 12, 0)) == 1  # February 2027
    assert series.occurrences.count() == 14


@pytest.mark.django_db
def test_edit_this_date_only_notifies_its_registrants(series, animator, mailoutbox, on_commit):
    march = series.occurrences.get(start__date=dt.date(2026, 3, 6))
    april = series.occurrences.get(start__date=dt.date(2026, 4, 3))
    with time_machine.travel(paris(2026, 2, 1, 12, 0), tick=False):
        services.register_account(actor=UserFactory(email="m@example.org"), event=march)
        services.register_account(actor=UserFactory(email="a@example.org"), event=april)
        mailoutbox.clear()
        with on_commit():
            services.edit_occurrences(
                actor=animator, event=march, scope="this", shift=dt.timedelta(minutes=30), venue="Autre salle"
            )
    march.refresh_from_db()
    april.refresh_from_db()
    assert march.start == paris(2026, 3, 6, 18, 30) and march.venue == "Autre salle" and march.is_override
    assert march.recurrence_id == paris(2026, 3, 6, 18, 0)  # RECURRENCE-ID keeps the original date
    assert april.start == paris(2026, 4, 3, 18, 0) and april.venue == "Chez l'hôte"
    assert [m.to for m in mailoutbox] == [["m@example.org"]]


@pytest.mark.django_db
def test_edit_this_and_following_splits_the_series(series, animator):
    april = series.occurrences.get(start__date=dt.date(2026, 4, 3))
    with time_machine.travel(paris(2026, 2, 1, 12, 0), tick=False):
        services.register_account(actor=UserFactory(email="a@example.org"), event=april)
        services.edit_occurrences(
            actor=animator, event=april, scope="following", shift=dt.timedelta(hours=-8), capacity=40
        )
    series.refresh_from_db()
    new = Series.objects.exclude(pk=series.pk).get()
    assert new.previous == series
    assert "UNTIL=20260403T175959" in series.rrule
    assert new.first_start == paris(2026, 4, 3, 10, 0)
    assert recurrence.occurrences(series.rrule, series.first_start, before=paris(2027, 1, 1))[-1] == paris(
        2026, 3, 6, 18, 0
    )
    moved = list(new.occurrences.order_by("start"))
    assert moved[0].pk == april.pk and moved[0].start == paris(2026, 4, 3, 10, 0) and moved[0].capacity == 40
    assert {o.start.astimezone(recurrence.PARIS).hour for o in moved} == {
        10
    }  # 10:00 before and after October
    assert Registration.objects.get(email="a@example.org").event_id == april.pk  # registrations follow
    assert series.occurrences.count() == 3  # January to March stay with the old series


@pytest.mark.django_db
def test_edit_all_keeps_individually_changed_dates(series, animator):
    march = series.occurrences.get(start__date=dt.date(2026, 3, 6))
    with time_machine.travel(paris(2026, 2, 1, 12, 0), tick=False):
        services.edit_occurrences(actor=animator, event=march, scope="this", venue="Salle spéciale")
        services.edit_occurrences(actor=animator, event=march, scope="all", venue="Nouvelle salle")
    venues = {o.start.date(): o.venue for o in Event.objects.filter(series=series)}
    assert venues[dt.date(2026, 3, 6)] == "Salle spéciale"
    assert venues[dt.date(2026, 4, 3)] == "Nouvelle salle"
    assert venues[dt.date(2026, 1, 2)] == "Chez l'hôte"  # past dates are left alone


@pytest.mark.django_db
def test_splitting_a_counted_series_keeps_the_total(territory, animator):
    with time_machine.travel(paris(2026, 1, 1, 12, 0), tick=False):
        series = services.create_series(
            actor=animator, territory=territory, rrule="FREQ=MONTHLY;BYDAY=1FR;COUNT=6", first_start=FIRST,
            duration=dt.timedelta(hours=2), title="Cycle", venue="Salle", now=paris(2026, 1, 1, 12, 0),
        )  # fmt: skip
        march = series.occurrences.get(start__date=dt.date(2026, 3, 6))
        services.edit_occurrences(actor=animator, event=march, scope="following", venue="Autre salle")
    new = Series.objects.exclude(pk=series.pk).get()
    assert new.rrule.endswith("COUNT=4")
    assert len(recurrence.occurrences(new.rrule, new.first_start, before=paris(2027, 12, 31))) == 4
    assert Event.objects.filter(venue="Autre salle").count() == 4
