"""The API says what it does: unique schema names, every error status documented, errors as RFC 9457
problem details (application/problem+json), answers that match the documented schemas."""

from __future__ import annotations

import importlib
from collections import defaultdict

import jsonschema
import pytest
from ninja import Schema

from maillage.core.hosts import TerritoryHosts
from tests.charter.factories import adopted_version
from tests.factories import StructureFactory

pytestmark = pytest.mark.django_db

API_MODULES = [
    "maillage.api.api",
    "maillage.api.problems",
    "maillage.actors.api",
    "maillage.charter.api",
    "maillage.events.api",
    "maillage.newsletter.api",
    "maillage.plan.api",
    "maillage.workspace.api",
]
PROBLEM_KEYS = {"type", "title", "status", "detail", "instance"}


def _openapi(client) -> dict:
    return client.get("/api/v1/openapi.json").json()


def _operations(openapi: dict):
    for path, item in openapi["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def _validate(openapi: dict, path: str, status: int, response) -> None:
    """The answer matches the schema documented for its status and media type."""
    documented = openapi["paths"][path]["get"]["responses"][str(status)]
    media_type = response["Content-Type"].split(";")[0]
    schema = documented["content"][media_type]["schema"]
    jsonschema.validate(response.json(), {**schema, "components": openapi["components"]})


def test_every_schema_class_of_the_api_has_its_own_name():
    # ninja names a component after its class: two classes of one name overwrite each other in the schema
    # (the charter's versions were documented with the plan's version schema).
    for module in API_MODULES:
        importlib.import_module(module)
    by_name: dict[str, set[str]] = defaultdict(set)
    pending = list(Schema.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__ in API_MODULES:
            by_name[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    duplicates = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert duplicates == {}


def test_the_charter_versions_answer_matches_its_documented_schema(client, territory):
    adopted_version(territory)
    StructureFactory(territory=territory, name="Recyclerie")
    openapi = _openapi(client)
    for path, url in [
        ("/api/v1/charte/versions", "/api/v1/charte/versions"),
        ("/api/v1/charte/versions/{number}", "/api/v1/charte/versions/1"),
        ("/api/v1/charte", "/api/v1/charte"),
        ("/api/v1/structures", "/api/v1/structures"),
        ("/api/v1/sante", "/api/v1/sante"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        _validate(openapi, path, 200, response)


def test_every_operation_with_a_path_parameter_documents_404_and_every_error_is_problem_details(
    client, territory
):
    openapi = _openapi(client)
    checked = 0
    for path, method, operation in _operations(openapi):
        if any(p["in"] == "path" for p in operation.get("parameters", [])):
            assert "404" in operation["responses"], f"{method.upper()} {path}"
            checked += 1
        for status, response in operation["responses"].items():
            if int(status) >= 400 and path != "/api/v1/sante":  # the health check's 503 is its own report
                assert list(response["content"]) == ["application/problem+json"], f"{path} {status}"
    assert checked >= 5


def test_typed_parameters_document_422(client, territory):
    openapi = _openapi(client)
    assert "422" in openapi["paths"]["/api/v1/charte/versions/{number}"]["get"]["responses"]
    assert "422" in openapi["paths"]["/api/v1/structures"]["get"]["responses"]
    # a free text parameter cannot fail: no 422 is promised
    assert "422" not in openapi["paths"]["/api/v1/structures/{slug}"]["get"]["responses"]


@pytest.mark.parametrize(
    ("url", "path", "status", "words"),
    [
        ("/api/v1/charte/versions/9", "/api/v1/charte/versions/{number}", 404, "numéro 9"),
        ("/api/v1/charte", "/api/v1/charte", 404, "adoptée"),
        ("/api/v1/structures/inconnue", "/api/v1/structures/{slug}", 404, "Aucune structure"),
        ("/api/v1/agenda/inconnu", "/api/v1/agenda/{slug}", 404, "Aucun rendez-vous"),
        ("/api/v1/lettre/numeros/3", "/api/v1/lettre/numeros/{number}", 404, "numéro paru 3"),
        ("/api/v1/contrat/plans/1999", "/api/v1/contrat/plans/{year}", 404, "1999"),
        ("/api/v1/charte/versions/abc", "/api/v1/charte/versions/{number}", 422, "nombre entier"),
        ("/api/v1/structures?page=0", "/api/v1/structures", 422, "au moins 1"),
    ],
)
def test_errors_are_problem_details_in_french(client, territory, url, path, status, words):
    response = client.get(url)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body.keys() >= PROBLEM_KEYS
    assert body["status"] == status and body["instance"] == url
    assert body["type"].startswith("/api/#probleme-")
    assert words in body["detail"]
    _validate(_openapi(client), path, status, response)


def test_a_422_lists_each_invalid_parameter(client, territory):
    body = client.get("/api/v1/agenda?limit=beaucoup&past=peut-etre").json()
    assert body["title"] == "Paramètres invalides"
    invalid = {(e["parameter"], e["location"]) for e in body["errors"]}
    assert invalid == {("limit", "query"), ("past", "query")}
    assert "« limit » (un nombre entier est attendu)" in body["detail"]


def test_a_host_that_serves_no_territory_answers_404_problem_details(client, settings):
    settings.ALLOWED_HOSTS = TerritoryHosts(extra=["nulle-part.example"])
    for url in ["/api/v1/structures", "/api/v1/charte/versions", "/api/v1/agenda", "/api/v1/veille"]:
        response = client.get(url, HTTP_HOST="nulle-part.example")
        assert response.status_code == 404, url
        assert response.json()["detail"] == "Aucun territoire n'est servi à cette adresse."
    assert client.get("/api/v1/sante", HTTP_HOST="nulle-part.example").json()["status"] == "ok"


def test_the_health_operation_documents_the_failing_answer(client, settings, territory):
    operation = _openapi(client)["paths"]["/api/v1/sante"]["get"]
    assert {"200", "503"} <= set(operation["responses"])
    assert list(operation["responses"]["503"]["content"]) == ["application/json"]  # what it answers
    # Without the middleware in front, the operation itself runs the same checks (not a constant « ok »).
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("HealthCheckMiddleware")]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    response = client.get("/api/v1/sante")
    assert response.status_code == 503
    assert "cache" in response.json()["failing"]
