"""Fixtures shared by the whole suite.

- Every request in tests goes to a territory by its domain: `territory` answers on « testserver » (the test
  client's host), `other_territory` on « autre.testserver ».
- `ALLOWED_HOSTS` is the real TerritoryHosts (Django's test set-up replaces it with a plain list).
- An unknown template variable fails the test (string_if_invalid raises).
"""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings as django_settings

from maillage.core.hosts import TerritoryHosts
from tests.factories import (
    CommuneFactory,
    DomainFactory,
    MembershipFactory,
    StructureFactory,
    TerritoryFactory,
    TerritoryRoleFactory,
    UserFactory,
)


class InvalidTemplateVariable(str):
    """`string_if_invalid` that fails the test on any unknown variable in a template."""

    def __mod__(self, other: object) -> str:
        raise AssertionError(f"Variable de gabarit inconnue : {other!r}")

    def __contains__(self, item: object) -> bool:  # Django checks "%s" in string_if_invalid
        return True


@pytest.fixture(autouse=True)
def _strict_templates_and_hosts(settings) -> None:
    for engine in settings.TEMPLATES:
        engine["OPTIONS"]["string_if_invalid"] = InvalidTemplateVariable("%s")
    settings.ALLOWED_HOSTS = TerritoryHosts(extra=[])


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def territory(db):
    t = TerritoryFactory(
        name="Pays de Grasse",
        slug="pays-de-grasse",
        canonical_url="https://ess.paysdegrasse.test",
        contract_name="Contrat local de développement de l'ESS du Pays de Grasse",
    )
    DomainFactory(territory=t, name="testserver")
    t.communes.add(CommuneFactory(insee_code="06069", name="Grasse", latitude=43.658, longitude=6.925))
    django_settings.ALLOWED_HOSTS.invalidate() if isinstance(
        django_settings.ALLOWED_HOSTS, TerritoryHosts
    ) else None
    return t


@pytest.fixture
def other_territory(db):
    t = TerritoryFactory(
        name="Vallée voisine", slug="vallee-voisine", canonical_url="https://vallee.example.test"
    )
    DomainFactory(territory=t, name="autre.testserver")
    if isinstance(django_settings.ALLOWED_HOSTS, TerritoryHosts):
        django_settings.ALLOWED_HOSTS.invalidate()
    return t


def with_totp(user):
    """Give a user a TOTP authenticator, as an animator must have (the secret is irrelevant in tests)."""
    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "JBSWY3DPEHPK3PXP"}}
    )
    return user


@pytest.fixture
def structure(territory):
    return StructureFactory(territory=territory, name="La Ressourcerie du Pays de Grasse")


@pytest.fixture
def member(territory, structure):
    user = UserFactory(email="membre@example.org")
    MembershipFactory(user=user, structure=structure, role="member")
    return user


@pytest.fixture
def manager(territory, structure):
    user = UserFactory(email="gestionnaire@example.org")
    MembershipFactory(user=user, structure=structure, role="manager")
    return user


@pytest.fixture
def manager_other(territory):
    user = UserFactory(email="gestionnaire.autre@example.org")
    MembershipFactory(user=user, structure=StructureFactory(territory=territory, name="Autre structure"))
    return user


@pytest.fixture
def animator(territory):
    user = UserFactory(email="animatrice@example.org")
    TerritoryRoleFactory(user=user, territory=territory)
    return with_totp(user)


@pytest.fixture
def animator_other(other_territory):
    user = UserFactory(email="animateur.voisin@example.org")
    TerritoryRoleFactory(user=user, territory=other_territory)
    return with_totp(user)


# The quality harness's fixtures (matrix roles, example context), the browser fixtures and hooks (Chromium,
# live server, the `browser` marker's skip-or-fail rule) and the replica router's hooks (on when a replica is
# configured: the CI's PostgreSQL stage).
pytest_plugins = [
    "tests.harness.fixtures",
    "tests.browser.fixtures",
    "tests.browser.mailbox",
    "tests.replica_reads",
]
