"""API access: CORS on reads, an unknown API key refused, the rate limits (higher with a key), and a
malformed filter answered as problem details."""

from __future__ import annotations

import hashlib

import pytest

from maillage.api import access

pytestmark = pytest.mark.django_db
KEY = "cle-du-partenaire-0123456789"


@pytest.fixture
def keys(settings):
    settings.MAILLAGE_API_KEYS = {hashlib.sha256(KEY.encode()).hexdigest(): "Réseau partenaire"}


def test_reads_allow_any_origin(client, territory):
    response = client.get("/api/v1/structures", HTTP_ORIGIN="https://partenaire.example")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"


def test_an_unknown_key_is_refused_as_problem_details(client, territory, keys):
    response = client.get("/api/v1/structures", HTTP_X_API_KEY="cle-inventee")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 401 and body["title"] == "Authentification requise"
    assert "Cette clé d'API est inconnue ou a été révoquée" in body["detail"]
    assert client.get("/api/v1/structures", HTTP_X_API_KEY=KEY).status_code == 200


def test_the_rate_limit_is_higher_with_a_key(client, territory, keys, monkeypatch):
    monkeypatch.setattr(access, "ANONYMOUS_LIMIT", 2)
    monkeypatch.setattr(access, "KEY_LIMIT", 4)
    for _ in range(2):
        assert client.get("/api/v1/structures").status_code == 200
    refused = client.get("/api/v1/structures")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "3600"
    assert "une clé d'API relève la limite" in refused.json()["detail"]
    for _ in range(4):
        assert client.get("/api/v1/structures", HTTP_X_API_KEY=KEY).status_code == 200
    assert client.get("/api/v1/structures", HTTP_X_API_KEY=KEY).status_code == 429


def test_a_malformed_filter_is_a_problem_not_a_crash(client, territory):
    response = client.get("/api/v1/structures?page=deux")
    assert response.status_code == 422
    body = response.json()
    assert body["errors"][0]["parameter"] == "page"
    assert "un nombre entier est attendu" in body["detail"]
    unknown_commune = client.get("/api/v1/structures?commune=99999")
    assert unknown_commune.status_code in (400, 422)
    assert unknown_commune["Content-Type"].startswith("application/problem+json")
