"""The directory API's filters: yes/no in every usual spelling, an unknown commune refused, a page past the
last one not found."""

from __future__ import annotations

import pytest

from tests.factories import StructureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_structures(territory):
    StructureFactory(territory=territory, name="Agréée", esus=True)
    StructureFactory(territory=territory, name="Sans agrément", esus=False)


@pytest.mark.parametrize(
    ("value", "names"),
    [
        ("true", {"Agréée"}),
        ("1", {"Agréée"}),
        ("oui", {"Agréée"}),
        ("Oui", {"Agréée"}),
        ("false", {"Agréée", "Sans agrément"}),
        ("0", {"Agréée", "Sans agrément"}),
        ("non", {"Agréée", "Sans agrément"}),
    ],
)
def test_esus_accepts_true_false_1_0_oui_non(client, two_structures, value, names):
    response = client.get("/api/v1/structures", {"esus": value})
    assert response.status_code == 200
    assert {item["name"] for item in response.json()["items"]} == names


def test_esus_with_another_word_is_a_422(client, two_structures):
    response = client.get("/api/v1/structures", {"esus": "peut-être"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["parameter"] == "esus"


def test_an_unknown_commune_is_a_400_problem_in_french(client, territory, two_structures):
    response = client.get("/api/v1/structures", {"commune": "99999"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["title"] == "Requête invalide"
    assert body["detail"] == "Commune inconnue dans le territoire (code INSEE) : 99999."


def test_a_commune_of_the_territory_filters(client, territory):
    commune = territory.communes.order_by("insee_code").first()
    StructureFactory(territory=territory, name="Ici", commune=commune)
    response = client.get("/api/v1/structures", {"commune": commune.insee_code})
    assert response.status_code == 200
    assert [item["name"] for item in response.json()["items"]] == ["Ici"]


def test_a_page_past_the_last_is_a_404_problem(client, two_structures):
    assert client.get("/api/v1/structures", {"page": 1}).json()["pages"] == 1
    response = client.get("/api/v1/structures", {"page": 99})
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["detail"] == "La page 99 n'existe pas : il y a 1 page(s)."


def test_the_first_page_of_nothing_is_an_empty_page(client, territory):
    response = client.get("/api/v1/structures", {"q": "introuvable"})
    assert response.status_code == 200
    assert response.json()["items"] == [] and response.json()["pages"] == 1
