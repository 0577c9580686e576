"""Fixtures of cooperation's tests: a practice and an event of each territory."""

from __future__ import annotations

import pytest

from maillage.actors.services import save_practice
from maillage.core.actors import system
from tests.events.factories import EventFactory
from tests.factories import StructureFactory, TerritoryRoleFactory, UserFactory

SETUP = system("tests")


def practice_of(structure, title="Un jardin partagé au pied des immeubles"):
    return save_practice(actor=SETUP, structure=structure, title=title, themes=["ancrage"], summary="Résumé.")


@pytest.fixture
def practice(structure):
    return practice_of(structure)


@pytest.fixture
def event(territory):
    return EventFactory(territory=territory, title="Rendez-vous de l'ESS : l'économie circulaire")


@pytest.fixture
def other_structure(other_territory):
    return StructureFactory(territory=other_territory, name="Épicerie solidaire de la vallée")


@pytest.fixture
def other_practice(other_structure):
    return practice_of(other_structure, title="Une tournée d'épicerie dans les hameaux")


@pytest.fixture
def other_event(other_territory):
    return EventFactory(territory=other_territory, title="Marché des producteurs de la vallée")


@pytest.fixture
def animator_without_totp(territory):
    user = UserFactory(email="sans.totp@example.org")
    TerritoryRoleFactory(user=user, territory=territory)
    return user
