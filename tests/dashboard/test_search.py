"""The header's search: one query, results grouped by kind, public and of the territory only."""

from __future__ import annotations

import pytest

from maillage.actors.models import Structure
from maillage.actors.services import index_structure, save_practice
from maillage.core.actors import SYSTEM
from tests.calls.factories import open_call
from tests.events.factories import EventFactory
from tests.factories import CommuneFactory, StructureFactory
from tests.needs.factories import need

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


def test_needs_and_calls_through_the_registry(client, territory, other_territory):
    need(territory, title="Pas de bus le dimanche pour la ressourcerie")
    nice = CommuneFactory(insee_code="06088", name="Nice")
    other_territory.communes.add(nice)
    need(other_territory, title="Ressourcerie voisine sans bus", communes=[nice])
    open_call(territory, year=2026)
    html = client.get("/recherche/?q=ressourcerie").content.decode()
    assert "Besoins sociaux" in html and "Pas de bus le dimanche pour la ressourcerie" in html
    assert "voisine sans bus" not in html
    html = client.get("/recherche/?q=appel projets").content.decode()
    assert "Appels à projets" in html and "Appel à projets ESS 2026" in html


def test_a_misspelled_word_finds_the_structures_on_both_databases(client, content, territory):
    # corrected against the directory's vocabulary, as the directory page does (not by PostgreSQL's
    # trigram similarity over every document, which SQLite lacks and which took ~0.9 s at 20,000)
    from maillage.dashboard.search import structure_query

    assert structure_query(territory, "resourcerie collines") == "ressourcerie collines"
    assert structure_query(territory, "zzzzqx") == "zzzzqx"  # nothing near: kept as typed
    html = client.get("/recherche/?q=resourcerie").content.decode()
    assert "Ressourcerie des collines" in html
    assert "en attente" not in html and "voisine" not in html
