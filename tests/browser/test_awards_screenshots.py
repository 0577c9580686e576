"""Screenshots of the Trophée for the guide (docs/guide/img/trophees-*.png), taken from the app's demo
loader (last year's published edition, this year's open for nominations); nothing is asserted on them
beyond the pages answering."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone

from maillage.awards import demo
from tests.factories import MembershipFactory, StructureFactory, UserFactory

pytestmark = pytest.mark.browser

IMAGES = Path(__file__).resolve().parents[2] / "docs" / "guide" / "img"
NAMES = [
    "Ressourcerie des Collines",
    "Jardins partagés de Mouans",
    "Vélo-école du Plan",
    "Épicerie solidaire Saint-Jacques",
    "Café des aidants de Pégomas",
    "Conciergerie de la Paoute",
    "Pôle de coopération du Haut-Pays",
    "Cuisine partagée de Peymeinade",
    "Groupement des producteurs de la Siagne",
    "Recyclerie de Saint-Vallier",
    "Scop Les Bâtisseurs",
    "Crèche associative Les Petits Pas",
]


def test_awards_screenshots(new_context, territory, animator):
    for i, name in enumerate(NAMES):
        manager = UserFactory(email=f"gestion{i}@example.org", first_name="Gestion", last_name=f"{i}")
        MembershipFactory(
            user=manager, structure=StructureFactory(territory=territory, name=name), role="manager"
        )
    demo.load(today=timezone.localdate(), context={"demo_accounts": {"animator": animator}})
    year = timezone.localdate().year
    IMAGES.mkdir(parents=True, exist_ok=True)
    shots = [
        (None, f"/trophees/{year}/", "edition"),
        (None, f"/trophees/{year - 1}/palmares/", "palmares"),
        (animator, f"/trophees/gestion/{year - 1}/resultats/", "resultats"),
    ]
    for user, url, name in shots:
        page = new_context(user=user, viewport={"width": 1280, "height": 800}).new_page()
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        page.screenshot(path=str(IMAGES / f"trophees-{name}-1280.png"), full_page=True)
