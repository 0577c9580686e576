"""The header's search: one query, results grouped by kind, public and of the territory only."""

from __future__ import annotations

import pytest

from maillage.actors.models import Structure
from maillage.actors.services import index_structure, save_practice
from maillage.core.actors import SYSTEM
from tests.events.factories import EventFactory
from tests.factories import StructureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(territory, other_territory):
    ressourcerie = StructureFactory(
        territory=territory, name="Ressourcerie des collines", description="réemploi"
    )
    index_structure(ressourcerie)
    save_practice(
        actor=SYSTEM,
        structure=ressourcerie,
        title="Réemploi des meubles avec les habitants",
        themes=["ancrage"],
    )
    hidden = StructureFactory(
        territory=territory, name="Ressourcerie en attente", status=Structure.Status.PENDING
    )
    index_structure(hidden)
    elsewhere = StructureFactory(territory=other_territory, name="Ressourcerie voisine")
    index_structure(elsewhere)
    EventFactory(territory=territory, title="Forum du réemploi solidaire")
    EventFactory(territory=territory, title="Réemploi : atelier brouillon", status="draft")
    EventFactory(territory=other_territory, title="Réemploi chez les voisins")
    return ressourcerie


def test_results_grouped_by_kind(client, content):
    html = client.get("/recherche/?q=reemploi").content.decode()
    assert "Structures" in html and "Ressourcerie des collines" in html
    assert "Bonnes pratiques" in html and "Réemploi des meubles avec les habitants" in html
    assert "Rendez-vous" in html and "Forum du réemploi solidaire" in html
    assert (
        html.index("resultats-structure") < html.index("resultats-practice") < html.index("resultats-event")
    )
    assert f'href="/structures/{content.slug}/"' in html


def test_only_public_content_of_the_territory(client, content):
    html = client.get("/recherche/?q=ressourcerie").content.decode()
    assert "Ressourcerie des collines" in html
    assert "en attente" not in html
    assert "voisine" not in html
    html = client.get("/recherche/?q=reemploi").content.decode()
    assert "brouillon" not in html and "voisins" not in html


def test_empty_too_long_and_unmatched_queries(client, content):
    assert "résultat" not in client.get("/recherche/").content.decode()
    assert "Aucun résultat pour « zzzzqx »" in client.get("/recherche/?q=zzzzqx").content.decode()
    too_long = client.get("/recherche/?q=" + "a" * 300).content.decode()
    assert "Assurez-vous que cette valeur comporte au plus 200 caractères" in too_long


def test_the_header_box_is_on_every_page(client, territory):
    html = client.get("/").content.decode()
    assert 'role="search"' in html and 'action="/recherche/"' in html
