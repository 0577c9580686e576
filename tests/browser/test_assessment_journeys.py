"""Journeys of the self-assessment in a real browser: the animator opens the year's campaign, a manager
follows the mail, fills the grid (pre-filled from last year; a number out of range is refused), submits it
and reads the radar; the animator closes a campaign and reads the territory's view, where a group under 5
is not published; the animator edits a grid that has answers (a new version is made, past results do not
move, the next campaign uses it); a manager shows her scores on the public profile, then takes them back.
Each ends on the French words the person reads."""

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


def test_the_animator_edits_a_grid_that_has_answers_through_a_new_version(
    new_context, territory, structure, manager, animator, smtp_inbox
):
    last_year = open_year(territory, 2025)
    submit_for(last_year, structure, level=0.6)
    services.close_campaign(actor=SYSTEM, campaign=last_year)
    old_wording = "Les membres participent-ils activement à l'assemblée générale ?"
    new_wording = "Les membres participent-ils activement à l'assemblée générale annuelle ?"

    # What the manager reads on her 2025 results before the grid changes.
    manager_page = new_context(user=manager).new_page()
    manager_page.goto(f"/utilite-sociale/2025/{structure.slug}/resultats/")
    scores_table = manager_page.get_by_role("table", name="Scores par thème (sur 100)")
    scores_before = scores_table.inner_text()
    overall_before = re.search(r"Score global : [\d,]+ sur 100", main_text(manager_page)).group(0)

    # The animator opens the published grid, which has answers, and tries to edit a question.
    page = new_context(user=animator).new_page()
    page.goto("/utilite-sociale/gestion/")
    page.get_by_role("link", name="Version 1").click()
    page.wait_for_load_state()
    assert "Cette version a déjà des réponses : elle ne change plus." in main_text(page)
    page.get_by_role("link", name=f"modifier la question « {old_wording} »").click()
    page.wait_for_load_state()
    assert (
        "La version 1 a déjà des réponses : votre modification sera faite dans une nouvelle version de "
        "la grille, en brouillon. Les réponses passées ne changent pas." in main_text(page)
    )
    page.get_by_label(re.compile(r"^Question")).fill(new_wording)
    page.get_by_role("button", name="Enregistrer la question").click()
    page.wait_for_load_state()
    assert (
        "la modification est faite dans une nouvelle version (version 2, brouillon), à publier quand "
        "elle est prête." in page.inner_text("body")
    )
    assert "Grille, version 2 (brouillon)" in main_text(page)

    # On the draft version 2: another question's wording and weight, then a new number question.
    page.get_by_role(
        "link",
        name="modifier la question « Le projet stratégique est-il élaboré avec les salariés et les "
        "bénévoles ? »",
    ).click()
    page.wait_for_load_state()
    assert "a déjà des réponses" not in main_text(page)
    page.get_by_label(re.compile(r"^Question")).fill(
        "Le projet stratégique est-il construit avec les salariés, les bénévoles et les usagers ?"
    )
    page.get_by_label(re.compile(r"^Poids")).fill("3")
    page.get_by_role("button", name="Enregistrer la question").click()
    page.wait_for_load_state()
    assert "La question est enregistrée." in page.inner_text("body")
    assert "la modification est faite dans une nouvelle version" not in page.inner_text("body")
    text = main_text(page)
    assert "Grille, version 2 (brouillon)" in text
    assert "Le projet stratégique est-il construit avec les salariés, les bénévoles et les usagers ?" in text
    assert "poids 3" in text

    page.get_by_role("link", name="Ajouter une question au thème « Ancrage territorial »").click()
    page.wait_for_load_state()
    page.get_by_label(re.compile(r"^Code")).fill("salaries-locaux")
    page.get_by_label("Type de réponse").select_option(label="nombre")
    page.get_by_label(re.compile(r"^Question")).fill("Part des salariés qui habitent le territoire")
    page.get_by_label("Unité (nombre)").fill("%")
    page.get_by_label("Valeur minimale acceptée (nombre)").fill("100")
    page.get_by_label("Valeur maximale acceptée (nombre)").fill("0")
    page.get_by_role("button", name="Enregistrer la question").click()
    page.wait_for_load_state()
    assert "La valeur maximale doit être plus grande que la valeur minimale." in main_text(page)
    page.get_by_label("Valeur minimale acceptée (nombre)").fill("0")
    page.get_by_label("Valeur maximale acceptée (nombre)").fill("100")
    page.get_by_label("Valeur qui vaut 0 point (nombre)").fill("0")
    page.get_by_label("Valeur qui vaut 100 points (nombre)").fill("80")
    page.get_by_role("button", name="Enregistrer la question").click()
    page.wait_for_load_state()
    assert "La question est enregistrée." in page.inner_text("body")
    text = main_text(page)
    assert "Part des salariés qui habitent le territoire" in text and "Nombre en %" in text

    page.get_by_role("button", name="Publier cette version").click()
    page.wait_for_load_state()
    assert "La version 2 de la grille est publiée." in page.inner_text("body")
    assert "Grille, version 2 (publiée)" in main_text(page)

    # The manager's 2025 results read the same scores and the questions she answered then.
    manager_page.reload()
    assert manager_page.get_by_role("table", name="Scores par thème (sur 100)").inner_text() == scores_before
    text = main_text(manager_page)
    assert overall_before in text
    assert old_wording in text and new_wording not in text
    assert "Part des salariés qui habitent le territoire" not in text

    # The 2026 campaign is opened on version 2; the manager follows the mail and reads the new questions.
    page.goto("/utilite-sociale/gestion/")
    form = page.locator("main form:has(input[name=action][value=campaign])")
    form.get_by_label("Année").fill("2026")
    form.get_by_role("button", name="Ouvrir la campagne").click()
    page.wait_for_load_state()
    row = page.get_by_role("row", name=re.compile("^2026"))
    assert "version 2" in row.inner_text()

    mail = smtp_inbox.wait_for(to=manager.email, subject="campagne 2026")
    manager_page.goto(smtp_inbox.link_path(mail, r"^/utilite-sociale/$"))
    manager_page.get_by_role("button", name="Remplir la grille 2026").click()
    manager_page.wait_for_load_state()
    assert "Vos réponses de l'an dernier ont été reprises" in manager_page.inner_text("body")
    text = main_text(manager_page)
    assert new_wording in text and old_wording not in text
    assert (
        manager_page.get_by_label("Part des salariés qui habitent le territoire (en %)").input_value() == ""
    )
    assert AnswerSheet.objects.get(campaign__year=2026, structure=structure).campaign.grid.version == 2


