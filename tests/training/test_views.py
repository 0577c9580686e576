"""The pages through Django's client: answering the census (and the closed census' message), the results'
table and accessible chart, the support page's scope."""

from __future__ import annotations

import pytest
from django.utils import timezone

from maillage.training import services
from maillage.training.models import Response
from tests.training.factories import TESTS, interest, open_census

pytestmark = pytest.mark.django_db


def test_a_manager_answers_through_the_form(client, territory, structure, manager):
    census = open_census(territory)
    theme = census.themes.get(name="Fonds européens")
    client.force_login(manager)
    url = f"/formations/recensements/{census.pk}/repondre/?structure={structure.slug}"
    assert "Fonds européens" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "structure": structure.slug,
            f"t{theme.pk}_on": "on",
            f"t{theme.pk}_staff": "4",
            f"t{theme.pk}_priority": "1",
            f"t{theme.pk}_periods": ["q2"],
        },
    )
    assert response.status_code == 302
    interest_row = Response.objects.get().interests.get()
    assert (interest_row.staff, interest_row.priority, interest_row.periods) == (4, 1, ["q2"])


def test_a_closed_census_says_so_and_keeps_the_answer(client, territory, structure, manager):
    census = open_census(territory)
    theme = census.themes.first()
    services.submit_response(
        actor=manager, census=census, structure=structure, answers={}, interests={theme.pk: interest(staff=2)}
    )
    services.move_census(actor=TESTS, census=census, to="closed")
    client.force_login(manager)
    url = f"/formations/recensements/{census.pk}/repondre/"
    page = client.post(url, {"structure": structure.slug, f"t{theme.pk}_on": "on", f"t{theme.pk}_staff": "9"})
    assert page.status_code == 200
    assert "Ce recensement est clos" in page.content.decode()
    assert Response.objects.get().interests.get().staff == 2


def test_the_results_page_has_the_table_and_a_described_chart(
    client, territory, structure, manager, animator
):
    census = open_census(territory)
    theme = census.themes.get(name="Gouvernance")
    services.submit_response(
        actor=manager, census=census, structure=structure, answers={}, interests={theme.pk: interest(1, 3)}
    )
    client.force_login(animator)
    html = client.get(f"/formations/gestion/recensements/{census.pk}/resultats/").content.decode()
    assert '<svg role="img" aria-labelledby="chart-title chart-desc"' in html
    assert "<caption>Besoins par thème</caption>" in html
    assert '<th scope="row" data-label="Thème">Gouvernance</th>' in html


def test_the_support_page_shows_a_member_only_their_structure(
    client, territory, structure, member, manager_other
):
    other = manager_other.memberships.get().structure
    services.record_support(
        actor=TESTS, structure=structure, kind="dla", date=timezone.localdate(), summary="Notre DLA"
    )
    services.record_support(
        actor=TESTS, structure=other, kind="funding", date=timezone.localdate(), summary="Leur conseil"
    )
    client.force_login(member)
    html = client.get("/formations/accompagnements/").content.decode()
    assert "Notre DLA" in html and "Leur conseil" not in html
    assert (
        client.post("/formations/accompagnements/", {"structure": structure.pk, "kind": "dla"}).status_code
        == 403
    )
