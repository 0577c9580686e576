"""Who may do what in accounts: the rules predicates and permissions (the only source; loaded by
`AccountsConfig.ready()`), and the checks the services call.

The predicates take the person and a territory, or any object with a `territory` attribute (a structure,
an event…), so later apps reuse them: `is_animator | is_structure_manager`.
"""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import PermissionDenied

from maillage.core.actors import Actor, is_system
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


def check_can_manage_roles(actor: Actor, territory: Territory) -> None:
    """The animation (or the system: the demo loader, a command) grants and revokes territory roles."""
    if not is_system(actor) and not actor.has_perm("accounts.manage_territory_roles", territory):
        raise PermissionDenied("Seule l'animation du territoire peut attribuer ou retirer ce rôle.")


def check_is_self(actor: Actor, user: Any, message: str) -> None:
    """Only the person herself (never the system, nor anybody else) acts on her name, export or erasure."""
    if is_system(actor) or actor.pk != user.pk:
        raise PermissionDenied(message)
