"""The animator re-weights an evaluation criterion of the call in a real browser: a weight of 0 is refused
(the page says why, nothing changes), a weight of 3 is saved, and the ranking page shows the new weight."""

from __future__ import annotations

import re

import pytest

from tests.calls.factories import open_call

pytestmark = pytest.mark.browser


def main_text(page) -> str:
    return re.sub(r"\s+", " ", page.locator("main").inner_text())


def test_the_animator_reweights_a_criterion_and_sees_it_in_the_ranking(new_context, territory, animator):
    call = open_call(territory)
    page = new_context(user=animator).new_page()

    page.goto("/appels-a-projets/gestion/")
    page.get_by_role("link", name=call.title).click()
    page.wait_for_load_state()
    assert "Gouvernance démocratique (pondération 1)" in main_text(page)
    page.get_by_role("link", name="Modifier les critères et leurs pondérations").click()
    page.wait_for_load_state()

    governance = page.get_by_role("group", name="Critère n° 1 : Gouvernance démocratique")
    governance.get_by_label("Pondération (1 à 10)").fill("0")
    page.get_by_role("button", name="Enregistrer les critères").click()
    page.wait_for_load_state()
    assert "« Gouvernance démocratique » : la pondération est un nombre entier de 1 à 10." in main_text(page)
    assert call.criteria.get(position=1).weight == 1  # nothing changed

    governance = page.get_by_role("group", name="Critère n° 1 : Gouvernance démocratique")
    governance.get_by_label("Pondération (1 à 10)").fill("3")
    page.get_by_role("button", name="Enregistrer les critères").click()
    page.wait_for_load_state()
    assert "Les critères d'évaluation et leurs pondérations sont enregistrés." in page.inner_text("body")

    page.get_by_role("link", name="Classement des candidatures").click()
    page.wait_for_load_state()
    text = main_text(page)
    assert "Gouvernance démocratique : pondération 3" in text
    assert "Ancrage territorial : pondération 1" in text
