"""core's chainable querysets and their for_user()."""

from __future__ import annotations

from maillage.core import services
from maillage.core.models import Commune, PersonalDataAccess, Territory
from tests.factories import UserFactory


def test_territories_for_a_person_are_the_active_ones(territory):
    closed = services.create_or_update_territory(
        slug="ferme", name="Fermé", canonical_url="https://ferme.example", domains=[], is_active=False
    )
    assert closed not in Territory.objects.for_user(UserFactory())
    assert territory in Territory.objects.for_user(None)
    assert closed in Territory.objects.for_user(UserFactory(is_superuser=True))


def test_communes_of_a_territory_are_public(territory):
    first = Commune.objects.order_by("pk").first()
    services.create_or_update_territory(
        slug="petit", name="Petit", canonical_url="https://petit.example", domains=[], communes=[first]
    )
    small = Territory.objects.get(slug="petit")
    assert list(Commune.objects.for_user(None, small)) == [first]


def test_a_person_sees_only_her_own_exports(territory):
    alice, bob = UserFactory(), UserFactory()
    services.log_personal_data(actor=alice, territory=territory, what="Abonnés", rows=3)
    services.log_personal_data(actor=bob, territory=territory, what="Inscrits", rows=4)
    assert [a.what for a in PersonalDataAccess.objects.for_user(alice)] == ["Abonnés"]
    assert PersonalDataAccess.objects.for_user(None).count() == 0
    assert PersonalDataAccess.objects.for_user(UserFactory(is_superuser=True)).count() == 2
