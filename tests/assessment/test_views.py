"""The pages: the answer form (bad input shown in French), the results (radar and its table, the
comparisons, the suggestions, the PDF, sharing on the profile), the territory's view (groups under 5 not
published, with the explanation)."""

from __future__ import annotations

import pytest

from maillage.actors import services as actors_services
from maillage.assessment import services
from maillage.assessment.models import AnswerSheet
from maillage.assessment.services.sheets import field_name
from maillage.core.actors import SYSTEM
from tests.assessment.factories import complete, open_year, population, question, submit_for
from tests.harness.matrix import client_for

pytestmark = pytest.mark.django_db


def test_the_manager_fills_the_form_and_bad_input_is_explained(territory, structure, manager):
    campaign = open_year(territory)
    client = client_for(manager)
    url = f"/utilite-sociale/2026/{structure.slug}/"
    response = client.post(url, {"action": "start"})
    assert response.status_code == 302 and response["Location"] == url
    sheet = AnswerSheet.objects.get(structure=structure)

    page = client.get(url).content.decode()
    assert "Transmettre mes réponses" in page and "Politique salariale et exemplarité sociale" in page

    raw = complete(campaign)
    raw[field_name(question(campaign, "achats-locaux"))] = "120"
    response = client.post(url, {**raw, "action": "save"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "la valeur 120 est hors des limites ; saisissez une valeur entre 0 et 100 %" in page
    assert sheet.answers.count() == 0

    raw[field_name(question(campaign, "achats-locaux"))] = "35"
    raw[field_name(question(campaign, "excedents"))] = ""
    page = client.post(url, {**raw, "action": "submit"}).content.decode()
    assert "Réponses incomplètes : 1 question obligatoire sans réponse" in page
    assert AnswerSheet.objects.get(pk=sheet.pk).status == "draft"

    raw[field_name(question(campaign, "excedents"))] = "2"
    response = client.post(url, {**raw, "action": "submit"})
    assert response.status_code == 302 and response["Location"].endswith("/resultats/")
    assert AnswerSheet.objects.get(pk=sheet.pk).status == "submitted"


def test_results_show_the_radar_its_table_the_comparisons_and_suggestions(territory, structure, manager):
    last_year = open_year(territory, 2025)
    submit_for(last_year, structure, level=0.3)
    population(territory, last_year, count=6, level=0.5)
    strong = population(territory, last_year, count=5, family="cooperative", level=0.95, prefix="Fort")
    for s in strong:
        services.set_sharing(actor=SYSTEM, sheet=AnswerSheet.objects.get(structure=s), shared=True)
        actors_services.save_practice(
            actor=SYSTEM,
            structure=s,
            title=f"Notre assemblée vivante {s.pk}",
            themes=["gouvernance", "concertation", "ancrage", "salaires", "usagers", "diversite", "ethique"],
            body="Comment nous faisons.",
        )
    services.close_campaign(actor=SYSTEM, campaign=last_year)
    this_year = services.open_campaign(actor=SYSTEM, territory=territory, year=2026, notify_managers=False)
    sheet = submit_for(this_year, structure, level=0.35, seed=9)

    page = client_for(manager).get(f"/utilite-sociale/2026/{structure.slug}/resultats/").content.decode()
    assert 'role="img"' in page and 'aria-describedby="radar-table"' in page
    assert '<table id="radar-table"' in page and "Scores par thème (sur 100)" in page
    assert "Médiane association (2025)" in page
    assert "Les médianes sont celles de la campagne 2025" in page
    previous = AnswerSheet.objects.get(structure=structure, campaign=last_year)
    theme, score = next(iter(sheet.scores.items()))
    assert f"{previous.scores[theme]}".replace(".", ",") in page  # French decimals
    assert "Pistes de progrès" in page and "Notre assemblée vivante" in page

    pdf = client_for(manager).get(f"/utilite-sociale/2026/{structure.slug}/resultats.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf["Cache-Control"] == "private, no-store"


def test_sharing_puts_the_scores_on_the_public_profile_and_only_managers_choose(
    territory, structure, manager, member
):
    campaign = open_year(territory)
    submit_for(campaign, structure)
    url = f"/utilite-sociale/2026/{structure.slug}/resultats/"
    assert client_for(member).post(url, {"shared": "on"}).status_code == 403
    assert (
        "Auto-évaluation de l'utilité sociale"
        not in client_for(None).get(f"/structures/{structure.slug}/").content.decode()
    )

    response = client_for(manager).post(url, {"shared": "on"})
    assert response.status_code == 302
    profile = client_for(None).get(f"/structures/{structure.slug}/").content.decode()
    assert "Auto-évaluation de l'utilité sociale (2026)" in profile
    assert "Politique salariale et exemplarité sociale" in profile
    # Scores only: no answer leaves the structure.
    assert "Part des achats réalisés" not in profile

    client_for(manager).post(url, {})
    assert (
        "Auto-évaluation de l'utilité sociale"
        not in client_for(None).get(f"/structures/{structure.slug}/").content.decode()
    )


def test_the_territory_view_publishes_groups_of_five_and_explains_the_others(territory, animator):
    campaign = open_year(territory)
    population(territory, campaign, count=6, family="association")
    population(territory, campaign, count=5, family="cooperative")
    population(territory, campaign, count=2, family="fondation")
    client = client_for(animator)
    assert (
        "Les résultats d'une campagne sont publiés à sa clôture"
        in client.get("/utilite-sociale/territoire/").content.decode()
    )
    services.close_campaign(actor=SYSTEM, campaign=campaign)

    page = client_for(None).get("/utilite-sociale/territoire/").content.decode()
    assert "13 structures ont transmis leurs réponses" in page
    assert 'Association <span class="small">(6)</span>' in page
    # The 5 cooperatives make a group of 5, but publishing it would let anyone compute the 2 foundations
    # (the territory minus the associations minus the cooperatives): it is held back too.
    assert "Coopérative <span" not in page and "Fondation <span" not in page and "n.p." in page
    page = client_for(None).get("/utilite-sociale/territoire/?famille=association").content.decode()
    assert "6 structures ; score global médian" in page

    page = client_for(None).get("/utilite-sociale/territoire/?famille=fondation").content.decode()
    assert "Non publié : moins de 5 structures dans ce groupe" in page


def test_another_structure_or_the_animation_never_reads_a_sheet(
    territory, structure, manager_other, animator, animator_other
):
    campaign = open_year(territory)
    submit_for(campaign, structure)
    for person in (manager_other, animator, animator_other):
        client = client_for(person)
        for suffix in ("", "resultats/", "resultats.pdf"):
            response = client.get(f"/utilite-sociale/2026/{structure.slug}/{suffix}")
            assert response.status_code in (403, 302), (person, suffix)
        assert client.post(f"/utilite-sociale/2026/{structure.slug}/", {"action": "start"}).status_code in (
            403,
            302,
        )
