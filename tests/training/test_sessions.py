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


def _aggregate_in_python(census):
    """The results as the page first computed them, row by row in Python: the reference the grouped
    query must match."""
    from collections import Counter

    from maillage.training.models import Priority, ThemeInterest

    rows = {t.pk: {"structures": 0, "people": 0, "high": 0, "periods": Counter(), "formats": Counter()}
            for t in census.themes.all()}  # fmt: skip
    for item in ThemeInterest.objects.filter(response__census=census):
        row = rows[item.theme_id]
        row["structures"] += 1
        row["people"] += item.staff
        row["high"] += item.priority == Priority.HIGH
        row["periods"].update(item.periods)
        row["formats"].update(item.formats)
    return rows


@pytest.mark.parametrize("seed", [1, 2013])
def test_the_grouped_query_gives_the_figures_of_the_row_by_row_count(
    territory, seed, django_assert_num_queries
):
    import random

    from maillage.training.models import Format, Period

    rng = random.Random(seed)
    census = open_census(territory)
    services.save_theme(actor=TESTS, census=census, name="Thème sans réponse")
    themes = list(census.themes.exclude(name="Thème sans réponse"))
    other = open_census(territory, title="Un autre recensement")  # its answers must not count
    for i in range(40):
        structure = StructureFactory(territory=territory, name=f"Structure {i:02d}")
        user = UserFactory(email=f"gestion{i}@example.org")
        MembershipFactory(user=user, structure=structure, role="manager")
        wanted = {
            theme.pk: interest(
                rng.choice([1, 2, 3]),
                staff=rng.randint(1, 40),
                periods=rng.sample(Period.values, rng.randint(0, 4)),
                formats=rng.sample(Format.values, rng.randint(0, 3)),
            )
            for theme in rng.sample(themes, rng.randint(1, 5))
        }
        services.submit_response(actor=user, census=census, structure=structure, answers={}, interests=wanted)
        if i % 3 == 0:
            services.submit_response(
                actor=user,
                census=other,
                structure=structure,
                answers={},
                interests={t.pk: interest(1, staff=99, periods=["q4"]) for t in other.themes.all()},
            )
    expected = _aggregate_in_python(census)
    with django_assert_num_queries(2):  # the themes, then one grouped query
        rows = selectors.aggregate(census)
    assert len(rows) == len(expected) == 9
    for row in rows:
        want = expected[row.theme.pk]
        got = {"structures": row.structures, "people": row.people, "high": row.high,
               "periods": row.periods, "formats": row.formats}  # fmt: skip
        assert got == want, row.theme.name
    assert sum(r.structures for r in rows) > 40  # the random answers did spread over several themes
    empty = next(r for r in rows if r.theme.name == "Thème sans réponse")
    assert (empty.structures, empty.people, empty.periods_label) == (0, 0, "")


def test_a_period_listed_twice_counts_once_and_labels_read_most_wished_first(territory, structure, manager):
    census = open_census(territory)
    theme = census.themes.get(name="Numérique")
    services.submit_response(
        actor=manager,
        census=census,
        structure=structure,
        answers={},
        interests={theme.pk: interest(periods=["q3", "q3", "q1"], formats=["short", "online"])},
    )
    row = next(r for r in selectors.aggregate(census) if r.theme == theme)
    assert row.periods == {"q1": 1, "q3": 1}
    assert row.periods_label == "janvier à mars (1), juillet à septembre (1)"  # ties: the calendar's order
    assert row.formats_label == "à distance (1), demi-journées (1)"
