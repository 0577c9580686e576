"""Who may do what with API keys: the animation of a territory issues and revokes its territory's keys."""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import PermissionDenied

from maillage.core.actors import Actor, is_system, require_actor
from maillage.core.models import Territory


@rules.predicate
def is_animator(user: Any, territory: Territory | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_animator_of(territory))


rules.add_perm("api.manage_keys", is_animator)


def can_manage_keys(user: Any, territory: Territory | None) -> bool:
    return bool(user is not None and user.has_perm("api.manage_keys", territory))


def require_key_manager(actor: Actor, territory: Territory) -> None:
    require_actor(actor)
    if is_system(actor):
        return
    if not can_manage_keys(actor, territory):
        raise PermissionDenied("Seule l'animation du territoire délivre et révoque les clés d'API.")
