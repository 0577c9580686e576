"""Who may do what on the dashboard: everyone reads the figures; the animation sees the fuller view and
recomputes the figures on demand."""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import PermissionDenied

from maillage.core.actors import Actor, is_system, require_actor
from maillage.core.models import Territory


@rules.predicate
def is_animator(user: Any, territory: Territory | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_animator_of(territory))


rules.add_perm("dashboard.animate", is_animator)


def can_animate(user: Any, territory: Territory | None) -> bool:
    return bool(user is not None and user.has_perm("dashboard.animate", territory))


def require_animator(actor: Actor, territory: Territory) -> None:
    require_actor(actor)
    if is_system(actor):
        return
    if not can_animate(actor, territory):
        raise PermissionDenied("Seule l'animation du territoire peut recalculer les chiffres.")
