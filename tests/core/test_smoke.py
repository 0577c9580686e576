def test_home_answers_for_the_territory_domain(client, territory):
    response = client.get("/")
    assert response.status_code == 200
    assert "Pays de Grasse" in response.content.decode()


def test_unknown_host_is_refused(client, territory):
    response = client.get("/", HTTP_HOST="inconnu.example.org")
    assert response.status_code == 400