def test_a_manager_shares_her_results_on_the_public_profile_then_takes_them_back(
    new_context, territory, structure, manager, smtp_inbox
):
    last_year = open_year(territory, 2025)
    submit_for(last_year, structure, level=0.7)
    services.close_campaign(actor=SYSTEM, campaign=last_year)
    services.open_campaign(actor=SYSTEM, territory=territory, year=2026)

    # The campaign's mail leads to the sheet, pre-filled from 2025: she submits it.
    mail = smtp_inbox.wait_for(to=manager.email, subject="campagne 2026")
    page = new_context(user=manager).new_page()
    page.goto(smtp_inbox.link_path(mail, r"^/utilite-sociale/$"))
    page.get_by_role("button", name="Remplir la grille 2026").click()
    page.wait_for_load_state()
    assert "Auto-évaluation 2026 de La Ressourcerie du Pays de Grasse" in main_text(page)
    page.get_by_role("button", name="Transmettre mes réponses").click()
    page.wait_for_load_state()
    assert "Merci : vos réponses sont transmises. Voici vos résultats." in page.inner_text("body")

    # The results mail leads to the results page, where she shares the scores.
    mail = smtp_inbox.wait_for(to=manager.email, subject="Auto-évaluation 2026")
    page.goto(smtp_inbox.link_path(mail, r"/utilite-sociale/2026/.+/resultats/$"))
    assert "Résultats 2026 de La Ressourcerie du Pays de Grasse" in main_text(page)
    row = page.get_by_role("table", name="Scores par thème (sur 100)").get_by_role(
        "row", name=re.compile("^Ancrage territorial")
    )
    score = row.get_by_role("cell").first.inner_text().strip()
    assert re.fullmatch(r"\d+(,\d)?", score), score
    page.get_by_label("Afficher nos scores par thème sur la fiche publique de la structure").check()
    page.get_by_role("button", name="Enregistrer ce choix").click()
    page.wait_for_load_state()
    assert "Vos scores par thème sont affichés sur la fiche publique de la structure." in page.inner_text(
        "body"
    )

    # A visitor, not signed in, reads them on the structure's profile in the directory.
    visitor = new_context().new_page()
    visitor.goto(f"/structures/{structure.slug}/")
    assert "Auto-évaluation de l'utilité sociale (2026)" in main_text(visitor)
    assert "La structure a choisi de publier ses scores par thème" in main_text(visitor)
    shown = visitor.get_by_role("table", name="Scores par thème").get_by_role(
        "row", name=re.compile("^Ancrage territorial")
    )
    assert shown.get_by_role("cell").first.inner_text().strip() == score

    # She takes them back; the visitor no longer sees them.
    page.get_by_label("Afficher nos scores par thème sur la fiche publique de la structure").uncheck()
    page.get_by_role("button", name="Enregistrer ce choix").click()
    page.wait_for_load_state()
    assert "Vos scores ne sont plus affichés sur la fiche publique." in page.inner_text("body")
    visitor.reload()
    assert "Auto-évaluation de l'utilité sociale" not in main_text(visitor)
    assert "La Ressourcerie du Pays de Grasse" in main_text(visitor)
