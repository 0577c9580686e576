"""Object-level permissions of the charter (django-rules), autodiscovered at start-up."""

from __future__ import annotations

from typing import Any

import rules

from maillage.accounts.rules import is_animator, is_superuser
from maillage.actors.models import Membership
from maillage.actors.permissions import is_structure_manager


@rules.predicate
def is_member_of_territory(user: Any, territory: Any = None) -> bool:
    """The person belongs to a structure of the territory (any role)."""
    if territory is None or user is None or not user.is_authenticated:
        return False
    territory_id = getattr(territory, "territory_id", None) or getattr(territory, "pk", None)
    return Membership.objects.filter(user=user, structure__territory_id=territory_id).exists()


# Run the charter (versions, articles, amendment decisions): the territory's animation.
rules.add_perm("charter.animate", is_superuser | is_animator)
# Read, write and support comments and amendments: the territory's members and animation.
rules.add_perm("charter.contribute", is_superuser | is_animator | is_member_of_territory)
# Sign on behalf of a structure: its managers.
rules.add_perm("charter.sign_for", is_structure_manager)
# Withdraw a structure's signature: its managers and the animation.
rules.add_perm("charter.withdraw_for", is_superuser | is_structure_manager | is_animator)
