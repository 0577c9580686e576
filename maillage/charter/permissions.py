"""Who may do what with the charter: the only source (django-rules predicates and permissions, and the
checks that views, querysets and services call).

- `charter.animate`: run the charter (versions, articles, amendment decisions) — the territory's animation;
- `charter.contribute`: comment, propose and support amendments — the territory's members and animation;
- `charter.sign_for`: sign on behalf of a structure — its managers;
- `charter.withdraw_for`: withdraw a structure's signature — its managers and the animation.

The system actor (`core.actors.SYSTEM`: the demo loader, a task) passes every check; `None` never reaches
here (services call `require_actor` first, through core's machine or `require_*` below).
"""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import PermissionDenied

from maillage.accounts.permissions import is_animator, is_superuser
from maillage.actors.models import Membership, Structure
from maillage.actors.permissions import is_structure_manager
from maillage.core.actors import Actor, is_system, require_actor
from maillage.core.models import Territory


@rules.predicate
def is_member_of_territory(user: Any, territory: Any = None) -> bool:
    """The person belongs to a structure of the territory (any role)."""
    if territory is None or user is None or not user.is_authenticated:
        return False
    territory_id = getattr(territory, "territory_id", None) or getattr(territory, "pk", None)
    return Membership.objects.filter(user=user, structure__territory_id=territory_id).exists()


rules.add_perm("charter.animate", is_superuser | is_animator)
rules.add_perm("charter.contribute", is_superuser | is_animator | is_member_of_territory)
rules.add_perm("charter.sign_for", is_structure_manager)
rules.add_perm("charter.withdraw_for", is_superuser | is_structure_manager | is_animator)


def _has(who: Any, perm: str, obj: Any) -> bool:
    """`who` is an actor or the request's user (possibly anonymous, or None: no one)."""
    if who is None:
        return False
    if is_system(who):
        return True
    return bool(who.has_perm(perm, obj))


def can_animate(who: Any, territory: Territory) -> bool:
    return _has(who, "charter.animate", territory)


def can_contribute(who: Any, territory: Territory) -> bool:
    return _has(who, "charter.contribute", territory)


def can_sign_for(who: Any, structure: Structure) -> bool:
    return _has(who, "charter.sign_for", structure)


def can_withdraw_for(who: Any, structure: Structure) -> bool:
    return _has(who, "charter.withdraw_for", structure)


# --- the checks services make (a French message for the person refused) ---------------------------------


def require_animator(actor: Actor, territory: Territory) -> None:
    require_actor(actor)
    if not can_animate(actor, territory):
        raise PermissionDenied("Seule l'animation du territoire peut rédiger et faire évoluer la charte.")


def require_contributor(actor: Actor, territory: Territory) -> None:
    require_actor(actor)
    if not can_contribute(actor, territory):
        raise PermissionDenied(
            "Seuls les membres des structures du territoire et l'animation peuvent contribuer à la charte."
        )


def require_signer(actor: Actor, structure: Structure) -> None:
    require_actor(actor)
    if not can_sign_for(actor, structure):
        raise PermissionDenied("Seuls les gestionnaires de la structure peuvent signer la charte en son nom.")


def require_withdrawer(actor: Actor, structure: Structure) -> None:
    require_actor(actor)
    if not can_withdraw_for(actor, structure):
        raise PermissionDenied(
            "Seuls les gestionnaires de la structure et l'animation peuvent retirer cette signature."
        )
