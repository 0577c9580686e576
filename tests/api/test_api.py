from tests.factories import StructureFactory


def test_reference_page_lists_every_endpoint_of_the_schema(client, territory):
    response = client.get("/api/")
    assert response.status_code == 200
    html = response.content.decode()
    schema = client.get("/api/v1/openapi.json").json()
    for path in schema["paths"]:
        assert path in html


def test_structures_api_is_scoped_to_the_territory_and_to_published_structures(
    client, territory, other_territory
):
    StructureFactory(territory=territory, name="Publiée ici")
    StructureFactory(territory=territory, name="En attente", status="pending")
    StructureFactory(territory=other_territory, name="Publiée ailleurs")
    data = client.get("/api/v1/structures").json()
    names = {item["name"] for item in data["items"]}
    assert names == {"Publiée ici"}
    other = client.get("/api/v1/structures", HTTP_HOST="autre.testserver").json()
    assert {item["name"] for item in other["items"]} == {"Publiée ailleurs"}


def test_a_pending_structure_is_not_found_by_slug(client, territory):
    s = StructureFactory(territory=territory, name="Pas encore", status="pending")
    assert client.get(f"/api/v1/structures/{s.slug}").status_code == 404


def test_the_type_of_a_problem_points_to_its_section_of_the_reference_page(client, territory):
    problem = client.get("/api/v1/charte/versions/abc").json()
    path, anchor = problem["type"].split("#")
    html = client.get(path).content.decode()
    assert f'id="{anchor}"' in html and "422 — Paramètres invalides" in html
