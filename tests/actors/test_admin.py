"""The Django admin of structures writes through the services: a status change is a logged transition that
takes the structure out of the public directory and the search, a forbidden move is refused, a deletion
leaves the search, and memberships are only shown."""

from __future__ import annotations

import re

import pytest

from maillage.actors import directory, services
from maillage.actors.models import Membership, Structure
from maillage.core import search
from tests.conftest import with_totp
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    user = UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)
    return with_totp(user)


@pytest.fixture
def published(territory, animator):
    return services.create_structure(
        actor=animator,
        territory=territory,
        data={"name": "Les Jardins de Cocagne", "family": "association", "description": "Maraîchage."},
    )


def _form_data(client, structure: Structure, **changes: str) -> dict[str, str]:
    """What the change form posts: its fields as shown, then `changes`."""
    page = client.get(f"/admin/actors/structure/{structure.pk}/change/").content.decode()
    data: dict[str, str] = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or 'type="submit"' in tag:
            continue
        if 'type="checkbox"' in tag and "checked" not in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = value.group(1) if value else ""
    for select in re.finditer(r'<select name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(2))
        data[select.group(1)] = chosen.group(1) if chosen else ""
    for area in re.finditer(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        data[area.group(1)] = area.group(2).strip()
    data.update(changes)
    return data


def _in_search(territory, structure: Structure) -> bool:
    return structure.pk in search.search(territory, "Cocagne").ids(services.SEARCH_KIND)


def _in_directory(territory, structure: Structure) -> bool:
    listed = directory.run(directory.parse_filters({}, territory), territory).structures
    return structure.pk in [s.pk for s in listed]


def test_archiving_in_the_admin_leaves_the_directory_and_the_search(
    client, superuser, territory, published, django_capture_on_commit_callbacks
):
    assert _in_search(territory, published) and _in_directory(territory, published)
    client.force_login(superuser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/actors/structure/{published.pk}/change/",
            _form_data(client, published, status="archived"),
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    published.refresh_from_db()
    assert published.status == Structure.Status.ARCHIVED
    assert not _in_search(territory, published)
    assert not _in_directory(territory, published)
    client.logout()
    assert client.get(f"/structures/{published.slug}/").status_code == 404
    # the move is logged with who made it
    last = published.transitions.order_by("pk").last()
    assert last.actor == superuser and last.to_state == "archived"


def test_the_admin_edits_through_the_service(client, superuser, territory, published):
    client.force_login(superuser)
    response = client.post(
        f"/admin/actors/structure/{published.pk}/change/",
        _form_data(client, published, name="Les Jardins de Cocagne du Pays de Grasse"),
    )
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.name == "Les Jardins de Cocagne du Pays de Grasse"
    assert published.provenance["name"]["source"] == "animator"
    [hit] = search.search(territory, "Pays de Grasse Cocagne").hits
    assert hit.title == "Les Jardins de Cocagne du Pays de Grasse"


def test_the_admin_refuses_a_move_the_machine_does_not_allow(client, superuser, territory, published):
    client.force_login(superuser)
    response = client.post(
        f"/admin/actors/structure/{published.pk}/change/",
        _form_data(client, published, status="refused", refusal_reason="non"),
    )
    assert response.status_code == 200
    assert "Impossible de passer" in response.content.decode()
    published.refresh_from_db()
    assert published.status == Structure.Status.PUBLISHED


def test_deleting_in_the_admin_leaves_the_search(client, superuser, territory, published):
    client.force_login(superuser)
    response = client.post(f"/admin/actors/structure/{published.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Structure.objects.filter(pk=published.pk).exists()
    assert not _in_search(territory, published)
    assert not _in_directory(territory, published)


def test_the_admin_shows_memberships_without_writing_them(client, superuser, manager, structure):
    client.force_login(superuser)
    page = client.get(f"/admin/actors/structure/{structure.pk}/change/").content.decode()
    assert manager.email in page or str(manager) in page
    assert client.get("/admin/actors/structure/add/").status_code == 403
    assert Membership.objects.filter(structure=structure).count() == 1
