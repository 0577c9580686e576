"""The directory in a real browser: its map (markers even without a tile server), a profile's map, the
mobile layout, and the journeys of a claim by SIRET and of a moderated edit, with the mails they send."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from maillage.actors.models import Structure
from tests.factories import CommuneFactory, StructureFactory

pytestmark = pytest.mark.browser

PLACES = [
    ("06069", "Grasse", 43.658, 6.925),
    ("06084", "Mouans-Sartoux", 43.620, 6.971),
    ("06085", "Mougins", 43.600, 6.995),
]


@pytest.fixture
def located(territory):
    made = []
    for code, name, lat, lon in PLACES:
        commune = territory.communes.filter(insee_code=code).first()
        if commune is None:
            commune = CommuneFactory(insee_code=code, name=name, latitude=lat, longitude=lon)
            territory.communes.add(commune)
        made.append(
            StructureFactory(
                territory=territory,
                name=f"Atelier solidaire de {name}",
                commune=commune,
                latitude=lat + 0.004,
                longitude=lon + 0.004,
                geocoding=Structure.Geocoding.ADDRESS,
            )
        )
    return made


def console_errors(page) -> list[str]:
    page.set_default_timeout(60_000)  # a shared, busy machine: generous bounds, no timing asserted
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def test_directory_map_shows_markers_without_a_tile_server(settings, located, page):
    settings.MAILLAGE_MAP_TILES_URL = ""  # no tile server set: Leaflet then knows no zoom range
    errors = console_errors(page)
    page.goto("/structures/")
    page.locator("#carte .leaflet-marker-icon").first.wait_for(state="attached")
    icons = page.locator("#carte .leaflet-marker-icon")
    shown = 0
    for i in range(icons.count()):
        text = icons.nth(i).inner_text().strip()
        shown += int(text) if text.isdigit() else 1  # a cluster shows how many markers it holds
    assert shown == len(located)
    assert not [e for e in errors if "maxZoom" in e], errors


def test_profile_shows_a_small_map(settings, located, page):
    settings.MAILLAGE_MAP_TILES_URL = ""
    errors = console_errors(page)
    page.goto(f"/structures/{located[0].slug}/")
    canvas = page.locator("#carte-structure")
    canvas.locator(".leaflet-marker-icon").wait_for(state="visible")
    assert canvas.locator(".leaflet-marker-icon").count() == 1
    assert page.get_by_role("region", name=f"Carte : position de {located[0].name}").is_visible()
    assert not errors, errors


def test_on_a_phone_the_results_come_before_the_facets_and_the_map(located, new_context):
    page = new_context(viewport={"width": 360, "height": 740}).new_page()
    console_errors(page)
    page.goto("/structures/")
    first_result = page.locator("#annuaire-resultats .card-structure").first
    facets = page.locator("#annuaire-facettes")
    page.locator("#carte .leaflet-marker-icon").first.wait_for(state="attached")
    result_top = first_result.bounding_box()["y"]
    assert result_top < facets.bounding_box()["y"]
    assert result_top < page.locator("#carte").bounding_box()["y"]
    # ticking a facet still filters the list (the facets belong to the same form)
    facets.get_by_label("Mouans-Sartoux", exact=False).first.check()
    expect(page.locator("#annuaire-resultats .card-structure")).to_have_count(1, timeout=60_000)
    assert "Mouans-Sartoux" in page.locator("#annuaire-resultats").inner_text()
