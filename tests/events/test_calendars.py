"""ICS feeds parsed with icalendar and expanded with recurring-ical-events across the clock changes."""

from __future__ import annotations

import datetime as dt

import pytest
import recurring_ical_events
import time_machine
from django.utils import timezone
from icalendar import Calendar

from maillage.events import services
from maillage.events.models import Event, Series, Status
from maillage.events.recurrence import PARIS
from tests.events.factories import EventFactory, paris
from tests.factories import CommuneFactory, StructureFactory

pytestmark = pytest.mark.django_db
NOW = paris(2026, 1, 10, 12, 0)


@pytest.fixture
def series(territory, animator):
    with time_machine.travel(NOW, tick=False):
        return services.create_series(
            actor=animator,
            territory=territory,
            rrule="FREQ=MONTHLY;BYDAY=1FR",
            first_start=paris(2026, 1, 2, 18, 0),
            duration=dt.timedelta(hours=2),
            title="Rendez-vous de l'ESS",
            venue="Chez l'hôte",
            now=NOW,
        )


def _expand(body: bytes, start: dt.datetime, end: dt.datetime) -> list:
    calendar = Calendar.from_ical(body)
    return sorted(recurring_ical_events.of(calendar).between(start, end), key=lambda e: e["DTSTART"].dt)


def _ours(series, start, end) -> list[tuple[dt.datetime, dt.datetime]]:
    return [
        (e.start, e.end)
        for e in Event.objects.filter(series=series, start__gte=start, start__lt=end)
        .exclude(status=Status.CANCELLED)
        .order_by("start")
    ]


def _vevents(body: bytes) -> list:
    return sorted(Calendar.from_ical(body).walk("VEVENT"), key=lambda c: c["DTSTART"].dt)


