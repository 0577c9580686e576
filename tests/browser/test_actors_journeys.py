"""The directory in a real browser: its map (markers even without a tile server), a profile's map, the
mobile layout, and the journeys of a claim by SIRET and of a moderated edit, with the mails they send."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from maillage.actors.models import Structure
from tests.conftest import with_totp
from tests.factories import CommuneFactory, StructureFactory, TerritoryRoleFactory, UserFactory

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

    def shown() -> int:
        # Read every marker in one go: the map fetches its points again after fitting the bounds and
        # redraws them, so counting first and reading one by one would race with that redraw.
        texts = icons.evaluate_all("els => els.map(e => e.innerText.trim())")
        return sum(int(t) if t.isdigit() else 1 for t in texts)  # a cluster shows how many it holds

    page.wait_for_load_state("networkidle")
    for _ in range(100):  # the last redraw may follow the last fetch by a frame or two
        if shown() == len(located):
            break
        page.wait_for_timeout(100)
    assert shown() == len(located)
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


def test_on_a_wide_screen_the_map_and_results_fill_the_right_column(located, new_context):
    """The search form holds the whole page: the generic 40rem cap of forms must not squeeze it."""
    page = new_context(viewport={"width": 1366, "height": 900}).new_page()
    page.goto("/structures/")
    page.locator("#carte .leaflet-marker-icon").first.wait_for(state="attached")
    content = page.locator("main").bounding_box()
    results = page.locator("#annuaire-resultats").bounding_box()
    assert results["width"] > content["width"] * 0.6
    assert page.locator("#carte").bounding_box()["y"] < results["y"]  # the map above the list


# --- journeys with mail: a claim by SIRET, a moderated edit ----------------------------------------------

SIRET = "73282932000074"  # a public example with valid keys


@pytest.fixture
def moderator(territory):
    user = UserFactory(email="modo@example.org", first_name="Mona", last_name="Dératrice")
    TerritoryRoleFactory(user=user, territory=territory, role="moderator")
    return with_totp(user)


def test_claim_a_structure_by_its_siret(territory, moderator, smtp_inbox, new_context):
    existing = StructureFactory(territory=territory, name="Coopérative des Collines", siret=SIRET)
    person = UserFactory(email="gerante@example.org", first_name="Gaëlle", last_name="Giraud")
    page = new_context(user=person).new_page()
    page.set_default_timeout(60_000)

    # She tries to register her cooperative: its SIRET is known, the page offers to claim the record.
    page.goto("/structures/inscrire/")
    page.locator("input[name=name]").fill("Coopérative des Collines")
    page.locator("select[name=family]").select_option("cooperative")
    page.locator("input[name=siret]").fill("732 829 320 00074")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Cette structure a déjà une fiche").wait_for()
    page.get_by_role("link", name="Demander la gestion de cette fiche").click()
    page.locator("textarea[name=message]").fill("Je suis la gérante de la coopérative.")
    page.get_by_role("button", name="Envoyer la demande").click()
    page.get_by_text("Votre demande est envoyée").wait_for()

    # The moderator is told by mail, follows the link and accepts.
    told = smtp_inbox.wait_for(to="modo@example.org", subject="Demande de gestion", seconds=60)
    assert "Gaëlle Giraud" in told.text and "gerante@example.org" not in told.text
    moderation = new_context(user=moderator).new_page()
    moderation.set_default_timeout(60_000)
    moderation.goto(smtp_inbox.link_path(told, r"^/structures/moderation/$"))
    request = moderation.locator("article.moderation-item", has_text="Coopérative des Collines")
    request.get_by_role("button", name="Accepter").click()
    moderation.get_by_text("Demande de gestion traitée").wait_for()

    # She gets the answer by mail, opens her record and can now edit it.
    answer = smtp_inbox.wait_for(to="gerante@example.org", subject="Vous gérez désormais", seconds=60)
    page.goto(smtp_inbox.link_path(answer, rf"^/structures/{existing.slug}/$"))
    assert page.get_by_role("link", name="Modifier la fiche").is_visible()
    assert not page.get_by_role("link", name="Demander la gestion de cette fiche").count()


def test_moderator_accepts_a_proposed_edit(territory, moderator, manager, structure, smtp_inbox, new_context):
    territory.settings = {"moderate_manager_edits": True}
    territory.save()
    page = new_context(user=manager).new_page()
    page.set_default_timeout(60_000)
    page.goto(f"/structures/{structure.slug}/modifier/")
    page.locator("input[name=website]").fill("https://ressourcerie.exemple.org")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("visibles après validation").wait_for()

    told = smtp_inbox.wait_for(to="modo@example.org", subject="Modification à valider", seconds=60)
    moderation = new_context(user=moderator).new_page()
    moderation.set_default_timeout(60_000)
    moderation.goto(smtp_inbox.link_path(told, r"^/structures/moderation/$"))
    proposal = moderation.locator("article.moderation-item", has_text="https://ressourcerie.exemple.org")
    proposal.get_by_role("button", name="Accepter").click()
    moderation.get_by_text("Modification traitée").wait_for()

    answer = smtp_inbox.wait_for(to="gestionnaire@example.org", subject="Modifications publiées", seconds=60)
    assert "acceptées" in answer.text
    page.goto(smtp_inbox.link_path(answer, rf"^/structures/{structure.slug}/$"))
    assert page.get_by_text("https://ressourcerie.exemple.org").first.is_visible()
