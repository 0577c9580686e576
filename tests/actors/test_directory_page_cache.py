"""The directory's whole page shared by anonymous visitors (maillage/core/page_cache.py): served from the
shared cache until a write raises the version, never to a signed-in person, never with a visitor's own
message, address or CSRF token."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory

from maillage.actors import services
from maillage.actors.models import Structure
from maillage.core import page_cache
from maillage.core.actors import SYSTEM
from maillage.core.registry import StructureBadge, registry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/structures/"


def make(territory, name, **data):
    data.setdefault("family", "association")
    return services.create_structure(
        actor=SYSTEM, territory=territory, data={"name": name, **data}, sectors=[]
    )


def get(client, url=URL, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200
    return response


def test_the_second_anonymous_visit_is_served_from_the_cache_without_searching(
    client, territory, django_assert_max_num_queries
):
    make(territory, "Jardin partagé des Aspres")
    first = get(client, URL + "?q=jardin")
    assert first[page_cache.HEADER] == "miss"
    assert "Jardin partagé des Aspres" in first.content.decode()
    with django_assert_max_num_queries(6) as captured:  # the version and the badges; no search, no rows
        second = get(client, URL + "?q=jardin")
    assert second[page_cache.HEADER] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert "HX-Request" in second["Vary"]
    selected = [q["sql"].split(" FROM ")[0] for q in captured.captured_queries]
    assert not any('"actors_structure"."name"' in columns for columns in selected)  # no row is read
    assert not any("core_searchdocument" in q["sql"] for q in captured.captured_queries)  # no search


def test_a_write_to_a_structure_replaces_the_page_at_once(client, territory):
    kept = make(territory, "Ressourcerie de la Siagne")
    gone = make(territory, "Atelier vélo du Plan")
    assert "Atelier vélo du Plan" in get(client).content.decode()
    assert get(client)[page_cache.HEADER] == "hit"

    services.update_structure(actor=SYSTEM, structure=kept, data={"name": "Ressourcerie de la Haute-Siagne"})
    page = get(client)
    assert page[page_cache.HEADER] == "miss"
    assert "Ressourcerie de la Haute-Siagne" in page.content.decode()

    services.transition_structure(actor=SYSTEM, structure=gone, to_status=Structure.Status.ARCHIVED)
    page = get(client)
    assert page[page_cache.HEADER] == "miss"
    assert "Atelier vélo du Plan" not in page.content.decode()


def test_a_badge_given_by_another_module_replaces_the_page(client, territory):
    carried: set[int] = set()
    structure = make(territory, "Coopérative des Restanques")
    badge = StructureBadge(key="test_cache", label="Badge de test", structure_ids=lambda t: carried, order=99)
    registry.structure_badges["test_cache"] = badge
    try:
        assert "Badge de test" not in get(client).content.decode()
        assert get(client)[page_cache.HEADER] == "hit"
        carried.add(structure.pk)  # the other module's write: no directory version involved
        page = get(client)
        assert page[page_cache.HEADER] == "miss"
        assert "Badge de test" in page.content.decode()
    finally:
        del registry.structure_badges["test_cache"]


def test_the_territory_s_own_fields_replace_the_page(client, territory):
    get(client)
    territory.name = "Pays de Grasse et des Préalpes"
    territory.save()
    page = get(client)
    assert page[page_cache.HEADER] == "miss"
    assert "Pays de Grasse et des Préalpes" in page.content.decode()


def test_a_signed_in_person_never_gets_the_shared_page(client, territory):
    make(territory, "Épicerie solidaire du Moulin")
    assert get(client)[page_cache.HEADER] == "miss"
    assert get(client)[page_cache.HEADER] == "hit"
    client.force_login(UserFactory(email="lecteur@example.org"))
    page = get(client)
    assert page[page_cache.HEADER] == "skip"
    assert "Mon espace" in page.content.decode()
    assert "Se déconnecter" in page.content.decode()


def test_htmx_fragments_and_full_pages_are_kept_apart(client, territory):
    make(territory, "Recyclerie des Collines")
    full = get(client, URL + "?q=recyclerie")
    fragment = get(client, URL + "?q=recyclerie", HTTP_HX_REQUEST="true")
    assert fragment[page_cache.HEADER] == "miss"
    assert get(client, URL + "?q=recyclerie", HTTP_HX_REQUEST="true").content == fragment.content
    assert get(client, URL + "?q=recyclerie")[page_cache.HEADER] == "hit"
    assert get(client, URL + "?q=recyclerie").content == full.content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?q=&adresse=&autour=&rayon=10&tri=", "miss"),  # the form as sent, an empty address
        ("?adresse=12+rue+de+la+Fontaine%2C+Grasse", "skip"),  # located with the visitor's own budget
        ("?q=jardin&utm_source=lettre", "skip"),  # a name the page does not read
        ("?q=" + "x" * 1200, "skip"),
    ],
)
def test_only_the_page_s_own_parameters_are_shared(client, territory, query, expected):
    assert client.get(URL + query)[page_cache.HEADER] == expected


def test_a_waiting_message_is_shown_not_a_shared_page(client, territory):
    get(client)
    assert get(client)[page_cache.HEADER] == "hit"
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies["messages"] = storage._encode([Message(constants.SUCCESS, "Votre message est envoyé.")])
    page = get(client)
    assert page[page_cache.HEADER] == "skip"
    assert "Votre message est envoyé." in page.content.decode()


def _anonymous_request(path="/page/"):
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_a_page_that_used_a_csrf_token_is_never_kept(territory):
    renders = []

    def render_with_token():
        request_ = current[0]
        renders.append(get_token(request_))
        return HttpResponse(f"<input name=csrfmiddlewaretoken value={renders[-1]}>")

    for _ in range(2):
        current = [_anonymous_request()]
        response = page_cache.anonymous_page(
            current[0], render_with_token, namespace="test", version=lambda: "1", params=()
        )
        assert response[page_cache.HEADER] == "skip"
    assert len(renders) == 2


def test_an_error_or_a_cookie_is_never_kept(territory):
    calls = []

    def failing():
        calls.append(1)
        return HttpResponse("indisponible", status=503)

    def with_cookie():
        calls.append(2)
        response = HttpResponse("bonjour")
        response.set_cookie("visite", "1")
        return response

    for render in (failing, failing, with_cookie, with_cookie):
        page_cache.anonymous_page(_anonymous_request(), render, namespace="t", version=lambda: "1", params=())
    assert calls == [1, 1, 2, 2]
    assert not any(key for key in cache._cache if ":page:t:" in key)  # type: ignore[attr-defined]