def test_the_feed_expands_to_our_occurrences_across_march_and_october(client, series, animator):
    march = series.occurrences.get(start__date=dt.date(2026, 3, 6))
    october = series.occurrences.get(start__date=dt.date(2026, 10, 2))
    november = series.occurrences.get(start__date=dt.date(2026, 11, 6))
    with time_machine.travel(NOW, tick=False):
        # moved: 18:00 → 19:00 on 6 March; cancelled: 2 October; another place in November
        services.edit_occurrences(actor=animator, event=march, scope="this", shift=dt.timedelta(hours=1))
        services.change_status(actor=animator, event=october, to=Status.CANCELLED)
        services.edit_occurrences(actor=animator, event=november, scope="this", venue="Salle municipale")
        response = client.get("/agenda/agenda.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content
    calendar = Calendar.from_ical(body)
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Paris"
    assert not [c for c in calendar.walk("VEVENT") if "RRULE" in c or "RECURRENCE-ID" in c]
    cancelled = [c for c in calendar.walk("VEVENT") if str(c["STATUS"]) == "CANCELLED"]
    assert [c["DTSTART"].dt for c in cancelled] == [paris(2026, 10, 2, 18, 0)]

    start, end = paris(2026, 1, 1), paris(2027, 1, 1)
    expanded = [e for e in _expand(body, start, end) if str(e["STATUS"]) != "CANCELLED"]
    theirs = [(e["DTSTART"].dt, e["DTEND"].dt) for e in expanded]
    assert theirs == _ours(series, start, end)
    assert all(e["DTSTART"].params["TZID"] == "Europe/Paris" for e in expanded)
    # the wall-clock hour stays 18:00 across 29 March and 25 October (except the date moved to 19:00)
    hours = {e["DTSTART"].dt.date(): e["DTSTART"].dt.astimezone(PARIS).hour for e in expanded}
    assert hours[dt.date(2026, 3, 6)] == 19
    assert hours[dt.date(2026, 4, 3)] == 18 and hours[dt.date(2026, 11, 6)] == 18
    assert dt.date(2026, 10, 2) not in hours
    utc = {e["DTSTART"].dt.date(): e["DTSTART"].dt.astimezone(dt.UTC).hour for e in expanded}
    assert utc[dt.date(2026, 4, 3)] == 16 and utc[dt.date(2026, 12, 4)] == 17
    november_component = next(e for e in expanded if e["DTSTART"].dt.date() == dt.date(2026, 11, 6))
    assert "Salle municipale" in str(november_component["LOCATION"])


def test_each_occurrence_has_its_own_place_and_page(client, series, territory):
    """The demo gives every date its host's premises (a plain update, not an override): each VEVENT must
    carry its own LOCATION and URL, not the series' « Chez l'hôte » everywhere."""
    andon = CommuneFactory(insee_code="06003", name="Andon", latitude=43.77, longitude=6.78)
    territory.communes.add(andon)
    occurrences = list(series.occurrences.order_by("start")[:3])
    for index, event in enumerate(occurrences):
        Event.objects.filter(pk=event.pk).update(venue=f"Locaux de la structure {index}", commune=andon)
    with time_machine.travel(NOW, tick=False):
        vevents = _vevents(client.get("/agenda/agenda.ics").content)
    by_start = {c["DTSTART"].dt: c for c in vevents}
    for index, event in enumerate(occurrences):
        component = by_start[event.start]
        assert str(component["LOCATION"]) == f"Locaux de la structure {index}, Andon"
        assert str(component["URL"]) == f"https://ess.paysdegrasse.test/agenda/{event.slug}/"
    assert len({str(c["URL"]) for c in vevents}) == len(vevents)
    assert sum("Chez l'hôte" in str(c["LOCATION"]) for c in vevents) == len(vevents) - 3


def test_the_event_ics_and_the_feed_share_the_uid(client, series):
    event = series.occurrences.order_by("start")[2]
    with time_machine.travel(NOW, tick=False):
        (single,) = Calendar.from_ical(client.get(f"/agenda/{event.slug}/agenda.ics").content).walk("VEVENT")
        feed = _vevents(client.get("/agenda/agenda.ics").content)
    (same,) = [c for c in feed if c["DTSTART"].dt == event.start]
    assert str(single["UID"]) == str(same["UID"]) == f"event-{event.pk}@ess.paysdegrasse.test"
    assert len({str(c["UID"]) for c in feed}) == len(feed)


def test_a_feed_filtered_by_commune_holds_only_the_matching_occurrences(client, series, territory):
    andon = CommuneFactory(insee_code="06003", name="Andon", latitude=43.77, longitude=6.78)
    territory.communes.add(andon)
    grasse = territory.communes.get(insee_code="06069")
    Series.objects.filter(pk=series.pk).update(commune=grasse)
    series.occurrences.update(commune=grasse)
    moved = series.occurrences.get(start__date=dt.date(2026, 5, 1))
    Event.objects.filter(pk=moved.pk).update(commune=andon, venue="Ferme d'Andon")
    with time_machine.travel(NOW, tick=False):
        body = client.get("/agenda/agenda.ics?commune=06003").content
        everything = client.get("/agenda/agenda.ics").content
    (only,) = _vevents(body)
    assert only["DTSTART"].dt == paris(2026, 5, 1, 18, 0)
    assert str(only["LOCATION"]) == "Ferme d'Andon, Andon"
    # a client expanding the feed finds that one date, nothing of the series' other dates
    expanded = _expand(body, paris(2025, 1, 1), paris(2030, 1, 1))
    assert [e["DTSTART"].dt for e in expanded] == [only["DTSTART"].dt]
    assert len(_vevents(everything)) > 10


def test_the_description_is_plain_text(client, territory):
    event = EventFactory(
        territory=territory,
        title="Visite",
        description="Une visite **sur site** de la _ressourcerie_.\n\n"
        "- café\n- échanges\n\nVoir [le programme](https://exemple.org/programme).",
    )
    (vevent,) = Calendar.from_ical(client.get(f"/agenda/{event.slug}/agenda.ics").content).walk("VEVENT")
    description = str(vevent["DESCRIPTION"])
    assert "Une visite sur site de la ressourcerie." in description
    assert "- café\n- échanges" in description
    assert "Voir le programme (https://exemple.org/programme)." in description
    assert not any(mark in description for mark in ("**", "_ressourcerie_", "<", "]("))
    assert description.endswith(f"https://ess.paysdegrasse.test/agenda/{event.slug}/")


def test_a_split_series_expands_to_the_same_dates(client, series, animator):
    april = series.occurrences.get(start__date=dt.date(2026, 4, 3))
    with time_machine.travel(NOW, tick=False):
        services.edit_occurrences(
            actor=animator, event=april, scope="following", shift=dt.timedelta(minutes=30)
        )
        body = client.get("/agenda/agenda.ics").content
    start, end = paris(2026, 1, 1), paris(2026, 12, 31)
    theirs = [(e["DTSTART"].dt, e["DTEND"].dt) for e in _expand(body, start, end)]
    ours = sorted(
        (e.start, e.end)
        for e in Event.objects.filter(start__gte=start, start__lt=end).exclude(status=Status.CANCELLED)
    )
    assert theirs == ours
    assert theirs[2][0] == paris(2026, 3, 6, 18, 0) and theirs[3][0] == paris(2026, 4, 3, 18, 30)


def test_filtered_feeds_and_window(client, territory):
    grasse = territory.communes.get()
    other = CommuneFactory(insee_code="06007", name="Auribeau-sur-Siagne")
    territory.communes.add(other)
    host = StructureFactory(territory=territory, slug="scop-hote")
    now = timezone.now()
    a = EventFactory(territory=territory, title="Visite A", commune=grasse, kind="rendez_vous")
    a.hosts.add(host)
    EventFactory(territory=territory, title="Atelier B", commune=other, kind="reunion_atelier")
    EventFactory(territory=territory, title="Trop ancien", start=now - dt.timedelta(days=200))
    EventFactory(territory=territory, title="Brouillon", status=Status.DRAFT)
    EventFactory(territory=territory, title="Membres", visibility="members")

    def titles(query: str) -> set[str]:
        calendar = Calendar.from_ical(client.get(f"/agenda/agenda.ics{query}").content)
        return {str(c["SUMMARY"]) for c in calendar.walk("VEVENT")}

    assert titles("") == {"Visite A", "Atelier B"}
    assert titles("?kind=rendez_vous") == {"Visite A"}
    assert titles("?commune=06007") == {"Atelier B"}
    assert titles("?structure=scop-hote") == {"Visite A"}


def test_the_feed_answers_304_to_a_matching_etag_and_changes_when_an_event_does(
    client, territory, animator, on_commit
):
    event = EventFactory(territory=territory)
    first = client.get("/agenda/agenda.ics")
    etag = first["ETag"]
    assert client.get("/agenda/agenda.ics", HTTP_IF_NONE_MATCH=etag).status_code == 304
    with on_commit():
        services.update_event(actor=animator, event=event, title="Nouveau titre")
    changed = client.get("/agenda/agenda.ics", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert b"Nouveau titre" in changed.content


def test_one_event_ics(client, territory):
    event = EventFactory(
        territory=territory, title="Visite", start=paris(2026, 7, 3, 18, 0), end=paris(2026, 7, 3, 20, 0)
    )
    response = client.get(f"/agenda/{event.slug}/agenda.ics")
    calendar = Calendar.from_ical(response.content)
    (vevent,) = calendar.walk("VEVENT")
    assert vevent["DTSTART"].dt == paris(2026, 7, 3, 18, 0)
    assert vevent["DTSTART"].params["TZID"] == "Europe/Paris"
    assert str(vevent["URL"]) == f"https://ess.paysdegrasse.test/agenda/{event.slug}/"
    assert calendar.walk("VTIMEZONE")
