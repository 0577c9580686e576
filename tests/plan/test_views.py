"""The plan's pages: the public accountability page (filters, accessible progress), node detail, and the
animator's editing pages (error summary on bad input, nothing changed)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from maillage.core.actors import SYSTEM
from maillage.plan import services
from maillage.plan.models import ContractDocument, Measurement, Node, PlanVersion
from tests.plan.factories import make_contract, make_node, make_tree, make_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def animator_client(animator):
    client = Client()
    client.force_login(animator)
    return client


@pytest.fixture
def plan(territory):
    version = make_version(territory, year=2025)
    objective, operational, a1, a2 = make_tree(version)
    services.change_status(actor=SYSTEM, node=a1, to_status="in_progress")
    services.set_progress(actor=SYSTEM, node=a1, progress=60)
    return {"version": version, "objective": objective, "operational": operational, "a1": a1, "a2": a2}


def test_public_page_shows_progress_as_text(client, plan):
    response = client.get("/contrat/2025/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Guide des acteurs" in html
    # The bar is decorative; its value is written.
    assert '<progress max="100" value="60" aria-hidden="true"></progress>' in html
    assert "60 %" in html
    assert "Avancement d'ensemble" in html
    assert "Gérer le contrat" not in html


def test_public_page_filters(client, plan, territory):
    other = make_node(plan["version"], "objective", title="Soutenir le développement")
    html = client.get("/contrat/2025/", {"statut": "in_progress"}).content.decode()
    assert "Guide des acteurs" in html and "Rendez-vous de l&#x27;ESS" not in html
    html = client.get("/contrat/2025/", {"objectif": other.pk}).content.decode()
    assert "Soutenir le développement" in html and "Guide des acteurs" not in html
    html = client.get("/contrat/2025/", {"statut": "done"}).content.decode()
    assert "Aucun élément ne correspond" in html
    # Garbage filters are ignored, not an error.
    assert client.get("/contrat/2025/", {"statut": "<x>", "objectif": "abc"}).status_code == 200


def test_current_plan_and_unknown_year(client, plan):
    assert client.get("/contrat/").status_code == 200
    assert client.get("/contrat/1999/").status_code == 404


def test_empty_states(client, territory, animator_client):
    assert "pas encore publié" in client.get("/contrat/").content.decode()
    assert "Pas encore de plan" in animator_client.get("/contrat/").content.decode()


def test_node_detail(client, plan):
    html = client.get(f"/contrat/element/{plan['a1'].pk}/").content.decode()
    assert "Guide des acteurs" in html and "Historique du statut" in html


def test_other_territory_cannot_see_a_node(plan, other_territory):
    client = Client(HTTP_HOST="autre.testserver")
    assert client.get(f"/contrat/element/{plan['a1'].pk}/").status_code == 404


def test_animator_creates_the_contract_and_first_plan(territory, animator_client):
    response = animator_client.post(
        "/contrat/gestion/",
        {"title": "CLDESS", "parties": "Agglo\nRégion", "starts_on": "2025-06-01", "ends_on": "2028-05-31"},
    )
    assert response.status_code == 302
    response = animator_client.post("/contrat/gestion/nouveau-plan/", {"year": "2025"})
    assert response.status_code == 302
    assert PlanVersion.objects.get().year == 2025


def test_contract_bad_dates_show_error_summary(territory, animator_client):
    response = animator_client.post(
        "/contrat/gestion/", {"title": "CLDESS", "starts_on": "2025-06-01", "ends_on": "2024-05-31"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "error-summary" in html and "postérieure à son début" in html


def test_next_plan_is_a_copy_from_the_page(plan, animator_client):
    response = animator_client.post("/contrat/gestion/nouveau-plan/", {"year": "2026"})
    assert response.status_code == 302
    assert PlanVersion.objects.get(year=2026).nodes.count() == 4
    response = animator_client.post("/contrat/gestion/nouveau-plan/", {"year": "2026"})
    assert "existe déjà" in response.content.decode()


def test_add_node_under_wrong_parent_shows_error(plan, animator_client):
    count = Node.objects.count()
    response = animator_client.post(
        "/contrat/gestion/2025/ajouter/",
        {"kind": "action", "parent": plan["objective"].pk, "title": "Mal placée", "weight": "1"},
    )
    html = response.content.decode()
    assert "error-summary" in html and "se place sous un « objectif opérationnel »" in html
    assert Node.objects.count() == count
    response = animator_client.post(
        "/contrat/gestion/2025/ajouter/",
        {"kind": "action", "parent": plan["operational"].pk, "title": "Bien placée", "weight": "2"},
    )
    assert response.status_code == 302


def test_edit_node_warns_about_dates(plan, animator_client):
    services.update_node(
        actor=SYSTEM,
        node=plan["operational"],
        data={"starts_on": dt.date(2025, 6, 1), "ends_on": dt.date(2025, 12, 31)},
    )
    response = animator_client.post(
        f"/contrat/gestion/element/{plan['a2'].pk}/",
        {
            "kind": "action",
            "parent": plan["operational"].pk,
            "title": "Rendez-vous de l'ESS",
            "weight": "1",
            "ends_on": "2026-06-30",
        },
        follow=True,
    )
    assert "se termine après son élément parent" in response.content.decode()


def test_status_and_progress_pages(plan, animator_client):
    a1 = plan["a1"]
    response = animator_client.post(f"/contrat/gestion/element/{a1.pk}/statut/", {"status": "planned"})
    assert "error-summary" in response.content.decode()  # not an allowed choice from « en cours »
    response = animator_client.post(
        f"/contrat/gestion/element/{a1.pk}/statut/", {"status": "done", "note": "Fini"}
    )
    assert response.status_code == 302
    a1.refresh_from_db()
    assert a1.status == "done" and a1.progress == 100
    response = animator_client.post(
        f"/contrat/gestion/element/{plan['a2'].pk}/avancement/", {"progress": "140"}
    )
    html = response.content.decode()
    assert "error-summary" in html and "de 0 à 100" in html
    plan["a2"].refresh_from_db()
    assert plan["a2"].progress == 0


def test_measurement_without_date_via_the_page(plan, animator_client):
    indicator = services.add_indicator(actor=SYSTEM, node=plan["objective"], title="Rendez-vous tenus")
    response = animator_client.post(f"/contrat/gestion/indicateur/{indicator.pk}/mesure/", {"value": "3"})
    assert "error-summary" in response.content.decode()
    assert not Measurement.objects.exists()
    response = animator_client.post(
        f"/contrat/gestion/indicateur/{indicator.pk}/mesure/", {"value": "3", "date": "2025-09-01"}
    )
    assert response.status_code == 302
    assert Measurement.objects.get().value == 3


def test_means_schedule_milestone_indicator_pages(plan, animator_client):
    objective, a1 = plan["objective"], plan["a1"]
    assert (
        animator_client.post(
            f"/contrat/gestion/element/{objective.pk}/moyen/", {"kind": "atelier", "description": "Atelier"}
        ).status_code
        == 302
    )
    assert (
        animator_client.post(
            f"/contrat/gestion/element/{objective.pk}/echeance/",
            {
                "label": "Premier semestre 2013",
                "date": "2026-01-15",
                "precision": "semester",
                "until_precision": "month",
            },
        ).status_code
        == 302
    )
    assert (
        animator_client.post(
            f"/contrat/gestion/element/{a1.pk}/jalon/",
            {"title": "Lancement", "date": "2025-06-07", "precision": "day"},
        ).status_code
        == 302
    )
    assert (
        animator_client.post(
            f"/contrat/gestion/element/{a1.pk}/indicateur/",
            {"title": "Inscrits", "unit": "personnes", "target": "40"},
        ).status_code
        == 302
    )
    html = animator_client.get(f"/contrat/element/{objective.pk}/").content.decode()
    assert "Premier semestre 2013" in html and "1er semestre 2026" in html
    response = animator_client.post(
        f"/contrat/gestion/element/{objective.pk}/jalon/",
        {"title": "X", "date": "2025-06-07", "precision": "day"},
    )
    assert "Les jalons se posent sur les actions" in response.content.decode()


def test_member_cannot_edit(plan, member):
    client = Client()
    client.force_login(member)
    assert (
        client.post(f"/contrat/gestion/element/{plan['a1'].pk}/avancement/", {"progress": "90"}).status_code
        == 403
    )
    plan["a1"].refresh_from_db()
    assert plan["a1"].progress == 60


def test_contract_documents(territory, animator_client):
    make_contract(territory)
    response = animator_client.post(
        "/contrat/gestion/document/", {"title": "Contrat signé", "url": "javascript:alert(1)"}
    )
    assert "error-summary" in response.content.decode()
    response = animator_client.post(
        "/contrat/gestion/document/", {"title": "Contrat signé", "url": "https://docs.example.org/cldess.pdf"}
    )
    assert response.status_code == 302
    assert ContractDocument.objects.get().url == "https://docs.example.org/cldess.pdf"
