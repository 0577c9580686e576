"""Journeys of the dashboard in a real browser: a citizen reads the territory's figures and downloads a table
as CSV; a visitor searches from the header's box and opens a structure. Each ends on the French words the
person reads."""

from __future__ import annotations

import re

import pytest

from maillage.actors.services import index_structure
from tests.factories import StructureFactory

pytestmark = pytest.mark.browser


def main_text(page) -> str:
    return re.sub(r"\s+", " ", page.locator("main").inner_text())


def test_a_citizen_reads_the_figures_and_downloads_a_csv(new_context, territory):
    grasse = territory.communes.get()
    StructureFactory(territory=territory, name="Coop des collines", family="cooperative", commune=grasse)
    StructureFactory(territory=territory, name="Asso du canal", family="association", workforce_band="02")
    page = new_context().new_page()

    page.goto("/")
    nav = page.get_by_role("navigation", name="Navigation principale")
    link = nav.get_by_role("link", name="Chiffres")
    if not link.is_visible():  # past the first entries, the menu keeps it under « Plus »
        nav.get_by_text("Plus", exact=True).click()
    link.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "L'ESS du territoire en chiffres"
    families = page.get_by_role("region", name="Données : Structures par famille de l'ESS")
    assert "Coopérative" in families.inner_text() and "Association" in families.inner_text()
    assert page.get_by_role("img", name="Structures par famille de l'ESS").count() == 1
    assert "Chiffres calculés le" in main_text(page)

    # The year filter, then the download.
    page.get_by_label("Année", exact=True).select_option(index=1)
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_load_state()
    assert re.search(
        r"L'ESS du territoire en chiffres — \d{4}", page.get_by_role("heading", level=1).inner_text()
    )
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger « Structures par famille de l'ESS » (CSV)").click()
    with open(download.value.path(), encoding="utf-8-sig") as handle:
        content = handle.read()
    assert content.splitlines()[0] == "Famille;Structures"
    assert "Coopérative;1" in content


def test_a_visitor_searches_from_the_header_box(new_context, territory):
    ressourcerie = StructureFactory(
        territory=territory, name="Ressourcerie des collines", description="Réemploi et réparation"
    )
    index_structure(ressourcerie)
    page = new_context().new_page()

    page.goto("/")
    box = page.get_by_role("search", name="Recherche sur le site").get_by_label("Rechercher sur le site")
    box.fill("réemploi")
    box.press("Enter")
    page.wait_for_load_state()
    text = main_text(page)
    assert "1 résultat pour « réemploi »" in text
    assert page.get_by_role("heading", name=re.compile(r"^Structures")).count() == 1
    page.get_by_role("link", name="Ressourcerie des collines").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Ressourcerie des collines"


@pytest.mark.parametrize("width", [360, 1280])
def test_dashboard_screenshots(new_context, territory, width):
    """Screenshots for people to look at (var/screenshots/); nothing is asserted on the pictures."""
    from pathlib import Path

    shots = Path(__file__).resolve().parents[2] / "var" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    grasse = territory.communes.get()
    for k, family in enumerate(["association"] * 5 + ["cooperative"] * 3 + ["mutuelle", "fondation"]):
        s = StructureFactory(territory=territory, family=family, commune=grasse, workforce_band="02")
        index_structure(s)
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    for name, url in [
        ("chiffres", "/chiffres/"),
        ("recherche", "/recherche/?q=structure"),
        ("integrer", "/integrer/"),
        ("donnees-ouvertes", "/donnees-ouvertes/"),
    ]:
        assert page.goto(url).status == 200
        page.screenshot(path=str(shots / f"dashboard-{name}-{width}.png"), full_page=True)
