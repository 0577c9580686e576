"""Journeys of the self-assessment in a real browser: the animator opens the year's campaign, a manager
follows the mail, fills the grid (pre-filled from last year; a number out of range is refused), submits it
and reads the radar; the animator closes a campaign and reads the territory's view, where a group under 5
is not published. Each ends on the French words the person reads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from maillage.assessment import services
from maillage.assessment.models import AnswerSheet
from maillage.core.actors import SYSTEM
from tests.assessment.factories import open_year, population, submit_for

pytestmark = pytest.mark.browser

# Screenshots for people to look at (and for the guide); nothing is asserted on them.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SCREENSHOTS / f"utilite-sociale-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def main_text(page) -> str:
    return re.sub(r"\s+", " ", page.locator("main").inner_text())


def test_a_manager_fills_and_submits_the_grid_and_reads_the_radar(
    new_context, territory, structure, manager, animator, smtp_inbox
):
    last_year = open_year(territory, 2025)
    submit_for(last_year, structure, level=0.4)
    services.close_campaign(actor=SYSTEM, campaign=last_year)

    # The animator opens the 2026 campaign.
    animator_page = new_context(user=animator).new_page()
    animator_page.goto("/utilite-sociale/gestion/")
    form = animator_page.locator("main form:has(input[name=action][value=campaign])")
    form.get_by_label("Année").fill("2026")
    form.get_by_role("button", name="Ouvrir la campagne").click()
    animator_page.wait_for_load_state()
    assert "La campagne 2026 est ouverte ; les gestionnaires sont prévenus." in animator_page.inner_text(
        "body"
    )

    # The manager follows the mail and starts the grid, pre-filled from 2025.
    mail = smtp_inbox.wait_for(to=manager.email, subject="campagne 2026")
    page = new_context(user=manager).new_page()
    page.goto(smtp_inbox.link_path(mail, r"^/utilite-sociale/$"))
    page.get_by_role("button", name="Remplir la grille 2026").click()
    page.wait_for_load_state()
    assert "Vos réponses de l'an dernier ont été reprises" in page.inner_text("body")

    shoot(page, "grille")
    local = page.get_by_label("Part des achats réalisés auprès de fournisseurs du territoire (en %)")
    local.fill("140")
    page.get_by_role("button", name="Transmettre mes réponses").click()
    page.wait_for_load_state()
    assert "la valeur 140 est hors des limites ; saisissez une valeur entre 0 et 100 %" in main_text(page)
    assert AnswerSheet.objects.get(structure=structure, campaign__year=2026).status == "draft"

    page.get_by_label("Part des achats réalisés auprès de fournisseurs du territoire (en %)").fill("62,5")
    page.get_by_role("button", name="Transmettre mes réponses").click()
    page.wait_for_load_state()

    text = main_text(page)
    assert "Merci : vos réponses sont transmises. Voici vos résultats." in page.inner_text("body")
    assert "Résultats 2026 de La Ressourcerie du Pays de Grasse" in text
    radar = page.get_by_role("img", name="Profil d'utilité sociale par thème")
    assert radar.is_visible()
    table = page.get_by_role("table", name="Scores par thème (sur 100)")
    assert "Ancrage territorial" in table.inner_text() and "2025" in table.inner_text()
    sheet = AnswerSheet.objects.get(structure=structure, campaign__year=2026)
    assert sheet.status == "submitted" and sheet.submitted_by == manager
    shoot(page, "resultats")


def test_the_animator_closes_a_campaign_and_reads_the_territorys_view(new_context, territory, animator):
    campaign = open_year(territory, 2026)
    population(territory, campaign, count=6, family="association")
    population(territory, campaign, count=7, family="cooperative", band="11")
    population(territory, campaign, count=2, family="fondation")

    page = new_context(user=animator).new_page()
    page.goto("/utilite-sociale/gestion/")
    page.get_by_role("link", name="2026").click()
    page.wait_for_load_state()
    assert "Réponses transmises : 15" in main_text(page)
    page.get_by_role("button", name="Clore la campagne et publier les résultats agrégés").click()
    page.wait_for_load_state()
    assert "La campagne 2026 est close : ses résultats agrégés sont publiés." in page.inner_text("body")

    page.get_by_role("link", name="Voir les résultats 2026 du territoire").click()
    page.wait_for_load_state()
    text = main_text(page)
    assert "15 structures ont transmis leurs réponses" in text
    assert "Tout le territoire" in text and "score global médian" in text
    shoot(page, "territoire")

    page.get_by_label("Famille de l'ESS").select_option(label="Fondation")
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_load_state()
    assert "Non publié : moins de 5 structures dans ce groupe" in main_text(page)
