"""The regional view: every active territory, a link to each, their figures side by side and the sum."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import StructureFactory

pytestmark = pytest.mark.django_db


def test_regional_view_lists_territories_and_adds_their_figures(territory, other_territory, structure):
    StructureFactory(territory=other_territory, name="Épicerie de la vallée")
    StructureFactory(territory=other_territory, name="Atelier vélo de la vallée")
    page = Client().get("/territoires/").content.decode()
    assert 'href="https://ess.paysdegrasse.test"' in page and 'href="https://vallee.example.test"' in page
    assert "Structures publiées" in page
    row_grasse = page.split('<th scope="row">Pays de Grasse</th>')[1].split("</tr>")[0]
    row_vallee = page.split('<th scope="row">Vallée voisine</th>')[1].split("</tr>")[0]
    total = page.split('<th scope="row">Ensemble</th>')[1].split("</tr>")[0]
    assert row_grasse.split("</td>")[0].endswith(">1")
    assert row_vallee.split("</td>")[0].endswith(">2")
    assert total.split("</td>")[0].endswith(">3")
    assert 'role="img"' in page  # the chart, with the table beside it


def test_an_inactive_territory_is_not_listed(territory, other_territory):
    other_territory.is_active = False
    other_territory.save()
    page = Client().get("/territoires/").content.decode()
    assert "Vallée voisine" not in page
