"""The actors personal-data hook: export of memberships; erasure hands a sole manager's structure to the
territory's animator (logged) and leaves co-managed structures alone."""

from __future__ import annotations

import logging

from maillage.actors import personal_data, services
from maillage.actors.models import Membership
from maillage.core.registry import registry
from tests.factories import MembershipFactory, StructureFactory, TerritoryRoleFactory, UserFactory


def test_the_hook_is_registered_before_the_accounts_one():
    hooks = [h.key for h in registry.ordered_personal_data()]
    assert hooks.index("actors") < hooks.index("accounts") == len(hooks) - 1


def test_export_lists_the_memberships(manager, structure):
    data = personal_data.export_memberships(manager)
    assert data["structures"] == [
        {
            "structure": structure.name,
            "territoire": structure.territory.name,
            "role": "gestionnaire",
            "depuis": data["structures"][0]["depuis"],
        }
    ]


def test_a_sole_manager_hands_the_structure_to_the_longest_serving_animator(
    manager, structure, animator, territory
):
    later = UserFactory(email="second.animateur@example.org")
    TerritoryRoleFactory(user=later, territory=territory)
    personal_data.erase_memberships(manager)
    assert not Membership.objects.filter(user=manager).exists()
    assert not Membership.history.filter(user_id=manager.pk).exists()
    handed = Membership.objects.get(structure=structure)
    assert handed.user == animator and handed.role == Membership.Role.MANAGER
    record = handed.history.latest()
    assert record.history_type == "+" and "animation du territoire" in record.history_change_reason


def test_a_co_managed_structure_is_not_handed_over(manager, structure, animator):
    colleague = UserFactory(email="collegue@example.org")
    MembershipFactory(user=colleague, structure=structure, role=Membership.Role.MANAGER)
    personal_data.erase_memberships(manager)
    assert list(Membership.objects.filter(structure=structure).values_list("user__email", flat=True)) == [
        "collegue@example.org"
    ]


def test_without_an_animator_the_structure_is_left_without_manager_and_it_is_logged(
    manager, structure, caplog
):
    with caplog.at_level(logging.WARNING, logger="maillage.actors.services"):
        personal_data.erase_memberships(manager)
    assert not Membership.objects.filter(structure=structure).exists()
    assert "left without manager" in caplog.text


def test_an_animator_who_is_the_sole_manager_hands_over_to_another_animator(territory, animator):
    structure = StructureFactory(territory=territory, name="Tiers-lieu")
    MembershipFactory(user=animator, structure=structure, role=Membership.Role.MANAGER)
    other = UserFactory(email="relais@example.org")
    TerritoryRoleFactory(user=other, territory=territory)
    personal_data.erase_memberships(animator)
    assert Membership.objects.get(structure=structure).user == other


def test_the_last_manager_cannot_simply_leave(manager, structure):
    membership = Membership.objects.get(user=manager, structure=structure)
    try:
        services.remove_membership(actor=manager, membership=membership)
    except Exception as error:  # noqa: BLE001
        assert "seule gestionnaire" in str(error)
    else:
        raise AssertionError("the last manager left")
    assert Membership.objects.filter(pk=membership.pk).exists()
