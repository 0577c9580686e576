"""Territory roles (granted and revoked through services, with history) and the object-level rules."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.accounts import services
from maillage.accounts.models import TerritoryRole
from maillage.accounts.permissions import is_animator, is_moderator
from maillage.actors.permissions import is_structure_manager, is_structure_member
from tests.factories import UserFactory


def test_an_animator_grants_and_revokes_a_role_with_history(territory, animator, member):
    version = member.access_version
    role = services.grant_territory_role(
        actor=animator, user=member, territory=territory, role=TerritoryRole.Role.MODERATOR
    )
    assert member.is_moderator_of(territory) and not member.is_animator_of(territory)
    assert member.access_version == version + 1
    # Idempotent.
    assert (
        services.grant_territory_role(
            actor=animator, user=member, territory=territory, role=TerritoryRole.Role.MODERATOR
        )
        == role
    )
    assert services.revoke_territory_role(
        actor=animator, user=member, territory=territory, role=TerritoryRole.Role.MODERATOR
    )
    assert not member.is_moderator_of(territory)
    history = list(TerritoryRole.history.filter(user_id=member.pk).order_by("history_date"))
    assert [h.history_type for h in history] == ["+", "-"]
    assert {h.history_user_id for h in history} == {animator.pk}
    assert [h.history_change_reason for h in history] == ["Rôle attribué", "Rôle retiré"]
    assert not services.revoke_territory_role(
        actor=animator, user=member, territory=territory, role=TerritoryRole.Role.MODERATOR
    )


def test_only_the_territory_animation_grants_roles(territory, animator_other, manager, member):
    for actor in (animator_other, manager):
        with pytest.raises(PermissionDenied):
            services.grant_territory_role(
                actor=actor, user=member, territory=territory, role=TerritoryRole.Role.ANIMATOR
            )
    assert not TerritoryRole.objects.filter(user=member).exists()


def test_an_unknown_role_is_refused(territory, animator, member):
    with pytest.raises(ValidationError):
        services.grant_territory_role(actor=animator, user=member, territory=territory, role="king")


def test_rules(
    territory, other_territory, structure, member, manager, manager_other, animator, animator_other
):
    assert is_animator(animator, territory) and is_animator(animator, structure)
    assert not is_animator(animator_other, territory) and not is_animator(manager, structure)
    assert is_moderator(animator, structure)
    assert is_structure_manager(manager, structure) and not is_structure_manager(member, structure)
    assert is_structure_member(member, structure) and is_structure_member(manager, structure)
    assert not is_structure_member(manager_other, structure)
    assert manager.has_perm("actors.change_structure", structure)
    assert animator.has_perm("actors.change_structure", structure)
    assert not animator_other.has_perm("actors.change_structure", structure)
    assert not member.has_perm("actors.change_structure", structure)
    assert not manager_other.has_perm("actors.change_structure", structure)
    assert animator.has_perm("core.animate_territory", territory)
    assert not animator.has_perm("core.animate_territory", other_territory)
    superuser = UserFactory(email="root@example.org", is_superuser=True)
    assert superuser.has_perm("accounts.manage_territory_roles", territory)


def test_roles_are_read_through_a_scoped_queryset(territory, animator, member, manager):
    services.grant_territory_role(
        actor=animator, user=manager, territory=territory, role=TerritoryRole.Role.MODERATOR
    )
    assert set(TerritoryRole.objects.for_user(animator, territory).values_list("user__email", flat=True)) == {
        animator.email,
        manager.email,
    }
    assert list(TerritoryRole.objects.for_user(member, territory)) == []
    # A moderator sees the roles of the territory too.
    assert TerritoryRole.objects.for_user(manager, territory).count() == 2
