"""The host → territory answer kept per process (one query less on every request)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext

from maillage.core import services
from maillage.core.hosts import invalidate_allowed_hosts
from maillage.core.middleware import TerritoryMiddleware
from maillage.core.territories import forget_cached_territories
from tests.factories import DomainFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def territory_cache(settings):
    settings.MAILLAGE_TERRITORY_CACHE_SECONDS = 30
    forget_cached_territories()
    yield
    forget_cached_territories()


def _domain_queries(queries) -> int:
    return sum('"core_domain"' in q["sql"] for q in queries)


def resolved(rf, host: str = "testserver"):
    seen = []
    TerritoryMiddleware(lambda request: seen.append(request.territory) or HttpResponse())(
        rf.get("/", HTTP_HOST=host)
    )
    return seen[0]


def test_the_territory_of_a_host_is_read_once_per_process(client, territory, territory_cache):
    client.get("/agenda/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/agenda/").status_code == 200
    assert _domain_queries(queries) == 0


def test_the_territory_service_forgets_after_commit(
    rf, territory, territory_cache, django_capture_on_commit_callbacks
):
    assert resolved(rf).name == territory.name
    with django_capture_on_commit_callbacks(execute=True):
        services.create_or_update_territory(
            slug=territory.slug,
            name="Territoire renommé",
            canonical_url=territory.canonical_url,
            domains=[*territory.domains.values_list("name", flat=True), "agenda.testserver"],
        )
    assert resolved(rf).name == "Territoire renommé"
    assert resolved(rf, "agenda.testserver").pk == territory.pk


def test_without_forgetting_the_cache_answers_until_its_delay(rf, territory, territory_cache):
    assert resolved(rf) == territory
    territory.is_active = False
    territory.save()  # a raw write: nobody told the cache
    assert resolved(rf) == territory  # within the 30 s
    forget_cached_territories()  # what the services and the admin do
    assert resolved(rf) is None


def test_each_request_gets_its_own_copy(rf, territory, territory_cache):
    seen = []

    def view(request):
        seen.append((request.territory, request.territory.name, dict(request.territory.settings)))
        request.territory.name = "changé par une vue"
        request.territory.settings["publisher_name"] = "changé aussi"
        return HttpResponse()

    middleware = TerritoryMiddleware(view)
    middleware(rf.get("/agenda/"))
    middleware(rf.get("/agenda/"))
    (first, _, _), (second, name_seen, settings_seen) = seen
    assert first is not second and second.pk == territory.pk
    assert name_seen == "Pays de Grasse" == territory.name
    assert settings_seen.get("publisher_name") != "changé aussi"  # the JSON settings are copied too


def test_a_new_domain_answers_once_forgotten(rf, territory, territory_cache):
    assert resolved(rf) == territory
    DomainFactory(territory=territory, name="nouveau.testserver")
    invalidate_allowed_hosts()  # as the services and the admin do, with:
    forget_cached_territories()
    assert resolved(rf, "nouveau.testserver") == territory
