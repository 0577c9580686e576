"""Object-level permissions of accounts (django-rules), autodiscovered at start-up.

The predicates take the person and a territory, or any object with a `territory` attribute (a structure,
an event…), so later apps reuse them: `is_animator | is_structure_manager`.
"""

from __future__ import annotations

from typing import Any

import rules

from maillage.core.models import Territory


def territory_of(obj: Any) -> Territory | None:
    """The territory an object belongs to: itself for a territory, else its `territory` attribute."""
    if obj is None:
        return None
    if isinstance(obj, Territory):
        return obj
    return getattr(obj, "territory", None)


@rules.predicate
def is_animator(user: Any, obj: Any = None) -> bool:
    """The person animates the object's territory."""
    territory = territory_of(obj)
    return bool(
        user is not None
        and user.is_authenticated
        and territory is not None
        and user.is_animator_of(territory)
    )


@rules.predicate
def is_moderator(user: Any, obj: Any = None) -> bool:
    """The person moderates the object's territory (an animator moderates too)."""
    territory = territory_of(obj)
    return bool(
        user is not None
        and user.is_authenticated
        and territory is not None
        and user.is_moderator_of(territory)
    )


is_superuser = rules.is_superuser

# Grant or revoke animator/moderator roles on a territory, see the people who hold them.
rules.add_perm("accounts.manage_territory_roles", is_superuser | is_animator)
rules.add_perm("accounts.view_territory_roles", is_superuser | is_moderator)
# Animate or moderate a territory's content (used by every feature app's animator pages).
rules.add_perm("core.animate_territory", is_superuser | is_animator)
rules.add_perm("core.moderate_territory", is_superuser | is_moderator)
