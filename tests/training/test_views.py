"""The pages through Django's client: answering the census (and the closed census' message), the results'
table and accessible chart, the support page's scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from maillage.training import services
from maillage.training.models import Question, Response
from tests.factories import UserFactory
from tests.training.factories import TESTS, interest, next_local, open_census

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


def test_the_animator_changes_a_question_and_cannot_make_it_depend_on_itself(client, territory, animator):
    census = open_census(territory)
    staff = services.save_question(
        actor=TESTS, census=census, label="Avez-vous des salariés ?", kind="yes_no"
    )
    client.force_login(animator)
    url = f"/formations/gestion/recensements/{census.pk}/"
    form = client.get(f"{url}?question={staff.pk}").content.decode()
    assert "Modifier la question « Avez-vous des salariés ? »" in form
    assert f'name="question-question" value="{staff.pk}"' in form
    fields = {
        "action": "question",
        "question-question": staff.pk,
        "question-label": "Avez-vous des salariés ?",
        "question-kind": "yes_no",
        "question-depends_on": staff.pk,
        "question-depends_value": "oui",
    }
    page = client.post(url, fields)
    assert page.status_code == 200
    assert "Une question ne peut pas dépendre d&#x27;elle-même." in page.content.decode()
    assert "Modifier la question « Avez-vous des salariés ? »" in page.content.decode()  # still changing it
    staff.refresh_from_db()
    assert (staff.depends_on_id, staff.depends_value) == (None, "")

    fields.update({"question-label": "Votre structure a-t-elle des salariés ?", "question-depends_on": ""})
    assert client.post(url, fields).status_code == 302
    staff.refresh_from_db()
    assert staff.label == "Votre structure a-t-elle des salariés ?"
    assert Question.objects.filter(census=census).count() == 1  # changed, not added


def test_an_adviser_links_guides_when_publishing_office_hours(client, territory):
    adviser = UserFactory(email="conseil@example.org")
    named = services.name_adviser(actor=TESTS, territory=territory, user=adviser, organisation="DLA 06")
    guide = services.add_resource(
        actor=TESTS, territory=territory, title="Guide des fonds européens", url="https://example.org/guide"
    )
    client.force_login(adviser)
    start = next_local(2, 14)
    page = client.post(
        "/formations/permanences/publier/",
        {
            "adviser": named.pk,
            "title": "Permanence fonds européens",
            "frequency": "FREQ=WEEKLY",
            "first_start": f"{start:%Y-%m-%dT%H:%M}",
            "slot_minutes": "45",
            "slots_per_occurrence": "2",
            "place": "Maison de l'ESS, Grasse",
            "resources": [guide.pk],
        },
        follow=True,
    )
    html = page.content.decode()
    assert "La permanence est publiée" in html
    assert "Guide des fonds européens" in html and "Consulter en ligne" in html


def test_my_space_lists_the_support_my_structure_received(
    client, territory, structure, member, manager_other
):
    services.record_support(
        actor=TESTS, structure=structure, kind="dla", date=timezone.localdate(), summary="Diagnostic partagé"
    )
    client.force_login(member)
    html = client.get("/compte/mon-espace/").content.decode()
    assert "Accompagnements reçus par ma structure" in html and "Diagnostic partagé" in html
    client.force_login(manager_other)
    html = client.get("/compte/mon-espace/").content.decode()
    assert "Aucun accompagnement noté pour votre structure." in html and "Diagnostic partagé" not in html


def test_opening_a_census_from_its_page_says_it_is_open(client, territory, animator):
    census = services.create_census(
        actor=TESTS,
        territory=territory,
        title="Besoins 2028",
        opens_on=timezone.localdate(),
        deadline=timezone.now() + dt.timedelta(days=30),
    )
    client.force_login(animator)
    url = f"/formations/gestion/recensements/{census.pk}/"
    page = client.post(url, {"action": "open"}, follow=True).content.decode()
    assert "Le recensement est ouvert." in page
    page = client.post(url, {"action": "closed"}, follow=True).content.decode()
    assert "Le recensement est clos." in page
