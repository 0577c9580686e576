"""The agenda's map: every event matching the filters, by bounding box, as JSON (not only the page's 20)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from maillage.events import selectors
from maillage.events.models import Status
from tests.events.factories import EventFactory, paris
from tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db

WORLD = "-180,-90,180,90"


def _markers(client, query: str) -> dict:
    response = client.get(f"/agenda/carte.json?{query}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_the_map_holds_every_matching_event_not_only_the_page(client, territory):
    start = timezone.now() + dt.timedelta(days=2)
    for n in range(25):
        EventFactory(
            territory=territory,
            title=f"Visite {n}",
            start=start + dt.timedelta(days=n),
            latitude=43.6 + n / 1000,
            longitude=6.9,
        )
    page = client.get("/agenda/").content.decode()
    assert "Visite 19" in page and "Visite 24" not in page  # the list shows 20 a page
    assert 'data-markers-url="/agenda/carte.json"' in page
    data = _markers(client, f"bbox={WORLD}")
    assert data["count"] == 25 and not data["tronque"]
    assert {m["title"] for m in data["markers"]} == {f"Visite {n}" for n in range(25)}
    first = next(m for m in data["markers"] if m["title"] == "Visite 0")
    assert first["url"].startswith("/agenda/rendez-vous-") and first["when"]
    assert (first["lat"], first["lng"]) == (43.6, 6.9)


def test_filters_period_and_bbox_apply(client, territory):
    commune = CommuneFactory(insee_code="06069", name="Grasse", latitude=43.66, longitude=6.92)
    territory.communes.add(commune)
    EventFactory(territory=territory, title="Rdv en commune", kind="rendez_vous", commune=commune)
    EventFactory(territory=territory, title="Atelier", kind="reunion_atelier", latitude=43.7, longitude=7.0)
    EventFactory(territory=territory, title="Loin", kind="rendez_vous", latitude=48.85, longitude=2.35)
    EventFactory(territory=territory, title="Sans lieu", kind="rendez_vous", mode="online", venue="")
    EventFactory(
        territory=territory,
        title="Passé",
        kind="rendez_vous",
        latitude=43.7,
        longitude=7.0,
        start=timezone.now() - dt.timedelta(days=5),
    )
    titles = lambda query: {m["title"] for m in _markers(client, query)["markers"]}  # noqa: E731
    assert titles(f"bbox={WORLD}") == {"Rdv en commune", "Atelier", "Loin"}
    # the commune's centroid stands for an event without coordinates, as on the event page
    assert titles("bbox=6.5,43.5,7.5,44") == {"Rdv en commune", "Atelier"}
    assert titles(f"bbox={WORLD}&kind=rendez_vous") == {"Rdv en commune", "Loin"}
    assert titles(f"bbox={WORLD}&commune=06069") == {"Rdv en commune"}
    assert titles(f"bbox={WORLD}&q=atelier") == {"Atelier"}
    assert titles(f"bbox={WORLD}&periode=passes") == {"Passé"}
    # the page hands its filters to the map
    page = client.get("/agenda/?kind=rendez_vous&periode=passes&page=2").content.decode()
    assert 'data-markers-url="/agenda/carte.json?kind=rendez_vous&amp;periode=passes"' in page


def test_the_map_shows_only_what_the_person_may_see(client, territory, other_territory, member):
    EventFactory(territory=territory, title="Public", latitude=43.7, longitude=7.0)
    EventFactory(territory=territory, title="Membres", visibility="members", latitude=43.7, longitude=7.0)
    EventFactory(territory=territory, title="Brouillon", status=Status.DRAFT, latitude=43.7, longitude=7.0)
    EventFactory(territory=other_territory, title="Ailleurs", latitude=43.7, longitude=7.0)
    titles = lambda: {m["title"] for m in _markers(client, f"bbox={WORLD}")["markers"]}  # noqa: E731
    assert titles() == {"Public"}
    client.force_login(member)
    assert titles() == {"Public", "Membres"}


@pytest.mark.parametrize(
    ("bbox", "message"),
    [
        ("", "quatre nombres"),
        ("1,2,3", "quatre nombres"),
        ("a,b,c,d", "quatre nombres"),
        ("0,95,1,96", "hors des limites"),
        ("nan,nan,nan,nan", "hors des limites"),
    ],
)
def test_a_bad_bbox_gets_a_french_400(client, territory, bbox, message):
    response = client.get(f"/agenda/carte.json?bbox={bbox}")
    assert response.status_code == 400
    assert message in response.json()["erreur"]


def test_the_map_is_capped(client, territory, monkeypatch):
    monkeypatch.setattr(selectors, "MARKERS_LIMIT", 3)
    for n in range(5):
        EventFactory(territory=territory, latitude=43.7, longitude=7.0 + n / 100)
    data = _markers(client, f"bbox={WORLD}")
    assert data["count"] == 3 and data["tronque"] is True


def test_no_event_no_map(client, territory):
    page = client.get("/agenda/").content.decode()
    assert "carte.json" not in page and "leaflet.js" not in page


def test_marker_dates_are_in_french_and_paris_time(client, territory):
    place = {"territory": territory, "latitude": 43.7, "longitude": 7.0}
    EventFactory(title="Nouvel an", start=paris(2027, 1, 1, 18, 0), **place)
    EventFactory(title="Matin", start=paris(2027, 7, 14, 9, 30), **place)
    with time_machine.travel(paris(2026, 12, 1, 12, 0), tick=False):
        data = _markers(client, f"bbox={WORLD}")
    assert {m["title"]: m["when"] for m in data["markers"]} == {
        "Nouvel an": "vendredi 1er janvier 2027, 18 h",
        "Matin": "mercredi 14 juillet 2027, 9 h 30",
    }
